using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>A container of a pod template, with the list it lives in (the patch must name the same list).</summary>
public sealed record SelectedContainer(V1Container Container, bool IsInit)
{
    public string Name => Container.Name;

    /// <summary>The pod spec field holding the container: "containers" or "initContainers".</summary>
    public string ListField => IsInit ? "initContainers" : "containers";
}

/// <summary>
/// kubectl's --containers selection: name patterns with * wildcards (default "*"), applied to containers and
/// initContainers. Every pattern must match at least one container, otherwise the edit is refused as a whole.
/// </summary>
public sealed class ContainerSelection
{
    private readonly IReadOnlyList<string> _patterns;

    public ContainerSelection(IEnumerable<string>? patterns)
    {
        var list = (patterns ?? Array.Empty<string>()).Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        _patterns = list.Count == 0 ? new[] { "*" } : list;
    }

    public static ContainerSelection All { get; } = new(null);

    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>The matching containers, regular ones first then init containers, each once, in spec order.</summary>
    public IReadOnlyList<SelectedContainer> Select(V1PodSpec spec)
    {
        var all = (spec.Containers ?? Array.Empty<V1Container>()).Select(c => new SelectedContainer(c, false))
            .Concat((spec.InitContainers ?? Array.Empty<V1Container>()).Select(c => new SelectedContainer(c, true)))
            .ToList();
        var selected = new List<SelectedContainer>();
        foreach (var pattern in _patterns)
        {
            var filter = new NameFilter(new[] { pattern });
            var matched = all.Where(c => filter.Matches(c.Name)).ToList();
            if (matched.Count == 0)
            {
                throw new SeekapaException("ContainerNotFound", FailureCategory.ObjectNotFound,
                    $"unable to find container named {pattern}", pattern,
                    $"The pod template has the containers: {string.Join(", ", all.Select(c => c.Name))}.");
            }

            selected.AddRange(matched.Where(m => !selected.Contains(m)));
        }

        return all.Where(selected.Contains).ToList();
    }
}
