using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Completers;

namespace Seekapa.Ops.PowerShell.Cmdlets.Cluster;

/// <summary>Pods with kubectl's exact READY/STATUS/RESTARTS/AGE plus a health verdict and the reason.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaPodHealth", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(PodHealth))]
public sealed class GetSeekapaPodHealthCommand : ClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>Pod names; wildcards allowed. An explicit name that does not exist is an error; a wildcard matching nothing is not.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ParameterSetName = NamespaceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Pods of every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>A label selector, e.g. app=backend or 'tier in (api,web)'.</summary>
    [Parameter]
    [Alias("l")]
    public string? Selector { get; set; }

    /// <summary>Only pods that are not healthy (see about_Seekapa.Ops for the rule).</summary>
    [Parameter]
    public SwitchParameter Unhealthy { get; set; }

    protected override void Process()
    {
        // Validated before any call: a bad selector changes nothing and costs no round trip.
        var selector = string.IsNullOrWhiteSpace(Selector) ? null : LabelSelector.Parse(Selector);
        var reader = new PodHealthReader(Session);
        var query = new PodQuery(Namespace, AllNamespaces.IsPresent, selector, new NameFilter(Name));
        foreach (var pod in Stream(reader.ReadAsync(query, CancellationToken)))
        {
            if (Unhealthy && pod.Healthy)
            {
                continue;
            }

            if (AllNamespaces)
            {
                // A distinct type name selects the table view with the NAMESPACE column, as kubectl get pods -A.
                var wrapped = new PSObject(pod);
                wrapped.TypeNames.Insert(0, "Seekapa.Ops.PodHealth#AllNamespaces");
                WriteObject(wrapped);
            }
            else
            {
                WriteObject(pod);
            }
        }

        foreach (var missing in reader.MissingNames)
        {
            var ns = AllNamespaces ? "any namespace" : $"namespace '{Namespace ?? Session.DefaultNamespace}'";
            WriteFailure(new SeekapaException("PodNotFound", FailureCategory.ObjectNotFound,
                $"Pod '{missing}' was not found in {ns}{(selector is null ? string.Empty : $" with selector '{selector}'")}.", missing,
                "List the pods with Get-SeekapaPodHealth, or use a wildcard such as -Name 'backend-*'."));
        }
    }
}
