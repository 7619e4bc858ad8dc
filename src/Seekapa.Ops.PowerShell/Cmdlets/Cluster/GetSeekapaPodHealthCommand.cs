using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Cmdlets.Cluster;

/// <summary>Pods with kubectl's exact READY/STATUS/RESTARTS/AGE plus a health verdict and the reason.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaPodHealth", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaPodHealth.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(PodHealth))]
public sealed class GetSeekapaPodHealthCommand : NamespacedListCmdlet
{
    /// <summary>Only pods that are not healthy (see about_Seekapa.Ops for the rule).</summary>
    [Parameter]
    public SwitchParameter Unhealthy { get; set; }

    protected override void Process()
    {
        var selector = ParsedSelector;
        var reader = new PodHealthReader(Session);
        var query = new PodQuery(Namespace, AllNamespaces.IsPresent, selector, new NameFilter(Name));
        foreach (var pod in Stream(reader.ReadAsync(query, CancellationToken)))
        {
            if (!Unhealthy || !pod.Healthy)
            {
                WriteListed(pod);
            }
        }

        foreach (var missing in reader.MissingNames)
        {
            WriteFailure(new SeekapaException("PodNotFound", FailureCategory.ObjectNotFound,
                $"Pod '{missing}' was not found in {ScopeText}{(selector is null ? string.Empty : $" with selector '{selector}'")}.", missing,
                "List the pods with Get-SeekapaPodHealth, or use a wildcard such as -Name 'backend-*'."));
        }
    }
}
