using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;
using Seekapa.Ops.Sandbox.Telemetry;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics for Running pods (their running containers) and
/// NodeMetrics (the pods on the node plus system overhead), computed on request from the store; get and list with
/// labelSelector (and metadata.name/namespace field selectors).
/// </summary>
internal sealed class MetricsEndpoints(ResourceService service, SyntheticMetrics metrics)
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    private const string ApiVersion = Group + "/" + Version;

    /// <summary>The discovery entries; registered only when metrics are enabled, so they are absent otherwise.</summary>
    public static void Register(ResourceRegistry registry)
    {
        registry.Add(new ResourceDefinition
        {
            Group = Group, Version = Version, Plural = "nodes", Singular = "", Kind = "NodeMetrics",
            Namespaced = false, Verbs = ["get", "list"], Subresources = [],
        });
        registry.Add(new ResourceDefinition
        {
            Group = Group, Version = Version, Plural = "pods", Singular = "", Kind = "PodMetrics",
            Namespaced = true, Verbs = ["get", "list"], Subresources = [],
        });
    }

    public async Task HandleAsync(HttpContext context, RequestInfo info, ResourceDefinition resource)
    {
        if (info.Subresource.Length > 0)
        {
            throw ApiException.NoRoute();
        }
        if (info.Verb is not ("get" or "list"))
        {
            throw ApiException.MethodNotAllowed();
        }
        var now = service.Time.GetUtcNow();
        var selector = LabelSelector.Parse(NullIfEmpty(context.Request.Query["labelSelector"].ToString()));
        FieldSelector? fields = null;
        if (context.Request.Query["fieldSelector"].ToString() is { Length: > 0 } fs)
        {
            fields = FieldSelector.TryParse(fs, out var parsed) ? parsed : throw ApiException.BadRequest($"invalid field selector: {fs}");
        }
        var isPods = resource.Plural == "pods";
        var items = isPods ? PodMetrics(info.Namespace, now) : NodeMetrics(now);
        if (info.Verb == "get" && info.NameInPath)
        {
            var item = items.FirstOrDefault(i => JsonPaths.String(i, "metadata.name") == info.Name);
            if (item is null)
            {
                if (isPods && service.Store.Get(service.Registry.Find("", "v1", "pods")!, info.Namespace, info.Name) is null)
                {
                    throw ApiException.NotFound(service.Registry.Find("", "v1", "pods")!, info.Name);
                }
                throw ApiException.NotFound(resource, info.Name);
            }
            await ResponseWriter.WriteJsonAsync(context, item);
            return;
        }
        var selected = items.Where(i => selector.Matches(Labels(i)) && (fields is null || fields.Matches(FieldValues(i)))).ToList();
        await ResponseWriter.WriteJsonAsync(context, new JsonObject
        {
            ["kind"] = resource.ListKind,
            ["apiVersion"] = ApiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(selected.Select(i => (JsonNode)i).ToArray()),
        });
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static Dictionary<string, string> Labels(JsonObject item) =>
        (JsonPaths.Find(item, "metadata.labels") as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "");

    private static Dictionary<string, string> FieldValues(JsonObject item) => new()
    {
        ["metadata.name"] = JsonPaths.String(item, "metadata.name") ?? "",
        ["metadata.namespace"] = JsonPaths.String(item, "metadata.namespace") ?? "",
    };

    /// <summary>The last scrape: metrics-server scrapes on a resolution (15s) and reports the window it averaged over.</summary>
    private static string ScrapeTime(DateTimeOffset now) =>
        JsonPaths.FormatTime(DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 15 * 15));

    private List<JsonObject> PodMetrics(string ns, DateTimeOffset now)
    {
        var result = new List<JsonObject>();
        foreach (var (pod, usage) in RunningPods(ns.Length > 0 ? ns : null))
        {
            var metadata = new JsonObject
            {
                ["name"] = JsonPaths.String(pod, "metadata.name"),
                ["namespace"] = JsonPaths.String(pod, "metadata.namespace"),
                ["creationTimestamp"] = JsonPaths.FormatTime(now),
            };
            if (JsonPaths.Find(pod, "metadata.labels") is JsonObject labels)
            {
                metadata["labels"] = labels.DeepClone();
            }
            result.Add(new JsonObject
            {
                ["kind"] = "PodMetrics",
                ["apiVersion"] = ApiVersion,
                ["metadata"] = metadata,
                ["timestamp"] = ScrapeTime(now),
                ["window"] = "15s",
                ["containers"] = new JsonArray(usage.Select(u => (JsonNode)new JsonObject
                {
                    ["name"] = u.Name,
                    ["usage"] = new JsonObject
                    {
                        ["cpu"] = SyntheticMetrics.FormatCpu(u.NanoCores),
                        ["memory"] = SyntheticMetrics.FormatMemory(u.Bytes),
                    },
                }).ToArray()),
            });
        }
        return result;
    }

    /// <summary>Running pods with at least one running container, and those containers' usage.</summary>
    private IEnumerable<(JsonObject Pod, List<(string Name, long NanoCores, long Bytes)> Usage)> RunningPods(string? ns)
    {
        var snapshot = service.Store.Snapshot(service.Registry.Find("", "v1", "pods")!);
        var (start, end) = snapshot.Range(ns);
        for (var i = start; i < end; i++)
        {
            var pod = snapshot.Items[i].ToJsonObject();
            if (JsonPaths.String(pod, "status.phase") != "Running")
            {
                continue;
            }
            var running = (JsonPaths.Find(pod, "status.containerStatuses") as JsonArray ?? []).OfType<JsonObject>()
                .Where(s => JsonPaths.Find(s, "state.running") is JsonObject)
                .Select(s => JsonPaths.String(s, "name"))
                .ToHashSet();
            var usage = (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>()
                .Where(c => running.Contains(JsonPaths.String(c, "name")))
                .Select(c =>
                {
                    var (cpu, bytes) = metrics.Usage(snapshot.Items[i].Namespace, snapshot.Items[i].Name, c);
                    return (JsonPaths.String(c, "name") ?? "", cpu, bytes);
                })
                .ToList();
            if (usage.Count > 0)
            {
                yield return (pod, usage);
            }
        }
    }

    private List<JsonObject> NodeMetrics(DateTimeOffset now)
    {
        var perNode = new Dictionary<string, (long Cpu, long Bytes)>(StringComparer.Ordinal);
        foreach (var (pod, usage) in RunningPods(null))
        {
            var node = JsonPaths.String(pod, "spec.nodeName") ?? "";
            var (cpu, bytes) = perNode.GetValueOrDefault(node);
            perNode[node] = (cpu + usage.Sum(u => u.NanoCores), bytes + usage.Sum(u => u.Bytes));
        }
        var result = new List<JsonObject>();
        foreach (var node in service.Store.Snapshot(service.Registry.Find("", "v1", "nodes")!).Items)
        {
            var (cpu, bytes) = perNode.GetValueOrDefault(node.Name);
            var json = node.ToJsonObject();
            var metadata = new JsonObject { ["name"] = node.Name, ["creationTimestamp"] = JsonPaths.FormatTime(now) };
            if (JsonPaths.Find(json, "metadata.labels") is JsonObject labels)
            {
                metadata["labels"] = labels.DeepClone();
            }
            result.Add(new JsonObject
            {
                ["kind"] = "NodeMetrics",
                ["apiVersion"] = ApiVersion,
                ["metadata"] = metadata,
                ["timestamp"] = ScrapeTime(now),
                ["window"] = "20.05s",
                ["usage"] = new JsonObject
                {
                    // The kubelet, the runtime and the OS use some of the node too.
                    ["cpu"] = SyntheticMetrics.FormatCpu(cpu + 187_654_321),
                    ["memory"] = SyntheticMetrics.FormatMemory(bytes + 1_288_490_188 / 1024 * 1024),
                },
            });
        }
        return result;
    }
}
