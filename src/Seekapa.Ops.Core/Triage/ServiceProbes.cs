using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Endpoints;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Prometheus;

namespace Seekapa.Ops.Core.Triage;

/// <summary>The outside checks as triage probes: each reads with an existing client, then applies ServiceTriageRules.</summary>
public static class ServiceProbes
{
    /// <summary>The health URLs, all at once.</summary>
    public static TriageProbe Endpoints(EndpointChecker checker, IReadOnlyList<Uri> uris) =>
        new(TriageChecks.Endpoints, string.Join(", ", uris.Select(EndpointChecker.Display)), async ct =>
        {
            var checks = new List<EndpointCheck>();
            await foreach (var check in checker.CheckAllAsync(uris, ct).ConfigureAwait(false))
            {
                checks.Add(check);
            }

            return ServiceTriageRules.EndpointFindings(checks);
        });

    /// <summary>The error ratio per series from one instant query.</summary>
    public static TriageProbe ErrorRate(PrometheusClient client, string query, Uri endpoint) =>
        new(TriageChecks.Prometheus, client.Endpoint.Host, async ct =>
        {
            var result = await client.QueryAsync(query, null, ct).ConfigureAwait(false);
            return ServiceTriageRules.ErrorRateFindings(result.Samples, query, endpoint);
        });

    /// <summary>Sessions and connection limits in one read (retried once if the connection breaks).</summary>
    public static TriageProbe Database(DatabaseSession session, TimeSpan longQuery)
    {
        var database = session.Connection;
        var target = $"{database.Host}:{database.Port}/{database.Database}";
        return new TriageProbe(TriageChecks.Database, target, async ct =>
        {
            try
            {
                return await session.ReadAsync(async (connection, token) =>
                {
                    var snapshot = await DatabaseActivityReader.ReadSessionsAsync(connection, database, token).ConfigureAwait(false);
                    var limits = await DatabaseActivityReader.ReadLimitsAsync(connection, token).ConfigureAwait(false);
                    var summary = DatabaseActivityReader.Summarize(snapshot, limits, database.Host);
                    return ServiceTriageRules.DatabaseFindings(snapshot, summary, target, longQuery);
                }, ct).ConfigureAwait(false);
            }
            catch (SeekapaException ex)
            {
                throw session.Scrub(ex); // the server may echo a secret back
            }
        });
    }
}
