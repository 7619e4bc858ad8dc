namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>Which RFC 1123 form a resource's names must take.</summary>
internal enum NameRule
{
    Subdomain,
    Label,
}

/// <summary>A subresource (deployments/scale): what discovery says it returns and which verbs it serves.
/// An empty group/version means the parent's.</summary>
internal sealed record SubresourceDefinition(string Name, string Kind, string Group = "", string Version = "")
{
    public static readonly IReadOnlyList<string> Verbs = ["get", "patch", "update"];
}

/// <summary>Everything the generic handlers and discovery need to serve one resource.</summary>
internal sealed class ResourceDefinition
{
    public static readonly IReadOnlyList<string> StandardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    private IReadOnlyList<SubresourceDefinition>? _subresources;

    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Field selectors beyond metadata.name and metadata.namespace (which every resource has).</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];

    public NameRule NameRule { get; init; } = NameRule.Subdomain;

    /// <summary>Served subresources; by default /status for pods and workloads and /scale for replicated workloads,
    /// as the API server registers them.</summary>
    public IReadOnlyList<SubresourceDefinition> Subresources
    {
        get => _subresources ??= DefaultSubresources(Group, Plural, Kind);
        init => _subresources = value;
    }
    public ResourceHooks Hooks { get; init; } = ResourceHooks.None;

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";

    /// <summary>"pods", "deployments.apps": how the API server names a resource in messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public bool Supports(string verb) => Verbs.Contains(verb);

    public SubresourceDefinition? FindSubresource(string name) => Subresources.FirstOrDefault(s => s.Name == name);

    private static IReadOnlyList<SubresourceDefinition> DefaultSubresources(string group, string plural, string kind)
    {
        var status = new SubresourceDefinition("status", kind);
        var scale = new SubresourceDefinition("scale", "Scale", "autoscaling", "v1");
        return (group, plural) switch
        {
            ("apps", "deployments" or "replicasets" or "statefulsets") => [scale, status],
            ("apps", "daemonsets") or ("batch", "jobs" or "cronjobs") or ("", "pods" or "nodes" or "namespaces") => [status],
            _ => [],
        };
    }

    public bool IsSelectable(string field) =>
        field is "metadata.name" or "metadata.namespace" || SelectableFields.Contains(field);

    public override string ToString() => GroupResource;
}
