using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox.Telemetry;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// The fake Microsoft.Insights metrics API (specs/azure-arm.md "Azure Monitor metrics") for the resources the sandbox
/// knows: AKS clusters, the App Insights component seekapa-bi-insights (seeded here) and PostgreSQL flexible servers.
/// Values are synthetic but deterministic (a function of resource, metric and time stamp). As in Azure, the newest
/// interval has no data yet (ingestion delay), an unknown metric name fails the whole request with 400, and one AKS
/// metric, apiserver_current_inflight_requests, answers with a per-metric error inside the 200.
/// </summary>
internal sealed partial class MetricsRoutes : IArmRoutes
{
    public const string AppInsightsComponent = "seekapa-bi-insights";
    public const string FailingMetric = "apiserver_current_inflight_requests";
    private const int MaxPoints = 10_000;

    private sealed record Definition(string Name, string DisplayName, string Unit, double Base, double Swing, bool Counted = false);

    private static readonly Dictionary<string, (string Namespace, Definition[] Metrics)> Catalog = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.ContainerService/managedClusters"] = ("microsoft.containerservice/managedclusters",
        [
            new("node_cpu_usage_percentage", "CPU Usage Percentage", "Percent", 42, 18),
            new("node_memory_working_set_percentage", "Memory Working Set Percentage", "Percent", 63, 9),
            new("kube_pod_status_ready", "Number of pods in Ready state", "Count", 48, 3, Counted: true),
            new(FailingMetric, "Inflight Requests", "Count", 20, 5, Counted: true),
        ]),
        ["microsoft.insights/components"] = ("microsoft.insights/components",
        [
            new("requests/failed", "Failed requests", "Count", 4, 4, Counted: true),
            new("requests/count", "Server requests", "Count", 1200, 300, Counted: true),
            new("requests/duration", "Server response time", "MilliSeconds", 180, 60),
            new("exceptions/count", "Exceptions", "Count", 6, 5, Counted: true),
        ]),
        ["Microsoft.DBforPostgreSQL/flexibleServers"] = ("microsoft.dbforpostgresql/flexibleservers",
        [
            new("cpu_percent", "CPU percent", "Percent", 35, 25),
            new("memory_percent", "Memory percent", "Percent", 55, 10),
            new("active_connections", "Active Connections", "Count", 120, 40, Counted: true),
        ]),
    };

    private static readonly Dictionary<string, TimeSpan> Grains = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PT1M"] = TimeSpan.FromMinutes(1), ["PT5M"] = TimeSpan.FromMinutes(5), ["PT15M"] = TimeSpan.FromMinutes(15),
        ["PT30M"] = TimeSpan.FromMinutes(30), ["PT1H"] = TimeSpan.FromHours(1), ["PT6H"] = TimeSpan.FromHours(6),
        ["PT12H"] = TimeSpan.FromHours(12), ["P1D"] = TimeSpan.FromDays(1),
    };

    private readonly ArmWorld _world;

    public MetricsRoutes(ArmWorld world)
    {
        _world = world;
        var id = $"{world.ResourceGroupId}/providers/microsoft.insights/components/{AppInsightsComponent}";
        world.Resources[id] = new JsonObject
        {
            ["id"] = id,
            ["name"] = AppInsightsComponent,
            ["type"] = "microsoft.insights/components",
            ["location"] = "eastus",
            ["kind"] = "web",
            ["properties"] = new JsonObject
            {
                ["ApplicationId"] = AppInsightsComponent,
                ["Application_Type"] = "web",
                ["provisioningState"] = "Succeeded",
            },
        };
    }

    [GeneratedRegex(@"^(?<resource>/subscriptions/.+)/providers/Microsoft\.Insights/metrics$", RegexOptions.IgnoreCase)]
    private static partial Regex MetricsPath();

    [GeneratedRegex(@"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/microsoft\.insights/components/(?<name>[^/]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ComponentPath();

    public async Task<bool> TryHandleAsync(HttpContext context, ArmRequest request)
    {
        if (request.Method != HttpMethods.Get)
        {
            return false;
        }

        var match = MetricsPath().Match(request.Path);
        if (!match.Success)
        {
            if (ComponentPath().IsMatch(request.Path) && _world.Resources.TryGetValue(request.Path, out var component))
            {
                await ArmWorld.WriteJsonAsync(context, 200, component.DeepClone());
                return true;
            }

            return false;
        }

        var resourceId = match.Groups["resource"].Value;
        if (!_world.Resources.TryGetValue(resourceId, out var resource))
        {
            await ArmWorld.WriteErrorAsync(context, 404, "ResourceNotFound", $"The Resource '{resourceId}' was not found.");
            return true;
        }

        var type = resource["type"]?.GetValue<string>() ?? string.Empty;
        if (!Catalog.TryGetValue(type, out var catalog))
        {
            await ArmWorld.WriteErrorAsync(context, 400, "BadRequest", $"Resource type {type} has no metrics in the sandbox.");
            return true;
        }

        var error = Parse(request, out var names, out var grain, out var interval, out var start, out var end, out var aggregations);
        if (error is null)
        {
            var unknown = names.FirstOrDefault(n => !catalog.Metrics.Any(m => m.Name.Equals(n, StringComparison.OrdinalIgnoreCase)));
            if (unknown is not null)
            {
                var slash = type.IndexOf('/');
                error = $"Failed to find metric configuration for provider: {type[..slash]}, resource Type: {type[(slash + 1)..]}, metric: {unknown}, " +
                        $"Valid metrics: {string.Join(",", catalog.Metrics.Select(m => m.Name))}";
            }
        }

        if (error is not null)
        {
            await ArmWorld.WriteErrorAsync(context, 400, "BadRequest", error);
            return true;
        }

        var first = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % interval.Ticks), TimeSpan.Zero);
        var stamps = new List<DateTimeOffset>();
        for (var t = first; t < end; t += interval)
        {
            stamps.Add(t);
        }

        var values = new JsonArray();
        foreach (var name in names)
        {
            var definition = catalog.Metrics.First(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            values.Add(Metric(resourceId, definition, stamps, interval, aggregations));
        }

        await ArmWorld.WriteJsonAsync(context, 200, new JsonObject
        {
            ["cost"] = stamps.Count * names.Count,
            ["timespan"] = $"{Format(start)}/{Format(end)}",
            ["interval"] = grain,
            ["namespace"] = catalog.Namespace,
            ["resourceregion"] = resource["location"]?.GetValue<string>() ?? "eastus",
            ["value"] = values,
        });
        return true;
    }

    private string? Parse(ArmRequest request, out List<string> names, out string grain, out TimeSpan interval, out DateTimeOffset start,
        out DateTimeOffset end, out List<string> aggregations)
    {
        names = (request.Query["metricnames"].FirstOrDefault() ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        grain = request.Query["interval"].FirstOrDefault() ?? "PT1M";
        aggregations = (request.Query["aggregation"].FirstOrDefault() ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()).ToList();
        end = _world.Time.GetUtcNow();
        start = end.AddHours(-1);
        interval = TimeSpan.Zero;
        if (names.Count == 0)
        {
            return "The metricnames parameter is required.";
        }

        if (!Grains.TryGetValue(grain, out interval))
        {
            return $"Invalid interval '{grain}'. Supported: {string.Join(", ", Grains.Keys)}.";
        }

        if (aggregations.FirstOrDefault(a => a is not ("average" or "minimum" or "maximum" or "total" or "count")) is { } bad)
        {
            return $"Invalid aggregation '{bad}'.";
        }

        if (request.Query["timespan"].FirstOrDefault() is { Length: > 0 } timespan)
        {
            var parts = timespan.Split('/');
            if (parts.Length != 2
                || !DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start)
                || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end)
                || end <= start)
            {
                return $"Invalid timespan '{timespan}': expected START/END with END after START.";
            }
        }

        return (end - start).Ticks / interval.Ticks > MaxPoints ? $"The query asks for more than {MaxPoints} points per metric." : null;
    }

    private static JsonObject Metric(string resourceId, Definition definition, List<DateTimeOffset> stamps, TimeSpan interval,
        List<string> requested)
    {
        var aggregations = requested.Count > 0 ? requested : [definition.Counted ? "count" : "average"];
        var data = new JsonArray();
        for (var i = 0; i < stamps.Count; i++)
        {
            var point = new JsonObject { ["timeStamp"] = Format(stamps[i]) };
            // The newest interval has no data yet, as in Azure Monitor: a time stamp without any aggregation.
            if (i < stamps.Count - 1)
            {
                foreach (var (name, value) in Values(resourceId, definition, stamps[i], interval))
                {
                    if (aggregations.Contains(name))
                    {
                        point[name] = value;
                    }
                }
            }

            data.Add(point);
        }

        var failing = definition.Name == FailingMetric;
        var metric = new JsonObject
        {
            ["id"] = $"{resourceId}/providers/Microsoft.Insights/metrics/{definition.Name}",
            ["type"] = "Microsoft.Insights/metrics",
            ["name"] = new JsonObject { ["value"] = definition.Name, ["localizedValue"] = definition.DisplayName },
            ["displayDescription"] = definition.DisplayName,
            ["unit"] = definition.Unit,
            ["errorCode"] = failing ? "Throttled" : "Success",
            ["timeseries"] = failing ? new JsonArray() : new JsonArray(new JsonObject { ["metadatavalues"] = new JsonArray(), ["data"] = data }),
        };
        if (failing)
        {
            metric["errorMessage"] = "The metric store is throttling queries for this metric; try again later.";
        }

        return metric;
    }

    private static IEnumerable<(string Name, double Value)> Values(string resourceId, Definition definition, DateTimeOffset stamp, TimeSpan interval)
    {
        var random = StableRandom.Unit(StableRandom.Mix(StableRandom.Hash($"{resourceId.ToLowerInvariant()}|{definition.Name}|{stamp.ToUnixTimeSeconds()}")));
        var wave = Math.Sin(stamp.ToUnixTimeSeconds() / 600.0);
        var value = Math.Max(0, definition.Base + (definition.Swing * ((0.6 * wave) + (0.4 * ((2 * random) - 1)))));
        var minutes = Math.Max(1, interval.TotalMinutes);
        if (definition.Counted)
        {
            var count = Math.Round(value * (definition.Unit == "Count" && definition.Name.Contains('/') ? minutes : 1));
            yield return ("count", count);
            yield return ("total", count);
            yield return ("average", Math.Round(value, 2));
            yield return ("minimum", Math.Round(value * 0.8));
            yield return ("maximum", Math.Round(value * 1.25));
            yield break;
        }

        var cap = definition.Unit == "Percent" ? 100.0 : double.MaxValue;
        yield return ("average", Math.Round(Math.Min(cap, value), 2));
        yield return ("minimum", Math.Round(Math.Min(cap, value * 0.7), 2));
        yield return ("maximum", Math.Round(Math.Min(cap, value * 1.35), 2));
        yield return ("count", 4 * minutes);
        yield return ("total", Math.Round(Math.Min(cap, value) * 4 * minutes, 2));
    }

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
