using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Diagnostics;

/// <summary>"What changed?": the Deployment and StatefulSet rollouts of a window, newest first, with images before and after.</summary>
/// <remarks>Not a NamespacedListCmdlet: -Selector would apply to two kinds of workloads and their revisions differently.</remarks>
[Cmdlet(VerbsCommon.Get, "SeekapaRecentChange", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(RecentChange))]
public sealed class GetSeekapaRecentChangeCommand : ClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>Workload names; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ParameterSetName = NamespaceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

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
            if (AllNamespaces)
            {
                var wrapped = new PSObject(change);
                wrapped.TypeNames.Insert(0, typeof(RecentChange).FullName + "#AllNamespaces");
                WriteObject(wrapped);
            }
            else
            {
                WriteObject(change);
            }
        }

        var scope = AllNamespaces ? "any namespace" : $"namespace '{Namespace ?? Session.DefaultNamespace}'";
        foreach (var missing in reader.MissingNames)
        {
            WriteFailure(RecentChangeReader.NotFound(missing, scope));
        }
    }
}
