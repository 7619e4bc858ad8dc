using System.Globalization;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.Metrics;

/// <summary>The aggregations Azure Monitor computes per interval.</summary>
public enum MetricAggregation
{
    Average,
    Minimum,
    Maximum,
    Total,
    Count,
}

/// <summary>
/// One metrics request, validated before any call: a resource id, metric names, aggregations (null: a sensible default
/// per metric), an interval Azure Monitor supports, and a time range that ends after it starts.
/// </summary>
public sealed record MetricQuery
{
    // The grains Azure Monitor accepts (PT1M ... P1D), with their ISO 8601 spelling.
    private static readonly (TimeSpan Span, string Iso)[] Grains =
    [
        (TimeSpan.FromMinutes(1), "PT1M"), (TimeSpan.FromMinutes(5), "PT5M"), (TimeSpan.FromMinutes(15), "PT15M"),
        (TimeSpan.FromMinutes(30), "PT30M"), (TimeSpan.FromHours(1), "PT1H"), (TimeSpan.FromHours(6), "PT6H"),
        (TimeSpan.FromHours(12), "PT12H"), (TimeSpan.FromDays(1), "P1D"),
    ];

    public MetricQuery(string resourceId, IReadOnlyList<string> metrics, IReadOnlyList<MetricAggregation>? aggregations, TimeSpan interval,
        DateTimeOffset start, DateTimeOffset end)
    {
        ResourceId = AzureNames.ValidateResourceId(resourceId);
        var names = metrics.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0 || names.Any(n => n.Contains(',')))
        {
            throw new SeekapaException("InvalidMetricName", FailureCategory.InvalidArgument,
                "Give one or more metric names (without commas), e.g. -Metric node_cpu_usage_percentage, requests/failed.",
                string.Join(",", metrics));
        }

        Metrics = names;
        Aggregations = aggregations is { Count: > 0 } ? aggregations.Distinct().ToList() : null;
        IntervalIso = ToIso(interval);
        Interval = interval;
        if (end <= start)
        {
            throw new SeekapaException("InvalidTimeRange", FailureCategory.InvalidArgument,
                $"The time range must end after it starts ({start:u} .. {end:u}).", $"{start:u}/{end:u}");
        }

        Start = start.ToUniversalTime();
        End = end.ToUniversalTime();
    }

    public string ResourceId { get; }
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The aggregations asked for; null means each metric's default (<see cref="DefaultAggregations"/>).</summary>
    public IReadOnlyList<MetricAggregation>? Aggregations { get; }

    public TimeSpan Interval { get; }
    public string IntervalIso { get; }
    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }

    /// <summary>Azure Monitor's timespan parameter: START/END in UTC.</summary>
    public string Timespan => $"{Format(Start)}/{Format(End)}";

    /// <summary>Counts (App Insights requests/failed, .../count) are summed as Count; everything else is Average and Maximum.</summary>
    public static IReadOnlyList<MetricAggregation> DefaultAggregations(string metric) =>
        metric.EndsWith("/count", StringComparison.OrdinalIgnoreCase) || metric.EndsWith("/failed", StringComparison.OrdinalIgnoreCase)
            ? [MetricAggregation.Count]
            : [MetricAggregation.Average, MetricAggregation.Maximum];

    public IReadOnlyList<MetricAggregation> AggregationsFor(string metric) => Aggregations ?? DefaultAggregations(metric);

    public static string ToIso(TimeSpan interval)
    {
        foreach (var (span, iso) in Grains)
        {
            if (span == interval)
            {
                return iso;
            }
        }

        throw new SeekapaException("InvalidInterval", FailureCategory.InvalidArgument,
            $"Azure Monitor does not aggregate over {interval}: use one of {string.Join(", ", Grains.Select(g => g.Span.ToString()))}.",
            interval.ToString(), "Pass -Interval 00:01:00 (1m), 00:05:00, 00:15:00, 00:30:00, 01:00:00, 06:00:00, 12:00:00 or 1.00:00:00.");
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
