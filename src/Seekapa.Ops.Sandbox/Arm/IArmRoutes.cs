using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// One resource provider's part of the sandbox's fake Azure Resource Manager (served on the sandbox's own HTTPS port under
/// /subscriptions/..., beside the Kubernetes API), answering exactly as specs/azure-arm.md documents the real one.
/// </summary>
internal interface IArmRoutes
{
    /// <summary>Serves the request when it is this provider's and returns true; false lets the next provider try.</summary>
    Task<bool> TryHandleAsync(HttpContext context, ArmRequest request);
}

/// <summary>An authenticated ARM request: method, path (no query), query, parsed JSON body, and the shared world.</summary>
internal sealed record ArmRequest(string Method, string Path, IQueryCollection Query, JsonNode? Body, ArmWorld World)
{
    public string? ApiVersion => Query["api-version"].FirstOrDefault();
}
