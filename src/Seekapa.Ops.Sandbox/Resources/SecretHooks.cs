using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources.Printers;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>
/// Secrets as the API server stores them: stringData merged into data (base64) on every write and never stored, data
/// values that must be base64, type Opaque by default, config-key names, the 1 MiB limit, and immutable Secrets and types.
/// </summary>
internal sealed partial class SecretHooks : ResourceHooks
{
    public const int MaxTotalBytes = 1024 * 1024;

    public override ITableRowPrinter Printer { get; } = new SecretPrinter();

    /// <summary>
    /// Runs on create and on every update, where the API server decodes the body into its internal type: that decoding
    /// rejects data that is not base64 (400) and folds stringData into data, overwriting keys of the same name.
    /// </summary>
    public override void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        var data = obj["data"] as JsonObject;
        foreach (var (key, value) in data?.ToList() ?? [])
        {
            if (value is null)
            {
                continue;
            }
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw ApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal {Describe(value)} into Go struct field Secret.data of type []uint8");
            }
            if (IllegalBase64At(v.GetValue<string>()) is { } offset)
            {
                throw ApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte {offset}");
            }
            // Stored as the server re-encodes it, so a JSON patch test of what a client read back always matches.
            data![key] = Convert.ToBase64String(Convert.FromBase64String(v.GetValue<string>()));
        }
        if (obj["stringData"] is JsonObject stringData)
        {
            data ??= JsonPaths.Object(obj, "data");
            foreach (var (key, value) in stringData.ToList())
            {
                if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                {
                    throw ApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal {Describe(value)} into Go struct field Secret.stringData of type string");
                }
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v.GetValue<string>()));
            }
        }
        obj.Remove("stringData");
        if (JsonPaths.String(obj, "type") is not { Length: > 0 })
        {
            obj["type"] = "Opaque";
        }

        var causes = ValidateData(obj);
        if (causes.Count > 0)
        {
            throw ApiException.Invalid("Secret", "", name, causes);
        }
    }

    /// <summary>What ValidateSecretUpdate adds on updates: an immutable Secret keeps its data and its flag; the type never changes.</summary>
    public static void ValidateUpdate(JsonObject obj, JsonObject old, List<StatusCause> causes)
    {
        if (IsTrue(old["immutable"]))
        {
            if (!IsTrue(obj["immutable"]))
            {
                causes.Add(ImmutableForbidden("immutable"));
            }
            if (!JsonNode.DeepEquals(obj["data"], old["data"]))
            {
                causes.Add(ImmutableForbidden("data"));
            }
        }
        var type = JsonPaths.String(obj, "type") ?? "";
        if (type != (JsonPaths.String(old, "type") ?? ""))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {Quote(type)}: field is immutable", "type"));
        }
    }

    internal static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    internal static StatusCause ImmutableForbidden(string field) =>
        new("FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set", field);

    /// <summary>ValidateSecret's data checks: every key a config key (validation.IsConfigMapKey, one cause per problem), at most 1 MiB in all.</summary>
    private static List<StatusCause> ValidateData(JsonObject obj)
    {
        var causes = new List<StatusCause>();
        long total = 0;
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            foreach (var problem in KeyProblems(key))
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {Quote(key)}: {problem}", $"data[{key}]"));
            }
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                total += DecodedLength(v.GetValue<string>());
            }
        }
        if (total > MaxTotalBytes)
        {
            causes.Add(new StatusCause("FieldValueTooLong", $"Too long: may not be more than {MaxTotalBytes} bytes", "data"));
        }
        return causes;
    }

    /// <summary>validation.IsConfigMapKey: shared by Secrets and ConfigMaps.</summary>
    internal static IEnumerable<string> KeyProblems(string key)
    {
        if (key.Length > 253)
        {
            yield return "must be no more than 253 characters";
        }
        if (!ConfigKey().IsMatch(key))
        {
            yield return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
        }
        if (key is "." or "..")
        {
            yield return $"must not be '{key}'";
        }
        else if (key.StartsWith("..", StringComparison.Ordinal))
        {
            yield return "must not start with '..'";
        }
    }

    internal static string Quote(string s) => JsonValue.Create(s).ToJsonString();

    /// <summary>Go's base64.StdEncoding is strict: the standard alphabet, padding to a multiple of 4, nothing else.</summary>
    internal static int? IllegalBase64At(string text)
    {
        var padding = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var alphabet = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/';
            if (c == '=' && i >= text.Length - 2 && i >= 2)
            {
                padding++;
                continue;
            }
            if (!alphabet || padding > 0)
            {
                return i;
            }
        }
        return text.Length % 4 == 0 ? null : text.Length / 4 * 4;
    }

    private static long DecodedLength(string base64) =>
        base64.Length / 4 * 3 - (base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0);

    internal static string Describe(JsonNode? value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "number",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "value",
    };

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();
}
