using System.Globalization;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Endpoints;

namespace Seekapa.Ops.Core.Triage;

/// <summary>
/// The rules for the services outside the cluster: health endpoints, the database and the error rate in Prometheus.
/// Pure functions over what the readers returned, so they are tested from hand-built inputs.
/// </summary>
public static class ServiceTriageRules
{
    /// <summary>A healthy answer slower than this is worth a look (the runbook's "High API Latency").</summary>
    public static readonly TimeSpan SlowEndpoint = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A failing health endpoint: all of them failing is the runbook's SEV-1 "complete API unavailability"; some of them,
    /// SEV-2 "major feature unavailable". A slow but healthy one is SEV-3.
    /// </summary>
    public static IReadOnlyList<Finding> EndpointFindings(IReadOnlyList<EndpointCheck> checks)
    {
        var findings = new List<Finding>();
        var failed = checks.Where(c => !c.Healthy).ToList();
        var allDown = checks.Count > 0 && failed.Count == checks.Count;
        foreach (var check in failed)
        {
            var url = EndpointChecker.Display(check.Uri);
            findings.Add(new Finding
            {
                Check = TriageChecks.Endpoints,
                Severity = allDown ? FindingSeverity.Sev1 : FindingSeverity.Sev2,
                Target = url,
                Evidence = $"{check.Method} {url}: {Outcome(check)}" +
                           (allDown && checks.Count > 1 ? $"; all {checks.Count} health endpoints fail" : string.Empty),
                RunbookSection = RunbookSections.CheckSystemStatus,
                NextStep = $"Test-SeekapaEndpoint {url}",
            });
        }

        foreach (var check in checks.Where(c => c.Healthy && c.LatencyMs >= SlowEndpoint.TotalMilliseconds))
        {
            var url = EndpointChecker.Display(check.Uri);
            findings.Add(new Finding
            {
                Check = TriageChecks.Endpoints,
                Severity = FindingSeverity.Sev3,
                Target = url,
                Evidence = string.Create(CultureInfo.InvariantCulture,
                    $"{check.Method} {url}: {check.StatusCode} in {check.LatencyMs:0} ms (slower than {SlowEndpoint.TotalSeconds:0} s)"),
                RunbookSection = RunbookSections.HighApiLatency,
                NextStep = $"Test-SeekapaEndpoint {url}",
            });
        }

        return findings;
    }

    /// <summary>
    /// The share of requests answered 5xx over the last 5 minutes (the runbook's `rate(http_requests_total{status=~"5.."}[5m])`,
    /// divided by all requests so that it reads as a ratio whatever the traffic).
    /// </summary>
    public const string DefaultErrorRateQuery =
        "sum(rate(http_requests_total{status=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))";

    /// <summary>
    /// The error ratio per series: from 90% the API is effectively down (SEV-1), from 5% significantly degraded (SEV-2), from
    /// 1% worth a look (SEV-3); below that, or no traffic (NaN), nothing.
    /// </summary>
    public static IReadOnlyList<Finding> ErrorRateFindings(IReadOnlyList<PrometheusSample> samples, string query, Uri endpoint)
    {
        var findings = new List<Finding>();
        foreach (var sample in samples.Where(s => !double.IsNaN(s.Value) && s.Value >= 0.01))
        {
            var severity = sample.Value >= 0.9 ? FindingSeverity.Sev1 : sample.Value >= 0.05 ? FindingSeverity.Sev2 : FindingSeverity.Sev3;
            var series = sample.Labels.Count == 0 ? string.Empty : " " + sample.LabelText;
            findings.Add(new Finding
            {
                Check = TriageChecks.Prometheus,
                Severity = severity,
                Target = Display(endpoint) + series,
                Evidence = string.Create(CultureInfo.InvariantCulture, $"5xx error ratio {sample.Value * 100:0.0}%{series} (query: {query})"),
                RunbookSection = RunbookSections.ErrorSpike,
                NextStep = $"Invoke-SeekapaPrometheusQuery '{query.Replace("'", "''", StringComparison.Ordinal)}' -Endpoint {Display(endpoint)} -Since 1h",
            });
        }

        return findings;
    }

    /// <summary>The runbook kills queries running longer than this ("query_start < now() - interval '10 minutes'").</summary>
    public static readonly TimeSpan DefaultLongQuery = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The database: connections against the usable maximum (from 90% new connections are about to fail: SEV-2; from 75%
    /// SEV-3), non-idle sessions older than <paramref name="longQuery"/> (SEV-3, the runbook's kill list), sessions waiting
    /// on a lock (SEV-3), and sessions this role may not see (Info, so the numbers are read with that in mind).
    /// </summary>
    public static IReadOnlyList<Finding> DatabaseFindings(DatabaseActivitySnapshot snapshot, DatabaseActivitySummary summary,
        string target, TimeSpan longQuery)
    {
        var findings = new List<Finding>();
        if (summary.PercentUsed >= 75)
        {
            findings.Add(new Finding
            {
                Check = TriageChecks.Database,
                Severity = summary.PercentUsed >= 90 ? FindingSeverity.Sev2 : FindingSeverity.Sev3,
                Target = target,
                Evidence = string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Total} of {summary.UsableConnections} usable connections in use ({summary.PercentUsed:0}%; max_connections {summary.MaxConnections}, {summary.ReservedConnections} reserved); {summary.Active} active, {summary.IdleInTransaction} idle in transaction"),
                RunbookSection = RunbookSections.DatabaseConnectionErrors,
                NextStep = "Get-SeekapaDatabaseActivity -Summary",
            });
        }

        var old = snapshot.Sessions
            .Where(s => s.State != DatabaseSessionState.Idle && s.QueryDuration is { } d && d >= longQuery)
            .OrderByDescending(s => s.QueryDuration)
            .ToList();
        if (old.Count > 0)
        {
            var longest = old[0];
            var threshold = Kubernetes.GoDuration.Format(longQuery);
            findings.Add(new Finding
            {
                Check = TriageChecks.Database,
                Severity = FindingSeverity.Sev3,
                Target = target,
                Evidence = $"{old.Count} non-idle session(s) running longer than {threshold}; longest pid {longest.Pid} ({longest.User}, {longest.State}) for {Kubernetes.GoDuration.Format(longest.QueryDuration!.Value)}",
                RunbookSection = RunbookSections.Database,
                NextStep = string.Create(CultureInfo.InvariantCulture,
                    $"Get-SeekapaDatabaseActivity -MinDuration {longQuery:hh\\:mm\\:ss} | Stop-SeekapaDatabaseQuery -WhatIf"),
            });
        }

        var blocked = snapshot.Sessions.Where(s => s.BlockedBy.Count > 0).ToList();
        if (blocked.Count > 0)
        {
            var blockers = blocked.SelectMany(s => s.BlockedBy).Distinct().Order().ToList();
            findings.Add(new Finding
            {
                Check = TriageChecks.Database,
                Severity = FindingSeverity.Sev3,
                Target = target,
                Evidence = $"{blocked.Count} session(s) waiting on locks held by pid {string.Join(", ", blockers)}",
                RunbookSection = RunbookSections.Database,
                NextStep = "Get-SeekapaDatabaseActivity -Blocking",
            });
        }

        if (snapshot.VisibilityWarning is { } warning)
        {
            findings.Add(new Finding
            {
                Check = TriageChecks.Database,
                Severity = FindingSeverity.Info,
                Target = target,
                Evidence = warning,
                RunbookSection = RunbookSections.Database,
            });
        }

        return findings;
    }

    // Credentials in the URL never reach a finding.
    private static string Display(Uri endpoint) =>
        Security.Redactor.Redact(new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty }.Uri.ToString().TrimEnd('/'));

    private static string Outcome(EndpointCheck check) => check.Failure switch
    {
        EndpointFailure.UnexpectedStatus => string.Create(CultureInfo.InvariantCulture,
            $"{check.StatusCode} {check.ReasonPhrase} in {check.LatencyMs:0} ms (expected {check.Expected})"),
        EndpointFailure.BodyMismatch => $"{check.StatusCode}, but the body does not match",
        _ => $"{check.Failure}{(check.Error is { Length: > 0 } e ? ": " + e : string.Empty)}",
    };
}
