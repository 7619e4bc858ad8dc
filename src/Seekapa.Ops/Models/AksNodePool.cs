namespace Seekapa.Ops;

/// <summary>One node pool (agentPoolProfiles entry) of an AKS cluster.</summary>
public sealed class AksNodePool
{
    public string Name { get; init; } = string.Empty;

    /// <summary>The node count (with autoscaling: the current count).</summary>
    public int Count { get; init; }

    /// <summary>The VM size of the nodes, e.g. Standard_D4ds_v5.</summary>
    public string? VmSize { get; init; }

    /// <summary>System or User.</summary>
    public string? Mode { get; init; }

    public string? OsType { get; init; }
    public string? ProvisioningState { get; init; }

    /// <summary>Running or Stopped.</summary>
    public string? PowerState { get; init; }

    /// <summary>The Kubernetes version of the pool's nodes.</summary>
    public string? OrchestratorVersion { get; init; }

    public bool AutoscalingEnabled { get; init; }
    public int? MinCount { get; init; }
    public int? MaxCount { get; init; }

    public override string ToString() => Name;
}
