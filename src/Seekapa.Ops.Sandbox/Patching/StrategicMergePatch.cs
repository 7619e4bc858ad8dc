using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Patching;

/// <summary>
/// Kubernetes strategic merge patch (apimachinery's strategicpatch, patch format v2 as kubectl sends it): maps merge,
/// null deletes, lists with a merge key merge element by element, and the directives $patch (replace / delete / merge),
/// $retainKeys, $setElementOrder/&lt;list&gt; and $deleteFromPrimitiveList/&lt;list&gt; steer the merge.
/// </summary>
internal static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, string patchText, PatchSchema schema)
    {
        JsonObject patch;
        try
        {
            patch = JsonNode.Parse(patchText) as JsonObject
                    ?? throw new PatchException("strategic merge patch must be a JSON object", malformed: true);
        }
        catch (JsonException e)
        {
            throw new PatchException(e.Message, malformed: true);
        }
        return Apply(original, patch, schema);
    }

    public static JsonObject Apply(JsonObject original, JsonObject patch, PatchSchema schema) =>
        MergeMap((JsonObject)original.DeepClone(), patch, schema)
        ?? throw new PatchException("the patch deletes the whole object");

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/> (which it owns and mutates);
    /// null means "$patch: delete" removed the map.</summary>
    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, PatchSchema? schema)
    {
        switch (DirectiveOf(patch))
        {
            case "replace":
                // The patch is the new value; merging it into nothing strips its own directives.
                return MergeMap(new JsonObject(), Without(patch, Directive), schema);
            case "delete":
                return null;
            case null or "merge":
                break;
            case var other:
                throw new PatchException($"Unknown patch type: {other}", malformed: true);
        }

        if (patch[RetainKeys] is JsonArray retain)
        {
            var keep = retain.Select(Text).ToHashSet(StringComparer.Ordinal);
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (value is not JsonArray remove || (original[field] is not null and not JsonArray))
                {
                    throw new PatchException($"invalid {key}: must be a list of primitives", malformed: true);
                }
                if (original[field] is JsonArray list)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }
            if (value is null)
            {
                original.Remove(key);
                continue;
            }
            var fieldSchema = schema?.Field(key);
            var order = patch[SetElementOrder + key] as JsonArray;
            switch (value)
            {
                case JsonObject patchMap:
                {
                    var merged = MergeMap(original[key] is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject(), patchMap, fieldSchema);
                    if (merged is null)
                    {
                        original.Remove(key);
                    }
                    else
                    {
                        original[key] = merged;
                    }
                    break;
                }
                case JsonArray patchList when fieldSchema is { MergeList: true }:
                    original[key] = MergeList(original[key] as JsonArray ?? [], patchList, fieldSchema, order);
                    break;
                default:
                    original[key] = value.DeepClone();
                    break;
            }
        }

        // A $setElementOrder without a patch list only reorders the live list.
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && value is JsonArray order)
            {
                var field = key[SetElementOrder.Length..];
                if (patch[field] is null && original[field] is JsonArray live && schema?.Field(field) is { MergeList: true } listSchema)
                {
                    original[field] = Reorder(Clone(live), order, live, listSchema.MergeKey);
                }
            }
        }
        return original;
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, PatchSchema schema, JsonArray? order)
    {
        var mergeKey = schema.MergeKey;
        List<JsonNode?> result;
        if (mergeKey is null)
        {
            // A merged list of primitives is a union that keeps the live order, new values appended.
            result = Clone(original);
            foreach (var item in patch)
            {
                if (item is JsonObject special && DirectiveOf(special) is not null)
                {
                    if (DirectiveOf(special) == "replace")
                    {
                        result = patch.Where(p => p is not JsonObject).Select(p => p?.DeepClone()).ToList();
                        break;
                    }
                    continue;
                }
                if (!result.Any(r => JsonNode.DeepEquals(r, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }
        }
        else if (patch.OfType<JsonObject>().Any(e => DirectiveOf(e) == "replace" && e.Count == 1))
        {
            // {"$patch": "replace"} in a list: the other patch elements are the whole new list.
            result = patch.OfType<JsonObject>().Where(e => DirectiveOf(e) is null)
                .Select(e => (JsonNode?)MergeMap(new JsonObject(), e, schema.Items)).ToList();
        }
        else
        {
            result = Clone(original);
            foreach (var item in patch)
            {
                if (item is not JsonObject element)
                {
                    throw new PatchException($"list element {item?.ToJsonString()} must be an object with merge key {mergeKey}", malformed: true);
                }
                var directive = DirectiveOf(element);
                if (directive == "merge" && element.Count == 1)
                {
                    continue;
                }
                if (!element.TryGetPropertyValue(mergeKey, out var keyValue))
                {
                    throw new PatchException($"map: {element.ToJsonString()} does not contain declared merge key: {mergeKey}");
                }
                if (directive == "delete")
                {
                    result.RemoveAll(r => r is JsonObject o && JsonNode.DeepEquals(o[mergeKey], keyValue));
                    continue;
                }
                var index = result.FindIndex(r => r is JsonObject o && JsonNode.DeepEquals(o[mergeKey], keyValue));
                if (index >= 0)
                {
                    var merged = MergeMap((JsonObject)result[index]!, element, schema.Items);
                    if (merged is null)
                    {
                        result.RemoveAt(index);
                    }
                    else
                    {
                        result[index] = merged;
                    }
                }
                else if (MergeMap(new JsonObject(), element, schema.Items) is { } added)
                {
                    result.Add(added);
                }
            }
        }

        if (order is not null)
        {
            return Reorder(result, order, original, mergeKey);
        }
        return Detached(result);
    }

    /// <summary>
    /// Applies $setElementOrder the way strategicpatch's normalizeElementOrder does: the elements named in the order
    /// list take that order, the others (server-only) keep their live order, and the two sequences are interleaved
    /// by live position wherever both elements exist in the live list.
    /// </summary>
    private static JsonArray Reorder(List<JsonNode?> merged, JsonArray order, JsonArray live, string? mergeKey)
    {
        JsonNode? Id(JsonNode? n) => mergeKey is null ? n : (n as JsonObject)?[mergeKey];
        int IndexIn(IEnumerable<JsonNode?> list, JsonNode? id) =>
            list.Select((n, i) => (n, i)).FirstOrDefault(p => JsonNode.DeepEquals(Id(p.n), id), (null, -1)).Item2;

        var orderIds = order.Select(Id).ToList();
        var liveList = live.ToList();
        var patchItems = merged.Where(m => orderIds.Any(o => JsonNode.DeepEquals(o, Id(m))))
            .OrderBy(m => orderIds.FindIndex(o => JsonNode.DeepEquals(o, Id(m)))).ToList();
        var serverOnly = merged.Where(m => !orderIds.Any(o => JsonNode.DeepEquals(o, Id(m))))
            .Select((m, i) => (m, i)).OrderBy(p => IndexIn(liveList, Id(p.m)) is var li and >= 0 ? li : int.MaxValue).ThenBy(p => p.i)
            .Select(p => p.m).ToList();

        var result = new List<JsonNode?>(merged.Count);
        int l = 0, r = 0;
        while (l < serverOnly.Count || r < patchItems.Count)
        {
            if (l >= serverOnly.Count)
            {
                result.Add(patchItems[r++]);
            }
            else if (r >= patchItems.Count)
            {
                result.Add(serverOnly[l++]);
            }
            else
            {
                var li = IndexIn(liveList, Id(serverOnly[l]));
                var ri = IndexIn(liveList, Id(patchItems[r]));
                result.Add(li >= 0 && ri >= 0 && li < ri ? serverOnly[l++] : patchItems[r++]);
            }
        }
        return Detached(result);
    }

    private static string? DirectiveOf(JsonObject obj) =>
        obj[Directive] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : obj[Directive] is null ? null : "";

    private static JsonObject Without(JsonObject obj, string key)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove(key);
        return copy;
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "";

    private static List<JsonNode?> Clone(JsonArray array) => array.Select(n => n?.DeepClone()).ToList();

    // Nodes may still belong to a parent (the merged copies do not, but be safe): a JsonArray only takes orphans.
    private static JsonArray Detached(List<JsonNode?> items) => new(items.Select(n => n?.Parent is null ? n : n.DeepClone()).ToArray());
}
