namespace Seekapa.Ops.Sandbox;

/// <summary>A request made through the in-process API was refused the way the HTTP API would refuse it.</summary>
public sealed class SandboxException(int statusCode, string reason, string message) : Exception(message)
{
    /// <summary>The HTTP status the API would have answered (404, 409, 422, ...).</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The Kubernetes Status reason (NotFound, AlreadyExists, Invalid, ...).</summary>
    public string Reason { get; } = reason;
}
