using System.Globalization;
using System.Text;

namespace Seekapa.Ops.Sandbox.Telemetry;

/// <summary>One container instance whose log is asked for: when it ran, and how it ended (null: still running).</summary>
internal sealed record ContainerInstance(
    string Namespace, string Pod, string Container, string Image, string InstanceKey,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? ExitReason, int ExitCode, string? ExitMessage, long? MemoryLimitBytes);

/// <summary>
/// A container instance's synthetic log, computed line by line from a seed and an index: nothing is stored, any line
/// (and its timestamp) is O(1), so tail and since are cheap and 50 pods x 2,000 lines cost only their formatting.
/// The log has H "history" lines between startedAt and the sandbox start (a startup banner first), then - while the
/// container runs - live lines at <see cref="LiveRate"/> per second up to now; a terminated instance ends with its
/// exit lines (a crash, OOM warnings, or a clean shutdown).
/// </summary>
internal sealed class ContainerLog
{
    /// <summary>New lines per second of a running container (follow sees them arrive).</summary>
    public const double LiveRate = 2.0;

    private static readonly string[] Paths =
        ["/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/customers/{id}", "/api/v1/products", "/api/v1/cart", "/healthz", "/api/v1/payments", "/api/v1/search?q=shoes"];

    private readonly ContainerInstance _instance;
    private readonly IReadOnlyList<string> _lines;
    private readonly IReadOnlyList<string> _banner;
    private readonly IReadOnlyList<string> _exit;
    private readonly ulong _seed;
    private readonly int _history;
    private readonly DateTimeOffset _historyEnd;
    private readonly DateTimeOffset _exitStart;
    private readonly TimeSpan _exitStep;

    public ContainerLog(ContainerInstance instance, ScenarioTelemetry telemetry, int historyLines, DateTimeOffset serverStart)
    {
        _instance = instance;
        _seed = StableRandom.Hash($"{instance.Namespace}/{instance.Pod}/{instance.Container}/{instance.InstanceKey}");
        var rule = telemetry.FindLogRule(instance.Namespace, instance.Pod, instance.Container, instance.Image);
        var crashing = telemetry.IsCrashing(instance.Image);
        _lines = rule is { Lines.Count: > 0 } ? rule.Lines : crashing ? CrashingLines : DefaultLines(instance.Image, instance.Container);
        _banner =
        [
            "INFO  Starting {container} ({image})",
            "INFO  Configuration loaded from /app/config (environment: Production)",
            "INFO  Now listening on: http://0.0.0.0:8080",
            "INFO  Application started. Press Ctrl+C to shut down.",
        ];
        _exit = instance.FinishedAt is null
            ? []
            : rule is { LastLines.Count: > 0 } && instance.ExitReason != "Completed" ? rule.LastLines : ExitLines(instance);

        var end = instance.FinishedAt ?? serverStart;
        if (end < instance.StartedAt)
        {
            end = instance.StartedAt;
        }
        // Short-lived instances print fewer lines than long-running ones (at most 50 a second), never fewer than the banner + exit.
        var span = end - instance.StartedAt;
        var wanted = (int)Math.Min(historyLines, Math.Max(span.TotalSeconds * 50, _banner.Count + 2));
        _history = Math.Max(Math.Min(historyLines, wanted), 0) + _exit.Count;
        var exitWindow = _exit.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(200 * _exit.Count, span.TotalMilliseconds / 2));
        _historyEnd = end - exitWindow;
        _exitStart = _historyEnd;
        _exitStep = _exit.Count == 0 ? TimeSpan.Zero : exitWindow / (_exit.Count + 1);
        Running = instance.FinishedAt is null;
        LiveStart = end;
    }

    public bool Running { get; }

    /// <summary>When live lines start (the sandbox start, or the instance's own start if later).</summary>
    public DateTimeOffset LiveStart { get; }

    /// <summary>How many lines exist at <paramref name="now"/>.</summary>
    public long CountAt(DateTimeOffset now)
    {
        if (!Running || now <= LiveStart)
        {
            return _history;
        }
        var elapsed = (now - LiveStart).TotalSeconds * LiveRate;
        var whole = (long)Math.Floor(elapsed);
        var count = _history + whole;
        // Line number `whole` may already be out too: it is due somewhere inside its slot.
        return TimeOf(count) <= now ? count + 1 : count;
    }

    public DateTimeOffset TimeOf(long index)
    {
        var frac = 0.05 + 0.9 * StableRandom.Unit(StableRandom.Mix(_seed ^ (ulong)index * 0x9E3779B97F4A7C15UL));
        if (index >= _history)
        {
            var j = index - _history;
            return LiveStart + TimeSpan.FromSeconds((j + frac) / LiveRate);
        }
        var regular = _history - _exit.Count;
        if (index >= regular)
        {
            return _exitStart + _exitStep * (index - regular + 1);
        }
        var span = _historyEnd - _instance.StartedAt;
        if (index < _banner.Count)
        {
            // The banner is printed within the first second.
            var bannerStep = TimeSpan.FromMilliseconds(Math.Min(150, span.TotalMilliseconds / (regular + 1)));
            return _instance.StartedAt + bannerStep * (index + frac);
        }
        var bannerEnd = _instance.StartedAt + TimeSpan.FromMilliseconds(Math.Min(150, span.TotalMilliseconds / (regular + 1))) * _banner.Count;
        var rest = _historyEnd - bannerEnd;
        var slots = regular - _banner.Count;
        return bannerEnd + rest * ((index - _banner.Count + frac) / slots);
    }

    /// <summary>The first index whose time is at or after <paramref name="since"/> (lines are in time order).</summary>
    public long FirstAtOrAfter(DateTimeOffset since, long count)
    {
        long lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (TimeOf(mid) < since)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Line <paramref name="index"/> (without the newline) and its timestamp, in the application's own format.</summary>
    public (DateTimeOffset Time, string Text) Line(long index)
    {
        var time = TimeOf(index);
        var random = StableRandom.Mix(_seed + (ulong)index * 0xBF58476D1CE4E5B9UL);
        var regular = _history - _exit.Count;
        string template;
        if (index >= _history)
        {
            template = _lines[(int)(random % (ulong)_lines.Count)];
        }
        else if (index >= regular)
        {
            template = _exit[(int)(index - regular)];
        }
        else if (index < _banner.Count)
        {
            template = _banner[(int)index];
        }
        else
        {
            template = _lines[(int)(random % (ulong)_lines.Count)];
        }
        var sb = new StringBuilder(96);
        sb.Append(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        Expand(sb, template, StableRandom.Mix(random));
        return (time, sb.ToString());
    }

    /// <summary>The kubelet's timestamps=true prefix: RFC3339 with nanoseconds, fixed width.</summary>
    public static string KubeletTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    private void Expand(StringBuilder sb, string template, ulong random)
    {
        // A leading level word is padded to five characters, as the line format aligns them.
        var space = template.IndexOf(' ');
        var start = 0;
        if (space > 0 && template[..space] is "INFO" or "WARN" or "ERROR" or "DEBUG" or "FATAL" or "TRACE")
        {
            sb.Append(template.AsSpan(0, space).ToString().PadRight(5)).Append(' ');
            start = space + 1;
            while (start < template.Length && template[start] == ' ')
            {
                start++;
            }
        }
        for (var i = start; i < template.Length; i++)
        {
            var c = template[i];
            var close = c == '{' ? template.IndexOf('}', i) : -1;
            if (close < 0)
            {
                sb.Append(c);
                continue;
            }
            var name = template[(i + 1)..close];
            random = StableRandom.Mix(random);
            switch (name)
            {
                case "ms": sb.Append(3 + (int)(random % 220)); break;
                case "id": sb.Append(10000 + (int)(random % 90000)); break;
                case "n": sb.Append(1 + (int)(random % 500)); break;
                case "path":
                    var path = Paths[(int)(random % (ulong)Paths.Length)];
                    Expand(sb, path, StableRandom.Mix(random));
                    break;
                case "container": sb.Append(_instance.Container); break;
                case "image": sb.Append(_instance.Image); break;
                case "exitCode": sb.Append(_instance.ExitCode); break;
                case "message": sb.Append(_instance.ExitMessage ?? "Unhandled exception"); break;
                case "limit": sb.Append(_instance.MemoryLimitBytes is { } l ? $"{l / 1048576}Mi" : "unlimited"); break;
                default: sb.Append('{').Append(name).Append('}'); break;
            }
            i = close;
        }
    }

    private static readonly string[] CrashingLines =
    [
        "INFO  GET {path} 200 {ms}ms",
        "INFO  GET {path} 200 {ms}ms",
        "ERROR GET /api/v1/orders 503 Service Unavailable: upstream connect error or disconnect/reset before headers",
        "ERROR POST /api/v1/payments 503 Service Unavailable: upstream connect error",
        "ERROR Unhandled exception: NullReferenceException at OrderService.Load",
        "WARN  Retrying call to inventory-service (attempt 3/3)",
        "ERROR GET {path} 500 Internal Server Error {ms}ms",
    ];

    private static IReadOnlyList<string> DefaultLines(string image, string container)
    {
        var name = $"{image} {container}";
        if (name.Contains("postgres", StringComparison.Ordinal))
        {
            return
            [
                "INFO  checkpoint starting: time",
                "INFO  checkpoint complete: wrote {n} buffers; write={ms} ms",
                "INFO  connection authorized: user=seekapa database=seekapa",
                "INFO  automatic vacuum of table \"seekapa.public.orders\": index scans: 1",
                "WARN  duration: 1{ms} ms  statement: SELECT * FROM orders WHERE customer_id = {id}",
            ];
        }
        if (name.Contains("redis", StringComparison.Ordinal))
        {
            return
            [
                "INFO  {n} changes in 300 seconds. Saving...",
                "INFO  Background saving started by pid {id}",
                "INFO  DB saved on disk",
                "INFO  Background saving terminated with success",
            ];
        }
        if (name.Contains("frontend", StringComparison.Ordinal) || name.Contains("nginx", StringComparison.Ordinal))
        {
            return
            [
                "INFO  GET / 200 {ms}ms",
                "INFO  GET /static/js/main.{id}.js 200 {ms}ms",
                "INFO  GET /static/css/main.{id}.css 200 {ms}ms",
                "INFO  GET /favicon.ico 304 1ms",
                "WARN  GET /assets/missing.png 404 2ms",
            ];
        }
        return
        [
            "INFO  GET {path} 200 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  POST /api/v1/orders 201 {ms}ms",
            "INFO  GET /healthz 200 1ms",
            "INFO  GET {path} 200 {ms}ms",
            "DEBUG Cache hit ratio 0.9{n}",
            "WARN  Slow request GET {path} took 1{ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  GET {path} 304 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  PUT /api/v1/cart 200 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "INFO  DELETE /api/v1/cart/{id} 204 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "WARN  GET /api/v1/customers/{id} 404 {ms}ms",
            "INFO  GET {path} 200 {ms}ms",
            "ERROR GET {path} 500 Internal Server Error {ms}ms",
        ];
    }

    private static IReadOnlyList<string> ExitLines(ContainerInstance instance) => instance.ExitReason switch
    {
        "OOMKilled" =>
        [
            "WARN  GC heap usage at 88% of the container memory limit ({limit})",
            "WARN  Memory pressure high: gen2 collection did not free memory (working set 93% of {limit})",
            "WARN  Memory usage 97% of limit {limit}; request queue 512 deep, shedding load",
        ],
        "Completed" => ["INFO  Application is shutting down...", "INFO  Shutdown complete"],
        _ =>
        [
            "ERROR Unhandled exception: {message}",
            "FATAL Application terminated unexpectedly: exiting with code {exitCode}",
        ],
    };
}
