using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Diagnostics;

/// <summary>"What changed?": the Deployment and StatefulSet rollouts of a window, newest first, with images before and after.</summary>
/// <remarks>No -Selector: it would apply to two kinds of workloads and their revisions differently.</remarks>
[Cmdlet(VerbsCommon.Get, "SeekapaRecentChange", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaRecentChange.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(RecentChange))]
public sealed class GetSeekapaRecentChangeCommand : NamespacedCmdlet
{
    /// <summary>The window: a TimeSpan, seconds, or a kubectl duration such as 2h or 30m. Default 2h.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Since { get; set; } = RecentChangeQuery.DefaultSince;

    protected override void Process()
    {
        var reader = new RecentChangeReader(Session);
        var query = new RecentChangeQuery(Namespace, AllNamespaces.IsPresent, Since, new NameFilter(Name));
        foreach (var change in Await(reader.ReadAsync(query, CancellationToken)))
        {
            WriteListed(change);
        }

        foreach (var missing in reader.MissingNames)
        {
            WriteFailure(RecentChangeReader.NotFound(missing, ScopeText));
        }
    }
}
