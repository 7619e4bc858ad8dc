using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Telemetry;

/// <summary>
/// Deterministic container usage, as metrics-server would report it: a scenario's exact override for the container,
/// else its per-image default (jittered +-3% per container so replicas differ), else a share of the container's limit
/// (or request, or a small default). The same container always reports the same numbers.
/// </summary>
internal sealed class SyntheticMetrics(ScenarioTelemetry telemetry)
{
    public (long NanoCores, long Bytes) Usage(string ns, string pod, JsonObject container)
    {
        var name = JsonPaths.String(container, "name") ?? "";
        var image = JsonPaths.String(container, "image") ?? "";
        var seed = StableRandom.Hash($"{ns}/{pod}/{name}");
        var exact = telemetry.ContainerUsage(ns, pod, name);
        var byImage = telemetry.ImageUsage(image);
        var jitter = 0.97 + 0.06 * StableRandom.Unit(StableRandom.Mix(seed ^ 0xA5A5));

        long cpu;
        if (exact?.NanoCores is { } c)
        {
            cpu = c;
        }
        else if (byImage?.NanoCores is { } ic)
        {
            cpu = NotRound((long)(ic * jitter), 1000);
        }
        else
        {
            var basis = Resource(container, "limits.cpu") ?? (Resource(container, "requests.cpu") is { } r ? r * 2 : (long?)null) ?? 100_000_000L;
            // Mostly idle services: 5-45% of the limit.
            cpu = NotRound((long)(basis * (0.05 + 0.40 * StableRandom.Unit(StableRandom.Mix(seed)))), 1000);
        }

        long bytes;
        if (exact?.Bytes is { } b)
        {
            bytes = b;
        }
        else if (byImage?.Bytes is { } ib)
        {
            bytes = NotRound((long)(ib * jitter) / 1024 * 1024, 1024 * 1024);
        }
        else
        {
            var limit = Resource(container, "limits.memory", bytes: true);
            var request = Resource(container, "requests.memory", bytes: true);
            var share = StableRandom.Unit(StableRandom.Mix(seed + 1));
            var value = limit is { } l ? l * (0.35 + 0.45 * share)
                : request is { } q ? q * (0.5 + 0.6 * share)
                : (48 + 200 * share) * 1048576;
            bytes = NotRound((long)value / 1024 * 1024, 1024 * 1024);
        }
        return (cpu, bytes);
    }

    /// <summary>metrics-server's CPU quantity: nanocores with the "n" suffix.</summary>
    public static string FormatCpu(long nanoCores) => $"{nanoCores}n";

    /// <summary>metrics-server's memory quantity: a BinarySI count of bytes, which for whole KiB prints as "Ki".</summary>
    public static string FormatMemory(long bytes) => bytes % 1024 == 0 ? $"{bytes / 1024}Ki" : $"{bytes}";

    /// <summary>The quantity in nano-units (nanocores), or with <paramref name="bytes"/> in whole units; null if unset.</summary>
    private static long? Resource(JsonObject container, string path, bool bytes = false) =>
        JsonPaths.String(container, "resources." + path) is { } text && Quantity.TryParse(text, out var q)
            ? (long)(bytes ? q.Nanos / 1_000_000_000 : q.Nanos)
            : null;

    /// <summary>Keeps the canonical form in the expected unit: a multiple of 1000n would print as "u"/"m", of 1Mi as "Mi".</summary>
    private static long NotRound(long value, long unit) => value % unit == 0 ? value + (unit == 1000 ? 7 : 3 * 1024) : value;
}
