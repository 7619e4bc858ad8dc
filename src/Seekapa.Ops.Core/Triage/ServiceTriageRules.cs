using System.Globalization;
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

    private static string Outcome(EndpointCheck check) => check.Failure switch
    {
        EndpointFailure.UnexpectedStatus => string.Create(CultureInfo.InvariantCulture,
            $"{check.StatusCode} {check.ReasonPhrase} in {check.LatencyMs:0} ms (expected {check.Expected})"),
        EndpointFailure.BodyMismatch => $"{check.StatusCode}, but the body does not match",
        _ => $"{check.Failure}{(check.Error is { Length: > 0 } e ? ": " + e : string.Empty)}",
    };
}
