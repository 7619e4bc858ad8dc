namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>Which RFC 1123 form a resource's names must take.</summary>
internal enum NameRule
{
    Subdomain,
    Label,
}

/// <summary>Everything the generic handlers and discovery need to serve one resource.</summary>
internal sealed class ResourceDefinition
{
    public static readonly IReadOnlyList<string> StandardVerbs = ["create", "delete", "deletecollection", "get", "list", "watch"];

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
    public ResourceHooks Hooks { get; init; } = ResourceHooks.None;

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";

    /// <summary>"pods", "deployments.apps": how the API server names a resource in messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public bool Supports(string verb) => Verbs.Contains(verb);

    public bool IsSelectable(string field) =>
        field is "metadata.name" or "metadata.namespace" || SelectableFields.Contains(field);

    public override string ToString() => GroupResource;
}
