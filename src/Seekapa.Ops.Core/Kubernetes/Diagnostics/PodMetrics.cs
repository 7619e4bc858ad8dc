using System.Globalization;
using System.Numerics;
using System.Text.Json;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>One container's usage from a PodMetrics object, held exactly (Quantity nano units: nanocores, nanobytes).</summary>
public sealed record ContainerUsage(string Name, BigInteger CpuNanos, BigInteger MemoryNanos);

/// <summary>One metrics.k8s.io/v1beta1 PodMetrics object.</summary>
public sealed record PodMetricsSample(string Namespace, string Name, DateTimeOffset? Timestamp, TimeSpan? Window,
    IReadOnlyList<ContainerUsage> Containers);

/// <summary>What one container of a pod spec requests and is limited to; null where the spec sets nothing.</summary>
public sealed record ContainerResources(string Name, Quantity? CpuRequest, Quantity? CpuLimit, Quantity? MemoryRequest, Quantity? MemoryLimit);

/// <summary>The containers of a pod spec that metrics-server measures, with their requests and limits.</summary>
public sealed record PodResources(string Namespace, string Name, IReadOnlyList<ContainerResources> Containers)
{
    /// <summary>
    /// The long-running containers: spec.containers plus restartable init containers (sidecars, restartPolicy Always),
    /// which run beside them and are measured; ordinary init containers have finished and are not.
    /// </summary>
    public static PodResources FromPod(V1Pod pod)
    {
        var containers = new List<ContainerResources>();
        foreach (var c in pod.Spec?.InitContainers ?? Array.Empty<V1Container>())
        {
            if (c.RestartPolicy == "Always")
            {
                containers.Add(From(c));
            }
        }

        foreach (var c in pod.Spec?.Containers ?? Array.Empty<V1Container>())
        {
            containers.Add(From(c));
        }

        return new PodResources(pod.Metadata?.NamespaceProperty ?? string.Empty, pod.Metadata?.Name ?? string.Empty, containers);
    }

    private static ContainerResources From(V1Container c) => new(c.Name,
        Get(c.Resources?.Requests, "cpu"), Get(c.Resources?.Limits, "cpu"),
        Get(c.Resources?.Requests, "memory"), Get(c.Resources?.Limits, "memory"));

    private static Quantity? Get(IDictionary<string, ResourceQuantity>? map, string key) =>
        map is not null && map.TryGetValue(key, out var q) && Quantity.TryParse(q?.ToString(), out var parsed) ? parsed : null;
}

/// <summary>Reads PodMetrics / PodMetricsList JSON exactly as metrics-server serves it.</summary>
public static class PodMetricsParser
{
    /// <summary>The items of a PodMetricsList (or a single PodMetrics).</summary>
    public static IReadOnlyList<PodMetricsSample> ParseList(JsonElement root)
    {
        var result = new List<PodMetricsSample>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                result.Add(Parse(item));
            }
        }
        else if (root.TryGetProperty("containers", out _))
        {
            result.Add(Parse(root));
        }

        return result;
    }

    public static IReadOnlyList<PodMetricsSample> ParseList(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ParseList(doc.RootElement);
    }

    public static PodMetricsSample Parse(JsonElement item)
    {
        var metadata = item.TryGetProperty("metadata", out var m) ? m : default;
        var containers = new List<ContainerUsage>();
        if (item.TryGetProperty("containers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in list.EnumerateArray())
            {
                var usage = c.TryGetProperty("usage", out var u) ? u : default;
                containers.Add(new ContainerUsage(String(c, "name") ?? string.Empty, Nanos(usage, "cpu"), Nanos(usage, "memory")));
            }
        }

        DateTimeOffset? timestamp = DateTimeOffset.TryParse(String(item, "timestamp"), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new PodMetricsSample(String(metadata, "namespace") ?? string.Empty, String(metadata, "name") ?? string.Empty,
            timestamp, GoDuration(String(item, "window")), containers);
    }

    /// <summary>A Go time.Duration string as metrics-server writes the window ("15s", "1m0s", "30.5s", "500ms").</summary>
    public static TimeSpan? GoDuration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        double total = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
            {
                pos++;
            }

            var unitStart = pos;
            while (pos < text.Length && !char.IsAsciiDigit(text[pos]) && text[pos] != '.')
            {
                pos++;
            }

            if (!double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            double? seconds = text[unitStart..pos] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => null,
            };
            if (seconds is null)
            {
                return null;
            }

            total += value * seconds.Value;
        }

        return TimeSpan.FromSeconds(total);
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // A usage kubectl could not decode would fail the whole command there; here it counts as zero for that container.
    private static BigInteger Nanos(JsonElement usage, string name) =>
        Quantity.TryParse(String(usage, name), out var q) ? q.Nanos : BigInteger.Zero;
}
