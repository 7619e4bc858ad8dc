using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;

namespace Seekapa.Ops.PowerShell.Cmdlets.Diagnostics;

/// <summary>kubectl top pod: CPU and memory usage from metrics.k8s.io, with kubectl's rounding, plus % of requests and limits.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaPodResourceUsage", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaPodResourceUsage.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(PodResourceUsage))]
public sealed class GetSeekapaPodResourceUsageCommand : NamespacedListCmdlet
{
    /// <summary>kubectl --sort-by: Cpu or Memory, descending. By default, by namespace and name.</summary>
    [Parameter]
    public ResourceUsageSort SortBy { get; set; } = ResourceUsageSort.Name;

    /// <summary>One row per container (kubectl --containers).</summary>
    [Parameter]
    public SwitchParameter Containers { get; set; }

    // Pipeline input (pods by Name/Namespace) is gathered so that each namespace is listed once and sorted as a whole;
    // a null name list means every pod of that namespace.
    private readonly Dictionary<string, List<string>?> _scopes = new(StringComparer.Ordinal);

    protected override void Process()
    {
        var ns = AllNamespaces ? string.Empty : Namespace ?? Session.DefaultNamespace;
        if (Name is not { Length: > 0 })
        {
            _scopes[ns] = null;
        }
        else if (!_scopes.TryGetValue(ns, out var names))
        {
            _scopes[ns] = new List<string>(Name);
        }
        else
        {
            names?.AddRange(Name);
        }
    }

    protected override void End()
    {
        var selector = ParsedSelector;
        foreach (var (scope, names) in _scopes)
        {
            var ns = scope.Length == 0 ? null : scope;
            var filter = new NameFilter(names);
            var where = ns is null ? "any namespace" : $"namespace '{ns}'";
            var reader = new ResourceUsageReader(Session);
            var query = new ResourceUsageQuery(ns, ns is null, selector, filter, SortBy, Containers.IsPresent);
            var rows = Await(reader.ReadAsync(query, CancellationToken));
            foreach (var row in rows)
            {
                Write(row);
            }

            if (rows.Count == 0 && reader.PodsWithoutMetrics > 0 && filter.IsEmpty)
            {
                // kubectl's "metrics not available yet": the pods exist but metrics-server has not measured them.
                WriteWarning($"Metrics not available yet: {reader.PodsWithoutMetrics} pod(s) in {where} have not been measured by metrics-server.");
            }
            else if (reader.PodsWithoutMetrics > 0)
            {
                WriteVerbose($"{reader.PodsWithoutMetrics} pod(s) in {where} have no metrics yet and are not shown.");
            }

            foreach (var missing in reader.MissingNames)
            {
                WriteFailure(ResourceUsageReader.NotFound(missing, where, selector));
            }
        }
    }

    /// <summary>Type names select the view: "#Containers" adds the POD column, "#AllNamespaces" the NAMESPACE column.</summary>
    private void Write(PodResourceUsage row)
    {
        var suffix = (Containers ? "#Containers" : string.Empty) + (AllNamespaces ? "#AllNamespaces" : string.Empty);
        if (suffix.Length == 0)
        {
            WriteObject(row);
            return;
        }

        var wrapped = new PSObject(row);
        wrapped.TypeNames.Insert(0, typeof(PodResourceUsage).FullName + suffix);
        WriteObject(wrapped);
    }

    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) || ex.ErrorId is "MetricsApiUnavailable";
}
