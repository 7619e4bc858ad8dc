using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// Just enough OpenAPI for kubectl (verified against kubectl 1.32). `kubectl create -f` validates strictly by default:
/// it asks /openapi/v3 whether the server supports the fieldValidation parameter and, on 404, falls back to
/// /openapi/v2 (as protobuf); if that fails too, create refuses with "failed to download openapi". With an empty v2
/// document (an empty protobuf message is zero bytes) the parameter counts as unsupported, client-side validation
/// finds no schema for the kind and skips it, and the object is sent as-is. So: v3 is 404, v2 is empty.
/// `kubectl get` and `delete` never read OpenAPI.
/// </summary>
internal static class OpenApiEndpoints
{
    // The "@" form is what clients ask for, but Go's mime parser rejects it in a Content-Type, so answer with the dotted form.
    private const string ProtobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public static async Task<bool> TryHandleAsync(HttpContext context, RequestInfo info)
    {
        if (info.Path.TrimEnd('/') != "/openapi/v2")
        {
            return false;
        }
        if (context.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = ProtobufV2;
            context.Response.ContentLength = 0;
            return true;
        }
        await ResponseWriter.WriteJsonAsync(context, new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = DiscoveryEndpoints.GitVersion },
            ["paths"] = new JsonObject(),
            ["definitions"] = new JsonObject(),
        });
        return true;
    }
}
