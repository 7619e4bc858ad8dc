using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Endpoints;
using Seekapa.Ops.Core.Prometheus;
using Seekapa.Ops.Core.Triage;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>
/// The runbook's initial assessment: runs the Kubernetes checks side by side and writes Finding objects, most severe
/// first, then the overall severity they suggest as a warning. Read-only: it never changes the cluster or the incident.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SeekapaTriage", HelpUri = HelpLinks.Cmdlets + "Invoke-SeekapaTriage.md", DefaultParameterSetName = NamespaceSet)]
[OutputType(typeof(Finding))]
public sealed class InvokeSeekapaTriageCommand : ClusterCmdlet
{
    private const string NamespaceSet = "Namespace";
    private const string AllNamespacesSet = "AllNamespaces";

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ParameterSetName = NamespaceSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Every namespace (kubectl -A).</summary>
    [Parameter(ParameterSetName = AllNamespacesSet, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The checks to run; default all.</summary>
    [Parameter]
    [ValidateSet(TriageChecks.Pods, TriageChecks.Rollouts, TriageChecks.Events, TriageChecks.Logs, TriageChecks.Resources,
        TriageChecks.Endpoints, TriageChecks.Database, TriageChecks.Prometheus, IgnoreCase = true)]
    public string[]? Check { get; set; }

    /// <summary>The window of the warning-event check; default 1h.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Since { get; set; } = TriageOptions.DefaultSince;

    /// <summary>Health URLs to check beside the cluster (the runbook's curl .../health), all at once.</summary>
    [Parameter]
    public Uri[]? Endpoint { get; set; }

    /// <summary>A Prometheus server to ask for the 5xx error ratio.</summary>
    [Parameter]
    public Uri? PrometheusUrl { get; set; }

    /// <summary>The PromQL giving the error ratio (0..1) per series; default the runbook's 5xx rate over all requests.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ErrorRateQuery { get; set; } = ServiceTriageRules.DefaultErrorRateQuery;

    /// <summary>The database to check; default the session's (Connect-SeekapaDatabase). Without either, no database check.</summary>
    [Parameter]
    public DatabaseConnection? DatabaseConnection { get; set; }

    /// <summary>Non-idle sessions running longer than this are reported; default 10 minutes, as the runbook's kill query.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan LongQueryThreshold { get; set; } = ServiceTriageRules.DefaultLongQuery;

    protected override void Process()
    {
        var runner = new TriageRunner(Session);
        var probes = new List<TriageProbe>();
        using var checker = Endpoint is { Length: > 0 } ? new EndpointChecker(new EndpointCheckOptions()) : null;
        if (checker is not null)
        {
            probes.Add(ServiceProbes.Endpoints(checker, Endpoint!.Select(EndpointCheckOptions.ValidateUri).ToList()));
        }

        using var prometheus = PrometheusUrl is null ? null : new PrometheusClient(new PrometheusClientOptions { Endpoint = PrometheusUrl, AllowInsecureTransport = AllowInsecureTransport });
        if (prometheus is not null)
        {
            probes.Add(ServiceProbes.ErrorRate(prometheus, ErrorRateQuery, PrometheusUrl!));
        }

        if ((DatabaseConnection ?? RunspaceState.Current.DefaultDatabase) is { } database)
        {
            probes.Add(ServiceProbes.Database(DatabaseSession.FromConnection(database), LongQueryThreshold));
        }

        var options = new TriageOptions(Namespace, AllNamespaces.IsPresent, Check, Since, probes);
        WriteVerbose($"Triage of {(AllNamespaces ? "every namespace" : $"namespace '{Namespace ?? Session.DefaultNamespace}'")}: {string.Join(", ", Check is { Length: > 0 } ? Check : TriageChecks.All)}.");
        var report = Await(runner.RunAsync(options, CancellationToken));
        foreach (var finding in report.Findings)
        {
            WriteObject(finding);
        }

        if (report.SuggestedSeverity is null)
        {
            WriteVerbose(report.Summary);
        }
        else
        {
            WriteWarning(report.Summary);
        }
    }
}
