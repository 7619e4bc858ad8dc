using System.Management.Automation;
using Seekapa.Ops.Core.Azure.Aks;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>`az aks show` / `az aks list`: power and provisioning state, versions, endpoint, Entra, node pools.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaAksCluster", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaAksCluster.md")]
[OutputType(typeof(AksCluster))]
public sealed class GetSeekapaAksClusterCommand : AzureCmdlet
{
    /// <summary>The resource group; default every resource group of the subscription.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>Cluster names; wildcards allowed; default every cluster.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("ClusterName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        var filter = new NameFilter(Name);
        // One exact name in a known resource group is a single GET; anything else lists and filters.
        if (ResourceGroupName is not null && filter.SingleExplicitName is { } single)
        {
            WriteObject(Await(AksClusters.GetAsync(Azure, ResourceGroupName, single, CancellationToken)));
            return;
        }

        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in Stream(AksClusters.ListAsync(Azure, ResourceGroupName, CancellationToken)))
        {
            if (filter.IsEmpty || filter.ExplicitNames.Contains(cluster.Name, StringComparer.OrdinalIgnoreCase) || filter.Matches(cluster.Name))
            {
                found.Add(cluster.Name);
                WriteObject(cluster);
            }
        }

        foreach (var missing in filter.ExplicitNames.Where(n => !found.Contains(n)))
        {
            WriteFailure(new SeekapaException("AksClusterNotFound", FailureCategory.ObjectNotFound,
                $"AKS cluster '{missing}' was not found in {(ResourceGroupName is null ? $"subscription {Azure.SubscriptionId}" : $"resource group '{ResourceGroupName}'")}.",
                missing, "List the clusters with Get-SeekapaAksCluster (without -Name), or check -ResourceGroupName."));
        }
    }
}
