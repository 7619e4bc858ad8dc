namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// A Resource Manager answer outside 2xx, with ARM's error code and message (from {"error":{"code","message"}}). It is the
/// inner exception of the SeekapaException the session throws, so a cmdlet can map a specific code to its own ErrorId.
/// </summary>
public sealed class ArmRequestException : Exception
{
    public ArmRequestException(int status, string? code, string armMessage, string method, string path)
        : base($"{method} {path} returned {status}{(code is null ? string.Empty : " " + code)}: {armMessage}")
    {
        Status = status;
        Code = code;
        ArmMessage = armMessage;
        Method = method;
        Path = path;
    }

    public int Status { get; }
    public string? Code { get; }
    public string ArmMessage { get; }
    public string Method { get; }
    public string Path { get; }
}
