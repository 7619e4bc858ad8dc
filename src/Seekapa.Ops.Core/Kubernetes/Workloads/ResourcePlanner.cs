using System.Text.Json.Nodes;
using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>The limits and requests to set, already parsed and validated as Kubernetes quantities.</summary>
public sealed class ResourceEdit
{
    private ResourceEdit(IReadOnlyList<(string Section, string Resource, Quantity Value)> entries) => Entries = entries;

    /// <summary>(limits|requests, cpu|memory, value) in a fixed order: limits before requests, cpu before memory.</summary>
    public IReadOnlyList<(string Section, string Resource, Quantity Value)> Entries { get; }

    /// <summary>Validates every value before any call: InvalidQuantity for garbage or negatives, InvalidRequest for request > limit.</summary>
    public static ResourceEdit Create(string? cpuLimit, string? memoryLimit, string? cpuRequest, string? memoryRequest)
    {
        var entries = new List<(string, string, Quantity)>();
        void Add(string section, string resource, string? text, string parameter)
        {
            if (text is null)
            {
                return;
            }

            var value = Quantity.Parse(text.Trim(), parameter);
            if (value.Sign < 0)
            {
                throw new SeekapaException("InvalidQuantity", FailureCategory.InvalidArgument,
                    $"'{text}' is not a valid quantity for {parameter}: must be greater than or equal to 0.", text);
            }

            entries.Add((section, resource, value));
        }

        Add("limits", "cpu", cpuLimit, "-CpuLimit");
        Add("limits", "memory", memoryLimit, "-MemoryLimit");
        Add("requests", "cpu", cpuRequest, "-CpuRequest");
        Add("requests", "memory", memoryRequest, "-MemoryRequest");
        if (entries.Count == 0)
        {
            throw new SeekapaException("NoQuantityGiven", FailureCategory.InvalidArgument,
                "Give at least one of -CpuLimit, -MemoryLimit, -CpuRequest, -MemoryRequest.");
        }

        var edit = new ResourceEdit(entries);
        foreach (var resource in new[] { "cpu", "memory" })
        {
            if (edit.Get("requests", resource) is { } request && edit.Get("limits", resource) is { } limit)
            {
                ResourcePlanner.CheckRequestWithinLimit(null, resource, request, limit);
            }
        }

        return edit;
    }

    public Quantity? Get(string section, string resource) =>
        Entries.Where(e => e.Section == section && e.Resource == resource).Select(e => e.Value).FirstOrDefault();

    public override string ToString() => string.Join(", ", Entries.Select(e => $"{e.Section}.{e.Resource}={e.Value}"));
}

/// <summary>
/// kubectl set resources: for each selected container, the given keys are merged into its existing limits and requests
/// (other keys kept). Only containers whose values actually change are patched.
/// </summary>
public static class ResourcePlanner
{
    public static TemplatePlan Plan(WorkloadState state, ContainerSelection selection, ResourceEdit edit)
    {
        var selected = selection.Select(state.Template.Spec);
        var patches = new List<(SelectedContainer, JsonObject)>();
        var changes = new List<string>();
        var before = new List<string>();
        var after = new List<string>();
        foreach (var container in selected)
        {
            var resources = container.Container.Resources;
            var sections = new JsonObject();
            foreach (var (section, resource, value) in edit.Entries)
            {
                var current = Current(resources, section, resource);
                if (current is not null && current.Equals(value))
                {
                    continue;
                }

                if (sections[section] is not JsonObject map)
                {
                    map = new JsonObject();
                    sections[section] = map;
                }

                map[resource] = value.ToString();
                var was = current?.ToString() ?? "<none>";
                changes.Add($"{container.Name} {section}.{resource} {was} -> {value}");
                before.Add($"{container.Name} {section}.{resource} {was}");
                after.Add($"{container.Name} {section}.{resource} {value}");
            }

            // The API server refuses a request above the limit; check the merged result before sending anything.
            foreach (var resource in new[] { "cpu", "memory" })
            {
                var request = edit.Get("requests", resource) ?? Current(resources, "requests", resource);
                var limit = edit.Get("limits", resource) ?? Current(resources, "limits", resource);
                if (request is not null && limit is not null)
                {
                    CheckRequestWithinLimit(container.Name, resource, request, limit);
                }
            }

            if (sections.Count > 0)
            {
                patches.Add((container, new JsonObject { ["resources"] = sections }));
            }
        }

        if (patches.Count == 0)
        {
            return TemplatePlan.Unchanged(string.Join("; ", selected.Select(c => $"{c.Name} {edit}")));
        }

        return new TemplatePlan(TemplatePlan.ContainersPatch(patches), changes, string.Join("; ", before), string.Join("; ", after));
    }

    internal static void CheckRequestWithinLimit(string? container, string resource, Quantity request, Quantity limit)
    {
        if (request > limit)
        {
            var where = container is null ? string.Empty : $"container '{container}': ";
            throw new SeekapaException("InvalidRequest", FailureCategory.InvalidArgument,
                $"{where}requests.{resource} {request} must be less than or equal to the {resource} limit of {limit}.",
                container ?? resource,
                $"Raise -{(resource == "cpu" ? "Cpu" : "Memory")}Limit as well, or ask for a smaller request.");
        }
    }

    private static Quantity? Current(V1ResourceRequirements? resources, string section, string resource)
    {
        var map = section == "limits" ? resources?.Limits : resources?.Requests;
        return map is not null && map.TryGetValue(resource, out var q) && Quantity.TryParse(q?.ToString(), out var parsed)
            ? parsed
            : null;
    }
}
