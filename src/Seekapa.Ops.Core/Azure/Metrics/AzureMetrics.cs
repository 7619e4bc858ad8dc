using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.Metrics;

/// <summary>One metric's answer: its points, or why Azure Monitor could not give them.</summary>
public sealed record MetricResult(string Metric, IReadOnlyList<MetricPoint> Points, SeekapaException? Error);

/// <summary>
/// `az monitor metrics list`: Microsoft.Insights/metrics for a resource (specs/azure-arm.md "Azure Monitor metrics"). Metrics
/// that share aggregations go in one request; a metric Azure Monitor could not serve (errorCode other than Success inside
/// the 200, or an unknown name, which Azure Monitor answers with a 400 for the whole request) becomes a per-metric
/// MetricUnavailable while the others are still returned.
/// </summary>
public static class AzureMetrics
{
    public static async IAsyncEnumerable<MetricResult> QueryAsync(AzureSession session, MetricQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var groups = query.Metrics
            .GroupBy(m => string.Join(",", query.AggregationsFor(m)), StringComparer.Ordinal)
            .Select(g => (Metrics: g.ToList(), Aggregations: query.AggregationsFor(g.First())));
        foreach (var (metrics, aggregations) in groups)
        {
            await foreach (var result in QueryGroupAsync(session, query, metrics, aggregations, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }
    }

    private static async IAsyncEnumerable<MetricResult> QueryGroupAsync(AzureSession session, MetricQuery query, IReadOnlyList<string> metrics,
        IReadOnlyList<MetricAggregation> aggregations, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = Path(session, query, metrics, aggregations);
        var response = await session.SendRawAsync(RequestMethod.Get, session.Url(path), null, cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            // Azure Monitor refuses the whole request for one unknown name (its message lists the valid ones): ask for
            // each metric alone, so that only the bad one fails.
            if (metrics.Count > 1)
            {
                foreach (var metric in metrics)
                {
                    await foreach (var single in QueryGroupAsync(session, query, [metric], aggregations, cancellationToken).ConfigureAwait(false))
                    {
                        yield return single;
                    }
                }

                yield break;
            }

            var (code, message) = response.Error();
            yield return new MetricResult(metrics[0], Array.Empty<MetricPoint>(), Unavailable(query.ResourceId, metrics[0], code, message));
            yield break;
        }

        if (!response.IsSuccess)
        {
            throw AzureSession.ToException(response, RequestMethod.Get, session.Url(path));
        }

        foreach (var result in Parse(response.Body ?? new JsonObject(), query, metrics))
        {
            yield return result;
        }
    }

    /// <summary>The request path: metricnames URL-escaped one by one (requests/failed -> requests%2Ffailed).</summary>
    public static string Path(AzureSession session, MetricQuery query, IReadOnlyList<string> metrics, IReadOnlyList<MetricAggregation> aggregations) =>
        $"{query.ResourceId}/providers/Microsoft.Insights/metrics?api-version={session.ApiVersions.Metrics}" +
        $"&metricnames={string.Join(",", metrics.Select(Uri.EscapeDataString))}" +
        $"&timespan={query.Timespan}&interval={query.IntervalIso}" +
        $"&aggregation={string.Join(",", aggregations.Select(a => a.ToString().ToLowerInvariant()))}";

    /// <summary>One result per requested metric, in the requested order, from a 200 body.</summary>
    public static IReadOnlyList<MetricResult> Parse(JsonNode body, MetricQuery query, IReadOnlyList<string> requested)
    {
        var byName = new Dictionary<string, JsonNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in body["value"] as JsonArray ?? new JsonArray())
        {
            if (value?["name"]?["value"]?.GetValue<string>() is { } name)
            {
                byName.TryAdd(name, value);
            }
        }

        var resource = AzureNames.NameOf(query.ResourceId);
        var results = new List<MetricResult>();
        foreach (var metric in requested)
        {
            if (!byName.TryGetValue(metric, out var value))
            {
                results.Add(new MetricResult(metric, Array.Empty<MetricPoint>(),
                    Unavailable(query.ResourceId, metric, null, "Azure Monitor returned nothing for this metric.")));
                continue;
            }

            var errorCode = value["errorCode"]?.GetValue<string>();
            if (errorCode is not null && !errorCode.Equals("Success", StringComparison.OrdinalIgnoreCase))
            {
                results.Add(new MetricResult(metric, Array.Empty<MetricPoint>(),
                    Unavailable(query.ResourceId, metric, errorCode, value["errorMessage"]?.GetValue<string>())));
                continue;
            }

            var name = value["name"]?["value"]?.GetValue<string>() ?? metric;
            var unit = value["unit"]?.GetValue<string>();
            var points = new List<MetricPoint>();
            foreach (var series in value["timeseries"] as JsonArray ?? new JsonArray())
            {
                foreach (var data in series?["data"] as JsonArray ?? new JsonArray())
                {
                    if (data?["timeStamp"]?.GetValue<string>() is not { } stamp)
                    {
                        continue;
                    }

                    // A point without an aggregation's field is a minute without data: null, never 0.
                    points.Add(new MetricPoint
                    {
                        Metric = name,
                        Resource = resource,
                        ResourceId = query.ResourceId,
                        TimeStamp = DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                        Average = Number(data["average"]),
                        Minimum = Number(data["minimum"]),
                        Maximum = Number(data["maximum"]),
                        Total = Number(data["total"]),
                        Count = Number(data["count"]),
                        Unit = unit,
                        Interval = query.Interval,
                    });
                }
            }

            results.Add(new MetricResult(metric, points, null));
        }

        return results;
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static SeekapaException Unavailable(string resourceId, string metric, string? code, string? message) =>
        new("MetricUnavailable", FailureCategory.ResourceUnavailable,
            $"Metric '{metric}' of {AzureNames.NameOf(resourceId)} is unavailable{(code is null ? string.Empty : $" ({code})")}: {message ?? "no reason given"}",
            $"{resourceId}#{metric}", "Check the metric name for this resource type (the message lists the valid ones when the name is unknown), or try again later.");
}
