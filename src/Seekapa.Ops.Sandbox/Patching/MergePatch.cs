using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Patching;

/// <summary>RFC 7386 JSON Merge Patch: objects merge recursively, null deletes a member, anything else replaces.</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, string patchText)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchText);
        }
        catch (JsonException e)
        {
            throw new PatchException(e.Message, malformed: true);
        }
        return Apply(target, patch);
    }

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }
        return result;
    }
}
