using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>Serialises errors as meta/v1 Status objects, the body every Kubernetes client expects on failure.</summary>
internal static class StatusWriter
{
    public static JsonObject ToStatus(ApiException e)
    {
        var details = new JsonObject();
        if (e.Details.Name is { } name)
        {
            details["name"] = name;
        }
        if (e.Details.Group is { } group)
        {
            details["group"] = group;
        }
        if (e.Details.Kind is { } kind)
        {
            details["kind"] = kind;
        }
        if (e.Details.Causes is { Count: > 0 } causes)
        {
            details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["field"] = c.Field,
            }).ToArray());
        }
        if (e.Details.RetryAfterSeconds is { } retry)
        {
            details["retryAfterSeconds"] = retry;
        }

        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = e.Message,
            ["reason"] = e.Reason,
        };
        if (details.Count > 0 || e.Code == 404 || e.Details.WriteEmpty)
        {
            status["details"] = details;
        }
        status["code"] = e.Code;
        return status;
    }

    public static async Task WriteAsync(HttpContext context, ApiException e)
    {
        var response = context.Response;
        response.StatusCode = e.Code;
        response.ContentType = "application/json";
        if (e.Details.RetryAfterSeconds is { } retry)
        {
            response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        using (var writer = new System.Text.Json.Utf8JsonWriter(response.BodyWriter, ResponseWriter.WriterOptions))
        {
            ToStatus(e).WriteTo(writer);
        }
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
