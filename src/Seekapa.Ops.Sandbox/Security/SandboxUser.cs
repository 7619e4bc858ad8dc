namespace Seekapa.Ops.Sandbox.Security;

/// <summary>An RBAC-like grant: verbs on resources of one API group, optionally limited to one namespace.</summary>
internal sealed record AccessRule(IReadOnlyList<string> Verbs, string Group, IReadOnlyList<string> Resources, string? Namespace = null)
{
    public static readonly AccessRule Everything = new(["*"], "*", ["*"]);

    public bool Allows(string verb, string group, string resource, string @namespace) =>
        (Verbs.Contains("*") || Verbs.Contains(verb)) &&
        (Group == "*" || Group == group) &&
        (Resources.Contains("*") || Resources.Contains(resource)) &&
        (Namespace is null || Namespace == @namespace);
}

/// <summary>An authenticated caller and what it may do.</summary>
internal sealed record SandboxUser(string Name, IReadOnlyList<AccessRule> Rules)
{
    public const string AdminName = "seekapa-sandbox-admin";
    public const string ViewerName = "viewer";
    public const string ViewerNamespace = "seekapa-production";

    public static SandboxUser Admin { get; } = new(AdminName, [AccessRule.Everything]);

    /// <summary>May only read pods (their logs and metrics too, as the built-in view role allows) in seekapa-production:
    /// the least-privilege on-call role the tests exercise.</summary>
    public static SandboxUser Viewer { get; } = new(ViewerName,
    [
        new AccessRule(["get", "list", "watch"], "", ["pods"], ViewerNamespace),
        new AccessRule(["get"], "", ["pods/log"], ViewerNamespace),
        new AccessRule(["get", "list"], "metrics.k8s.io", ["pods"], ViewerNamespace),
    ]);
}
