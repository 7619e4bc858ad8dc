namespace Seekapa.Ops;

/// <summary>
/// One time stamp of one Azure Monitor metric. An aggregation that was not requested, or a minute without data (ingestion
/// delay, an idle resource), is null rather than 0.
/// </summary>
public sealed class MetricPoint
{
    /// <summary>The metric name as Azure Monitor knows it, e.g. node_cpu_usage_percentage or requests/failed.</summary>
    public string Metric { get; init; } = string.Empty;

    /// <summary>The resource's name (the last segment of <see cref="ResourceId"/>).</summary>
    public string Resource { get; init; } = string.Empty;

    public string ResourceId { get; init; } = string.Empty;

    /// <summary>The start of the interval this point aggregates.</summary>
    public DateTimeOffset TimeStamp { get; init; }

    public double? Average { get; init; }
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    public double? Total { get; init; }
    public double? Count { get; init; }

    /// <summary>Percent, Count, Bytes, MilliSeconds, ...</summary>
    public string? Unit { get; init; }

    /// <summary>The interval each point covers.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>False when Azure Monitor returned the time stamp without any value.</summary>
    public bool HasData => Average is not null || Minimum is not null || Maximum is not null || Total is not null || Count is not null;

    public override string ToString() => $"{Metric} {TimeStamp:u}";
}
