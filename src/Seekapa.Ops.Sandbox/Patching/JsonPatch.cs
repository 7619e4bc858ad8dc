using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Patching;

/// <summary>
/// RFC 6902 JSON Patch over System.Text.Json nodes. Operations apply in order to a copy; any failure abandons the
/// whole patch, so the caller's document is never half-patched.
/// </summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, string patchText)
    {
        JsonArray ops;
        try
        {
            ops = JsonNode.Parse(patchText) as JsonArray ?? throw new PatchException("json: cannot unmarshal object into Go value of type jsonpatch.Patch", malformed: true);
        }
        catch (JsonException e)
        {
            throw new PatchException(e.Message, malformed: true);
        }
        return Apply(document, ops);
    }

    public static JsonNode Apply(JsonNode document, JsonArray ops)
    {
        // A wrapper object lets the root ("" pointer) be replaced like any other member.
        var root = new JsonObject { ["doc"] = document.DeepClone() };
        foreach (var node in ops)
        {
            if (node is not JsonObject op)
            {
                throw new PatchException("invalid operation: not an object", malformed: true);
            }
            var kind = StringMember(op, "op");
            var path = StringMember(op, "path") ?? throw new PatchException($"operation {kind} is missing path");
            switch (kind)
            {
                case "add":
                    Add(root, path, Value(op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, Value(op));
                    break;
                case "move":
                {
                    var from = StringMember(op, "from") ?? throw new PatchException("move operation is missing from");
                    var value = Remove(root, from);
                    Add(root, path, value);
                    break;
                }
                case "copy":
                {
                    var from = StringMember(op, "from") ?? throw new PatchException("copy operation is missing from");
                    var (parent, key) = Resolve(root, from);
                    Add(root, path, Get(parent, key, from)?.DeepClone());
                    break;
                }
                case "test":
                {
                    var (parent, key) = Resolve(root, path);
                    var expected = Value(op);
                    var actual = TryGet(parent, key, out var found);
                    if (!(found ? JsonNode.DeepEquals(actual, expected) : expected is null))
                    {
                        throw new PatchException($"testing value {path} failed: test failed");
                    }
                    break;
                }
                default:
                    throw new PatchException($"Unexpected kind: {kind}");
            }
        }
        return root["doc"]?.DeepClone() ?? throw new PatchException("the patch removed the whole document");
    }

    private static string? StringMember(JsonObject op, string name) =>
        op[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode? Value(JsonObject op)
    {
        if (!op.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"operation {StringMember(op, "op")} is missing value");
        }
        return value?.DeepClone();
    }

    /// <summary>The container and the last reference token of a pointer (below the wrapper's "doc" member).</summary>
    private static (JsonNode Parent, string Key) Resolve(JsonObject root, string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer \"{pointer}\"", malformed: true);
        }
        var tokens = pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(Unescape).ToArray();
        JsonNode parent = root;
        var key = "doc";
        foreach (var token in tokens)
        {
            parent = Get(parent, key, pointer) ?? throw new PatchException($"doc is missing path: \"{pointer}\"");
            key = token;
        }
        return (parent, key);
    }

    // RFC 6901: ~1 is '/', ~0 is '~', decoded in that order.
    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static JsonNode? Get(JsonNode parent, string key, string pointer)
    {
        var value = TryGet(parent, key, out var found);
        return found ? value : throw new PatchException($"doc is missing path: \"{pointer}\"");
    }

    private static JsonNode? TryGet(JsonNode parent, string key, out bool found)
    {
        switch (parent)
        {
            case JsonObject o:
                found = o.TryGetPropertyValue(key, out var v);
                return v;
            case JsonArray a when TryIndex(key, a.Count - 1, out var i):
                found = true;
                return a[i];
            default:
                found = false;
                return null;
        }
    }

    private static void Add(JsonObject root, string path, JsonNode? value)
    {
        var (parent, key) = Resolve(root, path);
        switch (parent)
        {
            case JsonObject o:
                o[key] = value;
                break;
            case JsonArray a when key == "-":
                a.Add(value);
                break;
            case JsonArray a when TryIndex(key, a.Count, out var i):
                a.Insert(i, value);
                break;
            default:
                throw new PatchException($"add operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static JsonNode? Remove(JsonObject root, string path)
    {
        var (parent, key) = Resolve(root, path);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(key, out var value):
                o.Remove(key);
                return value;
            case JsonArray a when TryIndex(key, a.Count - 1, out var i):
            {
                var value = a[i];
                a.RemoveAt(i);
                return value;
            }
            default:
                throw new PatchException($"remove operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    // Array indexes are plain decimal without leading zeros (RFC 6901 section 4).
    private static bool TryIndex(string token, int max, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index <= max;
    }
}
