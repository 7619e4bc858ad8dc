using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Telemetry;

/// <summary>
/// A scenario's "logs" entry: which containers it applies to (every given criterion must match; "pod" may end in "*"
/// for a prefix) and the line templates they print. Templates start with a level (INFO, WARN, ERROR, DEBUG, FATAL) and
/// may use {ms} {path} {id} {n} {container} {image} {exitCode} {message} {limit}.
/// </summary>
internal sealed record LogRule(string? Namespace, string? Pod, string? Container, string? Image,
    IReadOnlyList<string> Lines, IReadOnlyList<string> LastLines)
{
    public bool Matches(string ns, string pod, string container, string image) =>
        (Namespace is null || Namespace == ns) &&
        (Container is null || Container == container) &&
        (Image is null || Image == image) &&
        (Pod is null || (Pod.EndsWith('*') ? pod.StartsWith(Pod[..^1], StringComparison.Ordinal) : Pod == pod));
}

/// <summary>A usage override: exact for one container ("ns/pod/container" key), or a per-image default (jittered a little per container).</summary>
internal sealed record UsageOverride(long? NanoCores, long? Bytes);

/// <summary>
/// What the loaded scenarios say about synthetic logs and metrics ("logs", "metrics" keys), plus the images that
/// crash (their containers log errors and die). Later scenarios win over the ones they include.
/// </summary>
internal sealed class ScenarioTelemetry
{
    private readonly List<LogRule> _logRules = [];
    private readonly Dictionary<string, UsageOverride> _containerUsage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UsageOverride> _imageUsage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _crashingImages = new(StringComparer.Ordinal);

    public IReadOnlyList<LogRule> LogRules => _logRules;

    public void AddCrashingImage(string image) => _crashingImages[image] = true;

    public bool IsCrashing(string image) => _crashingImages.ContainsKey(image);

    /// <summary>Reads one scenario file's "logs" and "metrics" keys (called in load order: includes first).</summary>
    public void Read(JsonObject scenario, string path)
    {
        foreach (var entry in (scenario["logs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            static IReadOnlyList<string> Strings(JsonNode? n) => (n as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToList();
            var lines = Strings(entry["lines"]);
            var last = Strings(entry["lastLines"]);
            if (lines.Count == 0 && last.Count == 0)
            {
                throw new InvalidDataException($"{path}: a logs entry needs \"lines\" or \"lastLines\"");
            }
            // Later entries take precedence: they are searched first.
            _logRules.Insert(0, new LogRule(JsonPaths.String(entry, "namespace"), JsonPaths.String(entry, "pod"),
                JsonPaths.String(entry, "container"), JsonPaths.String(entry, "image"), lines, last));
        }
        if (scenario["metrics"] is JsonObject metrics)
        {
            foreach (var (key, value) in metrics)
            {
                if (value is not JsonObject usage)
                {
                    throw new InvalidDataException($"{path}: metrics \"{key}\" must be an object with cpu and/or memory");
                }
                {
                    var parsed = new UsageOverride(
                        JsonPaths.String(usage, "cpu") is { } cpu ? (long)ParseQuantity(cpu, key, path).Nanos : null,
                        JsonPaths.String(usage, "memory") is { } memory ? (long)(ParseQuantity(memory, key, path).Nanos / 1_000_000_000) : null);
                    // Image references contain ':' or '@' ("repo:tag"); container keys are "ns/pod/container".
                    if (key.Contains(':') || key.Contains('@'))
                    {
                        _imageUsage[key] = parsed;
                    }
                    else if (key.Split('/').Length == 3)
                    {
                        _containerUsage[key] = parsed;
                    }
                    else
                    {
                        throw new InvalidDataException($"{path}: metrics key \"{key}\" is neither \"ns/pod/container\" nor an image \"repo:tag\"");
                    }
                }
            }
        }
    }

    private static Quantity ParseQuantity(string text, string key, string path) =>
        Quantity.TryParse(text, out var q) ? q : throw new InvalidDataException($"{path}: metrics \"{key}\": \"{text}\" is not a quantity");

    public LogRule? FindLogRule(string ns, string pod, string container, string image) =>
        _logRules.FirstOrDefault(r => r.Matches(ns, pod, container, image));

    public UsageOverride? ContainerUsage(string ns, string pod, string container) =>
        _containerUsage.GetValueOrDefault($"{ns}/{pod}/{container}");

    public UsageOverride? ImageUsage(string image) => _imageUsage.GetValueOrDefault(image);
}
