using System.Globalization;
using System.Numerics;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// kubectl top pod's arithmetic: container quantities are summed exactly, then CPU is printed as whole millicores rounded
/// up (apimachinery MilliValue) and memory as whole MiB rounded down from whole bytes (Value()/1048576). Rows are ordered
/// as kubectl orders them; ties under a sort key are broken by namespace and name (kubectl's sort is unstable there).
/// </summary>
public static class ResourceUsageCalculator
{
    private static readonly BigInteger NanosPerMilli = 1_000_000;
    private static readonly BigInteger NanosPerUnit = 1_000_000_000;

    /// <summary>Millicores rounded up, as Quantity.MilliValue() does: 1n -> 1, 1500000n -> 2.</summary>
    public static long Millicores(BigInteger nanos) => (long)CeilDiv(nanos, NanosPerMilli);

    /// <summary>Whole bytes rounded up, as Quantity.Value() does.</summary>
    public static long Bytes(BigInteger nanos) => (long)CeilDiv(nanos, NanosPerUnit);

    public static string FormatCpu(long millicores) => millicores.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>kubectl's "&lt;bytes/1048576&gt;Mi", integer division: 1048575 bytes is "0Mi".</summary>
    public static string FormatMemory(long bytes) => (bytes / 1048576).ToString(CultureInfo.InvariantCulture) + "Mi";

    /// <summary>usage / of * 100 to one decimal (half away from zero), computed exactly; null when there is nothing to compare with.</summary>
    public static double? Percent(BigInteger usageNanos, Quantity? of)
    {
        if (of is null || of.Nanos.Sign <= 0)
        {
            return null;
        }

        var tenths = (usageNanos * 2000 + of.Nanos) / (2 * of.Nanos);
        return (double)tenths / 10;
    }

    /// <summary>The sum of the containers' values, or null when any container lacks one (an unset limit means unbounded).</summary>
    public static Quantity? SumOrNull(IReadOnlyList<ContainerResources> containers, Func<ContainerResources, Quantity?> pick)
    {
        if (containers.Count == 0)
        {
            return null;
        }

        var total = BigInteger.Zero;
        foreach (var c in containers)
        {
            if (pick(c) is not { } q)
            {
                return null;
            }

            total += q.Nanos;
        }

        return FromNanos(total, pick(containers[0])!.Format);
    }

    /// <summary>
    /// The rows of kubectl top pod (one per pod, or per container with <paramref name="perContainer"/>), joined with the
    /// pods' specs by namespace/name (a pod missing from <paramref name="specs"/> gets null requests and limits).
    /// </summary>
    public static IReadOnlyList<PodResourceUsage> Build(IEnumerable<PodMetricsSample> metrics,
        IReadOnlyDictionary<(string Namespace, string Name), PodResources>? specs, ResourceUsageSort sort, bool perContainer)
    {
        var pods = metrics.Select(m => (Sample: m, Cpu: Sum(m, c => c.CpuNanos), Memory: Sum(m, c => c.MemoryNanos))).ToList();
        pods.Sort((a, b) =>
        {
            var byKey = sort switch
            {
                ResourceUsageSort.Cpu => Millicores(b.Cpu).CompareTo(Millicores(a.Cpu)),
                ResourceUsageSort.Memory => Bytes(b.Memory).CompareTo(Bytes(a.Memory)),
                _ => 0,
            };
            if (byKey != 0)
            {
                return byKey;
            }

            var byNamespace = string.CompareOrdinal(a.Sample.Namespace, b.Sample.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Sample.Name, b.Sample.Name);
        });

        var rows = new List<PodResourceUsage>();
        foreach (var (sample, cpu, memory) in pods)
        {
            PodResources? spec = null;
            specs?.TryGetValue((sample.Namespace, sample.Name), out spec);
            if (!perContainer)
            {
                var all = spec?.Containers ?? Array.Empty<ContainerResources>();
                rows.Add(Row(sample, null, cpu, memory, SumOrNull(all, c => c.CpuRequest), SumOrNull(all, c => c.CpuLimit),
                    SumOrNull(all, c => c.MemoryRequest), SumOrNull(all, c => c.MemoryLimit)));
                continue;
            }

            var containers = sample.Containers.ToList();
            containers.Sort((a, b) =>
            {
                var byKey = sort switch
                {
                    ResourceUsageSort.Cpu => Millicores(b.CpuNanos).CompareTo(Millicores(a.CpuNanos)),
                    ResourceUsageSort.Memory => Bytes(b.MemoryNanos).CompareTo(Bytes(a.MemoryNanos)),
                    _ => 0,
                };
                return byKey != 0 ? byKey : string.CompareOrdinal(a.Name, b.Name);
            });
            foreach (var c in containers)
            {
                var r = spec?.Containers.FirstOrDefault(s => s.Name == c.Name);
                rows.Add(Row(sample, c.Name, c.CpuNanos, c.MemoryNanos, r?.CpuRequest, r?.CpuLimit, r?.MemoryRequest, r?.MemoryLimit));
            }
        }

        return rows;
    }

    private static PodResourceUsage Row(PodMetricsSample sample, string? container, BigInteger cpu, BigInteger memory,
        Quantity? cpuRequest, Quantity? cpuLimit, Quantity? memoryRequest, Quantity? memoryLimit)
    {
        var millicores = Millicores(cpu);
        var bytes = Bytes(memory);
        return new PodResourceUsage
        {
            Namespace = sample.Namespace,
            Name = sample.Name,
            Container = container,
            Cpu = FormatCpu(millicores),
            CpuMillicores = millicores,
            CpuNanocores = (long)cpu,
            Memory = FormatMemory(bytes),
            MemoryBytes = bytes,
            CpuRequest = cpuRequest?.ToString(),
            CpuLimit = cpuLimit?.ToString(),
            MemoryRequest = memoryRequest?.ToString(),
            MemoryLimit = memoryLimit?.ToString(),
            CpuRequestPercent = Percent(cpu, cpuRequest),
            CpuLimitPercent = Percent(cpu, cpuLimit),
            MemoryRequestPercent = Percent(memory, memoryRequest),
            MemoryLimitPercent = Percent(memory, memoryLimit),
            Timestamp = sample.Timestamp,
            Window = sample.Window,
        };
    }

    private static BigInteger Sum(PodMetricsSample sample, Func<ContainerUsage, BigInteger> pick)
    {
        var total = BigInteger.Zero;
        foreach (var c in sample.Containers)
        {
            total += pick(c);
        }

        return total;
    }

    private static BigInteger CeilDiv(BigInteger value, BigInteger by)
    {
        var q = BigInteger.DivRem(value, by, out var r);
        return r.Sign > 0 ? q + 1 : q;
    }

    // Quantity has no constructor from nanos; its text form round-trips exactly through Parse, and a "Ki" input keeps
    // memory sums in binary units ("640Mi") as kubectl prints them.
    private static Quantity FromNanos(BigInteger nanos, QuantityFormat format)
    {
        var bytes = BigInteger.DivRem(nanos, NanosPerUnit, out var rest);
        return format == QuantityFormat.BinarySI && rest.IsZero && bytes % 1024 == 0
            ? Quantity.Parse((bytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki")
            : Quantity.Parse(nanos.ToString(CultureInfo.InvariantCulture) + "n");
    }
}
