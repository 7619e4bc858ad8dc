using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>Deployments as kubectl get deployment -o wide shows them, plus revision and rollout state.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaDeployment", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaDeployment.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(Deployment))]
public sealed class GetSeekapaDeploymentCommand : NamespacedListCmdlet
{
    protected override void Process()
    {
        var selector = ParsedSelector;
        var reader = new DeploymentReader(Session);
        var query = new DeploymentQuery(Namespace, AllNamespaces.IsPresent, selector, new NameFilter(Name));
        foreach (var deployment in Stream(reader.ReadAsync(query, CancellationToken)))
        {
            WriteListed(deployment);
        }

        foreach (var missing in reader.MissingNames)
        {
            WriteFailure(DeploymentReader.NotFound(missing, ScopeText, selector));
        }
    }
}
