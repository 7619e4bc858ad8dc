using System.Text.Json.Nodes;

namespace Seekapa.Ops.Core.Azure;

/// <summary>One Resource Manager answer: status, the JSON body (null when empty or not JSON) and the headers LROs need.</summary>
public sealed class ArmResponse
{
    private readonly IReadOnlyDictionary<string, string> _headers;

    public ArmResponse(int status, JsonNode? body, IReadOnlyDictionary<string, string> headers)
    {
        Status = status;
        Body = body;
        _headers = headers;
    }

    public int Status { get; }
    public JsonNode? Body { get; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public string? Header(string name) => _headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>ARM's error code and message, from {"error":{...}} or the older top-level {"code","message"}.</summary>
    public (string? Code, string? Message) Error()
    {
        var error = Body?["error"] as JsonObject ?? Body as JsonObject;
        return (error?["code"]?.GetValue<string>(), error?["message"]?.GetValue<string>());
    }
}
