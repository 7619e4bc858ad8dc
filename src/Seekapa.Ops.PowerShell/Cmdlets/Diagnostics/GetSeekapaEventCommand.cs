using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Diagnostics;

/// <summary>
/// kubectl get events, sorted by last seen (newest first), with -Type, -Reason, -Since and -For filters.
/// </summary>
/// <remarks>
/// Not a NamespacedListCmdlet: its -Name and -Selector would select Event objects by their own name and labels, and a
/// piped PodHealth would bind its pod name there. Objects piped in go to -For instead; the events are listed once, in
/// EndProcessing, for all of them.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "SeekapaEvent", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaEvent.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(ClusterEvent))]
public sealed class GetSeekapaEventCommand : ClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";
    private readonly List<EventObjectReference> _for = new();

    /// <summary>The namespace; default the connection's namespace (or the namespaces of the -For objects).</summary>
    [Parameter(ParameterSetName = NamespaceSet)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Every namespace (kubectl -A); needed for node events, which are recorded in "default".</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Normal or Warning.</summary>
    [Parameter]
    [ValidateSet("Normal", "Warning")]
    public string[]? Type { get; set; }

    /// <summary>Reasons, case-insensitive; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Reason { get; set; }

    /// <summary>Only events last seen within this long: a TimeSpan, seconds, or a kubectl duration such as 1h or 2h30m.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? Since { get; set; }

    /// <summary>Only events about these objects: "kind/name" strings or objects with Kind, Name and Namespace (PodHealth is a Pod).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    public object[]? For { get; set; }

    protected override void Process()
    {
        foreach (var item in For ?? Array.Empty<object>())
        {
            _for.Add(ToReference(item));
        }
    }

    protected override void End()
    {
        var query = new EventQuery(Namespace, AllNamespaces.IsPresent, Type, Reason, Since, _for.Count == 0 ? null : _for);
        var scopes = query.Scopes(Session.DefaultNamespace);
        var manyNamespaces = scopes.Count > 1 || scopes[0] is null;
        foreach (var ev in Await(new EventReader(Session).ReadAsync(query, CancellationToken)))
        {
            WriteListed(ev, manyNamespaces);
        }
    }

    /// <summary>A malformed -For would silently match nothing: it stops the command before any call.</summary>
    protected override bool IsSetupError(SeekapaException ex) =>
        ex.ErrorId is "InvalidObjectReference" or "InvalidNamespace" || base.IsSetupError(ex);

    private static EventObjectReference ToReference(object item)
    {
        var value = item is PSObject ps ? ps.BaseObject : item;
        switch (value)
        {
            case string text:
                return EventObjectReference.Parse(text);
            case PodHealth pod:
                return new EventObjectReference("Pod", pod.Name, pod.Namespace);
            case ClusterEvent ev:
                return new EventObjectReference(ev.ObjectKind, ev.ObjectName, ev.ObjectNamespace);
        }

        // Anything else by property name (Deployment, RolloutRevision, RecentChange, a custom object), as pipeline binding would.
        var wrapped = PSObject.AsPSObject(item);
        return EventObjectReference.FromProperties(Property(wrapped, "Kind"), Property(wrapped, "Name"), Property(wrapped, "Namespace"), value);
    }

    private static string? Property(PSObject obj, string name) => obj.Properties[name]?.Value?.ToString();

    /// <summary>
    /// Like NamespacedListCmdlet.WriteListed: when more than one namespace was read (-AllNamespaces, or -For objects
    /// in several namespaces or a Node), the "#AllNamespaces" type name selects the view with the NAMESPACE column.
    /// </summary>
    private void WriteListed(ClusterEvent ev, bool manyNamespaces)
    {
        if (!manyNamespaces)
        {
            WriteObject(ev);
            return;
        }

        var wrapped = new PSObject(ev);
        wrapped.TypeNames.Insert(0, typeof(ClusterEvent).FullName + "#AllNamespaces");
        WriteObject(wrapped);
    }
}
