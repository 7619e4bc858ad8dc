using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources.Printers;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>
/// ConfigMaps as the API server validates them (ValidateConfigMap / ValidateConfigMapUpdate): data values are strings,
/// binaryData values base64, every key a config key and in only one of the two maps, at most 1 MiB in all, and an
/// immutable ConfigMap keeps its data and its flag.
/// </summary>
internal sealed class ConfigMapHooks : ResourceHooks
{
    public const int MaxTotalBytes = 1024 * 1024;

    public override ITableRowPrinter Printer { get; } = new ConfigMapPrinter();

    /// <summary>Runs on create and on every update: decoding into the internal type rejects a non-string value (400).</summary>
    public override void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        foreach (var (map, goType) in (ReadOnlySpan<(string, string)>)[("data", "string"), ("binaryData", "[]uint8")])
        {
            foreach (var (key, value) in obj[map] as JsonObject ?? [])
            {
                if (value is not null && (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                {
                    throw ApiException.BadRequest($"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal {SecretHooks.Describe(value)} into Go struct field ConfigMap.{map} of type {goType}");
                }
                if (map == "binaryData" && value is JsonValue b && SecretHooks.IllegalBase64At(b.GetValue<string>()) is { } offset)
                {
                    throw ApiException.BadRequest($"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte {offset}");
                }
            }
        }

        var causes = Validate(obj);
        if (causes.Count > 0)
        {
            throw ApiException.Invalid("ConfigMap", "", name, causes);
        }
    }

    /// <summary>What ValidateConfigMapUpdate adds: an immutable ConfigMap keeps its data, its binaryData and its flag.</summary>
    public static void ValidateUpdate(JsonObject obj, JsonObject old, List<StatusCause> causes)
    {
        if (!SecretHooks.IsTrue(old["immutable"]))
        {
            return;
        }
        if (!SecretHooks.IsTrue(obj["immutable"]))
        {
            causes.Add(SecretHooks.ImmutableForbidden("immutable"));
        }
        if (!JsonNode.DeepEquals(obj["data"], old["data"]))
        {
            causes.Add(SecretHooks.ImmutableForbidden("data"));
        }
        if (!JsonNode.DeepEquals(obj["binaryData"], old["binaryData"]))
        {
            causes.Add(SecretHooks.ImmutableForbidden("binaryData"));
        }
    }

    private static List<StatusCause> Validate(JsonObject obj)
    {
        var causes = new List<StatusCause>();
        long total = 0;
        var data = obj["data"] as JsonObject ?? [];
        foreach (var (key, value) in data)
        {
            causes.AddRange(SecretHooks.KeyProblems(key).Select(p =>
                new StatusCause("FieldValueInvalid", $"Invalid value: {SecretHooks.Quote(key)}: {p}", $"data[{key}]")));
            total += value is JsonValue v ? Encoding.UTF8.GetByteCount(v.GetValue<string>()) : 0;
        }
        foreach (var (key, value) in obj["binaryData"] as JsonObject ?? [])
        {
            causes.AddRange(SecretHooks.KeyProblems(key).Select(p =>
                new StatusCause("FieldValueInvalid", $"Invalid value: {SecretHooks.Quote(key)}: {p}", $"binaryData[{key}]")));
            if (data.ContainsKey(key))
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: {SecretHooks.Quote(key)}: duplicate of key present in data", $"binaryData[{key}]"));
            }
            total += value is JsonValue v ? Convert.FromBase64String(v.GetValue<string>()).Length : 0;
        }
        if (total > MaxTotalBytes)
        {
            causes.Add(new StatusCause("FieldValueTooLong", $"Too long: may not be more than {MaxTotalBytes} bytes", ""));
        }
        return causes;
    }
}
