using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Store;

/// <summary>Small helpers to read dotted paths ("status.phase") out of a JsonObject.</summary>
internal static class JsonPaths
{
    public static JsonNode? Find(JsonObject obj, string dottedPath)
    {
        JsonNode? node = obj;
        foreach (var part in dottedPath.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The value as a field selector sees it: strings as-is, scalars in JSON form, missing as "".</summary>
    public static string ScalarText(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return string.Empty;
        }
        return v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => string.Empty,
        };
    }

    public static string? String(JsonObject obj, string dottedPath) =>
        Find(obj, dottedPath) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static JsonObject Object(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    public static string FormatTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
}
