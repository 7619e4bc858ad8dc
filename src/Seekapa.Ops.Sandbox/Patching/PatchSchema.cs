namespace Seekapa.Ops.Sandbox.Patching;

/// <summary>
/// The patch strategies strategic merge patch needs, i.e. the patchStrategy / patchMergeKey struct tags of the
/// Kubernetes API types, for the fields that matter here. Anything not described merges like JSON (maps and structs
/// merge, lists are replaced), which is also what the API server does for lists without a strategy.
/// </summary>
internal sealed class PatchSchema
{
    private readonly Dictionary<string, PatchSchema> _fields = new(StringComparer.Ordinal);

    /// <summary>The list merges with the original ("patchStrategy: merge"); without it a list is replaced.</summary>
    public bool MergeList { get; private init; }

    /// <summary>The field identifying list elements ("name", "containerPort"); null for a list of primitives.</summary>
    public string? MergeKey { get; private init; }

    /// <summary>The object honours $retainKeys ("patchStrategy: retainKeys").</summary>
    public bool RetainKeys { get; private init; }

    /// <summary>The schema of list elements or map values.</summary>
    public PatchSchema? Items { get; private init; }

    public static readonly PatchSchema Empty = new();

    public PatchSchema? Field(string name) => _fields.GetValueOrDefault(name);

    private PatchSchema With(string name, PatchSchema schema)
    {
        _fields[name] = schema;
        return this;
    }

    private static PatchSchema Object() => new();

    private static PatchSchema MergedList(string? mergeKey, PatchSchema? items = null) =>
        new() { MergeList = true, MergeKey = mergeKey, Items = items };

    private static readonly PatchSchema Metadata = Object()
        .With("ownerReferences", MergedList("uid"))
        .With("finalizers", MergedList(null));

    private static readonly PatchSchema Container = Object()
        .With("ports", MergedList("containerPort"))
        .With("env", MergedList("name"))
        .With("volumeMounts", MergedList("mountPath"))
        .With("volumeDevices", MergedList("devicePath"));

    private static readonly PatchSchema PodSpec = Object()
        .With("containers", MergedList("name", Container))
        .With("initContainers", MergedList("name", Container))
        .With("ephemeralContainers", MergedList("name", Container))
        .With("volumes", MergedList("name", new PatchSchema { RetainKeys = true }))
        .With("imagePullSecrets", MergedList("name"))
        .With("hostAliases", MergedList("ip"))
        .With("topologySpreadConstraints", MergedList("topologyKey"))
        .With("schedulingGates", MergedList("name"))
        .With("resourceClaims", MergedList("name", new PatchSchema { RetainKeys = true }));

    private static readonly PatchSchema Template = Object()
        .With("metadata", Metadata)
        .With("spec", PodSpec);

    private static readonly PatchSchema Conditions = MergedList("type");

    private static readonly PatchSchema PodStatus = Object()
        .With("conditions", Conditions)
        .With("podIPs", MergedList("ip"));

    private static readonly PatchSchema WorkloadStatus = Object().With("conditions", Conditions);

    private static readonly PatchSchema Pod = Object()
        .With("metadata", Metadata)
        .With("spec", PodSpec)
        .With("status", PodStatus);

    private static readonly PatchSchema Workload = Object()
        .With("metadata", Metadata)
        .With("spec", Object()
            .With("template", Template)
            .With("strategy", new PatchSchema { RetainKeys = true })
            .With("updateStrategy", new PatchSchema { RetainKeys = true }))
        .With("status", WorkloadStatus);

    private static readonly PatchSchema Generic = Object()
        .With("metadata", Metadata)
        .With("status", WorkloadStatus);

    private static readonly PatchSchema Node = Object()
        .With("metadata", Metadata)
        .With("status", Object().With("conditions", Conditions).With("addresses", MergedList("type")));

    /// <summary>The schema for a resource's objects (by plural), or the generic metadata-only one.</summary>
    public static PatchSchema For(string plural) => plural switch
    {
        "pods" => Pod,
        "deployments" or "replicasets" or "statefulsets" or "daemonsets" or "jobs" or "replicationcontrollers" => Workload,
        "nodes" => Node,
        _ => Generic,
    };

    /// <summary>autoscaling/v1 Scale has no list fields.</summary>
    public static PatchSchema Scale => Generic;
}
