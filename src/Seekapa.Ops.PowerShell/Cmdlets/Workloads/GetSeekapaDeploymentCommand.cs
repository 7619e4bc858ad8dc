using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.PowerShell.Completers;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>Deployments as kubectl get deployment -o wide shows them, plus revision and rollout state.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaDeployment", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(Deployment))]
public sealed class GetSeekapaDeploymentCommand : ClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>Deployment names; wildcards allowed. An explicit missing name is an error; a wildcard matching nothing is not.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ParameterSetName = NamespaceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Deployments of every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>A label selector, e.g. app=backend.</summary>
    [Parameter]
    [Alias("l")]
    public string? Selector { get; set; }

    protected override void Process()
    {
        var selector = string.IsNullOrWhiteSpace(Selector) ? null : LabelSelector.Parse(Selector);
        var reader = new DeploymentReader(Session);
        var query = new DeploymentQuery(Namespace, AllNamespaces.IsPresent, selector, new NameFilter(Name));
        foreach (var deployment in Stream(reader.ReadAsync(query, CancellationToken)))
        {
            if (AllNamespaces)
            {
                // A distinct type name selects the table view with the NAMESPACE column, as kubectl get deploy -A.
                var wrapped = new PSObject(deployment);
                wrapped.TypeNames.Insert(0, "Seekapa.Ops.Deployment#AllNamespaces");
                WriteObject(wrapped);
            }
            else
            {
                WriteObject(deployment);
            }
        }

        foreach (var missing in reader.MissingNames)
        {
            var scope = AllNamespaces ? "any namespace" : $"namespace '{Namespace ?? Session.DefaultNamespace}'";
            WriteFailure(DeploymentReader.NotFound(missing, scope, selector));
        }
    }
}
