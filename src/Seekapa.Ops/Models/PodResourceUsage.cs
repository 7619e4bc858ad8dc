namespace Seekapa.Ops;

/// <summary>
/// The CPU and memory a pod (or, with -Containers, one container) uses, as `kubectl top pod` prints it, plus what its
/// spec requests and limits and the usage as a percentage of each.
/// </summary>
public sealed class PodResourceUsage
{
    public string Kind => "Pod";
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The pod's name (also on container rows, so the objects pipe into the pod cmdlets by property name).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The container of a per-container row; null on a pod row.</summary>
    public string? Container { get; init; }

    /// <summary>kubectl CPU(cores): millicores rounded up, e.g. "250m".</summary>
    public string Cpu { get; init; } = "0m";
    public long CpuMillicores { get; init; }

    /// <summary>The exact usage in nanocores, before kubectl's rounding.</summary>
    public long CpuNanocores { get; init; }

    /// <summary>kubectl MEMORY(bytes): whole MiB, rounded down, e.g. "123Mi".</summary>
    public string Memory { get; init; } = "0Mi";
    public long MemoryBytes { get; init; }

    /// <summary>Requested CPU as a canonical quantity ("250m"); null when any counted container requests none.</summary>
    public string? CpuRequest { get; init; }
    public string? CpuLimit { get; init; }
    public string? MemoryRequest { get; init; }
    public string? MemoryLimit { get; init; }

    /// <summary>Usage / request * 100, one decimal; null when there is no request.</summary>
    public double? CpuRequestPercent { get; init; }
    public double? CpuLimitPercent { get; init; }
    public double? MemoryRequestPercent { get; init; }
    public double? MemoryLimitPercent { get; init; }

    /// <summary>When the metrics were sampled (PodMetrics timestamp) and over which window.</summary>
    public DateTimeOffset? Timestamp { get; init; }
    public TimeSpan? Window { get; init; }

    public override string ToString() => Container is null ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}/{Container}";
}
