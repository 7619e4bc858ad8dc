namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>The served resources, looked up by URL (group, version, plural), by kind, or by a kubectl-style name.</summary>
internal sealed class ResourceRegistry
{
    private readonly List<ResourceDefinition> _all = [];

    public IReadOnlyList<ResourceDefinition> All => _all;

    public void Add(ResourceDefinition resource)
    {
        if (Find(resource.Group, resource.Version, resource.Plural) is not null)
        {
            throw new InvalidOperationException($"{resource.GroupResource}/{resource.Version} is already registered");
        }
        _all.Add(resource);
    }

    public ResourceDefinition? Find(string group, string version, string plural) =>
        _all.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    public ResourceDefinition? FindByKind(string apiVersion, string kind) =>
        _all.FirstOrDefault(r => r.GroupVersion == apiVersion && r.Kind == kind);

    /// <summary>Resolves "pods", "po", "pod", "Pod", "deployments.apps", "deploy" like kubectl does.</summary>
    public ResourceDefinition? Resolve(string name)
    {
        var dot = name.IndexOf('.');
        var (res, group) = dot < 0 ? (name, (string?)null) : (name[..dot], name[(dot + 1)..]);
        return _all.FirstOrDefault(r =>
            (group is null || r.Group == group) &&
            (r.Plural == res || r.Singular == res || r.ShortNames.Contains(res) ||
             string.Equals(r.Kind, res, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>API groups in registration order (core "" first), each with its versions.</summary>
    public IEnumerable<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        _all.GroupBy(r => r.Group).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(r => r.Version).Distinct().ToList()));

    public IEnumerable<ResourceDefinition> InGroupVersion(string group, string version) =>
        _all.Where(r => r.Group == group && r.Version == version);
}
