namespace Seekapa.Ops;

/// <summary>An AKS managed cluster as `az aks show` describes it: state, versions, endpoint, Entra and its node pools.</summary>
public sealed class AksCluster
{
    public string Name { get; init; } = string.Empty;
    public string ResourceGroupName { get; init; } = string.Empty;
    public string Location { get; init; } = string.Empty;

    /// <summary>properties.powerState.code: Running or Stopped.</summary>
    public string? PowerState { get; init; }

    /// <summary>properties.provisioningState: Succeeded, Failed, Updating, Upgrading, Creating, Deleting, ...</summary>
    public string? ProvisioningState { get; init; }

    /// <summary>The requested Kubernetes version (may be a minor version such as 1.31).</summary>
    public string? KubernetesVersion { get; init; }

    /// <summary>The exact version the control plane runs.</summary>
    public string? CurrentKubernetesVersion { get; init; }

    /// <summary>The public API server FQDN; null for a private-only cluster.</summary>
    public string? Fqdn { get; init; }

    /// <summary>The private API server FQDN of a private cluster.</summary>
    public string? PrivateFqdn { get; init; }

    /// <summary>Entra ID (AAD) integration: users sign in with Entra tokens (kubelogin, or Connect-SeekapaCluster without it).</summary>
    public bool EntraEnabled { get; init; }

    /// <summary>Kubernetes authorization through Azure RBAC role assignments.</summary>
    public bool AzureRbacEnabled { get; init; }

    /// <summary>Static (admin) credentials are refused: Connect-SeekapaCluster -Admin fails with LocalAccountsDisabled.</summary>
    public bool LocalAccountsDisabled { get; init; }

    /// <summary>The Entra tenant of the cluster's Entra integration.</summary>
    public string? EntraTenantId { get; init; }

    public IReadOnlyList<AksNodePool> NodePools { get; init; } = Array.Empty<AksNodePool>();

    /// <summary>The sum of the node pools' node counts.</summary>
    public int NodeCount => NodePools.Sum(p => p.Count);

    public string ResourceId { get; init; } = string.Empty;

    public override string ToString() => $"{ResourceGroupName}/{Name}";
}
