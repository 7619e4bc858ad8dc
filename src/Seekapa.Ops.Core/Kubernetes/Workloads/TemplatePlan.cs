using System.Text.Json.Nodes;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>
/// The outcome of planning an edit of a pod template: the strategic merge patch of the workload's spec (null when the
/// template already has the requested state) and the human summary of what changes.
/// </summary>
public sealed record TemplatePlan(JsonObject? SpecPatch, IReadOnlyList<string> Changes, string? Before, string? After)
{
    public bool IsUnchanged => SpecPatch is null;

    public static TemplatePlan Unchanged(string? summary) => new(null, Array.Empty<string>(), summary, summary);

    /// <summary>
    /// The whole patch document: the spec changes plus metadata.resourceVersion, which makes the API server refuse the
    /// patch with 409 when the object changed since we read it (so a concurrent edit is never silently overwritten).
    /// </summary>
    public static JsonObject WithPrecondition(string? resourceVersion, JsonObject specPatch)
    {
        var document = new JsonObject();
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            document["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion };
        }

        document["spec"] = specPatch;
        return document;
    }

    /// <summary>{"template":{"spec":{"containers":[...],"initContainers":[...]}}} from per-container patches.</summary>
    public static JsonObject ContainersPatch(IEnumerable<(SelectedContainer Container, JsonObject Patch)> patches)
    {
        var podSpec = new JsonObject();
        foreach (var group in patches.GroupBy(p => p.Container.ListField))
        {
            var list = new JsonArray();
            foreach (var (container, patch) in group)
            {
                // name is the merge key of both lists: the server merges into the container of that name.
                var entry = new JsonObject { ["name"] = container.Name };
                foreach (var (key, value) in patch.ToList())
                {
                    patch.Remove(key);
                    entry[key] = value;
                }

                list.Add(entry);
            }

            podSpec[group.Key] = list;
        }

        return new JsonObject { ["template"] = new JsonObject { ["spec"] = podSpec } };
    }
}
