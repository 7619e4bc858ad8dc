using System.Net;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>metrics.k8s.io/v1beta1 over real HTTP ('unhealthy' scenario): discovery, PodMetrics/NodeMetrics shapes, selectors.</summary>
public sealed class MetricsTests : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private const string Metrics = "/apis/metrics.k8s.io/v1beta1";
    private readonly UnhealthySandboxFixture _sandbox;
    private readonly HttpClient _http;

    public MetricsTests(UnhealthySandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> Ok(string path)
    {
        var (code, body) = await SandboxHttp.GetJsonAsync(_http, path);
        Assert.True(code == HttpStatusCode.OK, $"{code}: {body.ToJsonString()}");
        return body;
    }

    private static JsonNode Item(JsonNode list, string name) =>
        list["items"]!.AsArray().SingleOrDefault(i => (string?)i!["metadata"]!["name"] == name) ?? throw new Xunit.Sdk.XunitException($"no {name} in {list.ToJsonString()}");

    private static string[] Names(JsonNode list) => list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToArray();

    [Fact]
    public async Task DiscoveryListsTheMetricsGroupInBothFormats()
    {
        var apis = await Ok("/apis");
        var group = apis["groups"]!.AsArray().Single(g => (string?)g!["name"] == "metrics.k8s.io")!;
        Assert.Equal("metrics.k8s.io/v1beta1", (string?)group["preferredVersion"]!["groupVersion"]);

        var list = await Ok(Metrics);
        Assert.Equal("metrics.k8s.io/v1beta1", (string?)list["groupVersion"]);
        var pods = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods")!;
        Assert.Equal("PodMetrics", (string?)pods["kind"]);
        Assert.True((bool)pods["namespaced"]!);
        Assert.Equal(["get", "list"], pods["verbs"]!.AsArray().Select(v => (string?)v));
        var nodes = list["resources"]!.AsArray().Single(r => (string?)r!["name"] == "nodes")!;
        Assert.Equal("NodeMetrics", (string?)nodes["kind"]);
        Assert.False((bool)nodes["namespaced"]!);

        var (_, aggregated) = await SandboxHttp.GetJsonAsync(_http, "/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        var metrics = aggregated["items"]!.AsArray().Single(g => (string?)g!["metadata"]!["name"] == "metrics.k8s.io")!;
        Assert.Equal("v1beta1", (string?)metrics["versions"]![0]!["version"]);
        Assert.Contains(metrics["versions"]![0]!["resources"]!.AsArray(), r => (string?)r!["resource"] == "pods" && (string?)r["responseKind"]!["kind"] == "PodMetrics");
    }

    [Fact]
    public async Task PodMetricsHaveMetricsServersShapeForRunningPodsOnly()
    {
        var list = await Ok($"{Metrics}/namespaces/seekapa-production/pods");
        Assert.Equal("PodMetricsList", (string?)list["kind"]);
        Assert.Equal("metrics.k8s.io/v1beta1", (string?)list["apiVersion"]);
        var names = Names(list);
        Assert.Contains("postgres-0", names);
        Assert.Contains("backend-deployment-7c9b5d8f6b-q8m7n", names);
        // Crash-looping (no running container), pending, creating and evicted pods have no metrics.
        Assert.DoesNotContain("backend-deployment-7c9b5d8f6b-x4k2p", names);
        Assert.DoesNotContain(names, n => n.StartsWith("report-generator-", StringComparison.Ordinal) || n.StartsWith("search-indexer-", StringComparison.Ordinal) ||
                                          n == "frontend-deployment-6d8f7b9c5b-wq7zr" || n.StartsWith("db-backup-", StringComparison.Ordinal));

        var postgres = Item(list, "postgres-0");
        Assert.Equal("PodMetrics", (string?)postgres["kind"]);
        Assert.Equal("metrics.k8s.io/v1beta1", (string?)postgres["apiVersion"]);
        Assert.Equal("seekapa-production", (string?)postgres["metadata"]!["namespace"]);
        Assert.NotNull(postgres["metadata"]!["creationTimestamp"]);
        Assert.Equal("postgres", (string?)postgres["metadata"]!["labels"]!["app"]);
        Assert.Equal("15s", (string?)postgres["window"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)postgres["timestamp"]);
        var container = Assert.Single(postgres["containers"]!.AsArray())!;
        Assert.Equal("postgres", (string?)container["name"]);
        Assert.Matches(@"^[1-9]\d*n$", (string?)container["usage"]!["cpu"]);
        Assert.Matches(@"^[1-9]\d*Ki$", (string?)container["usage"]!["memory"]);

        // Deterministic: the same numbers every time.
        var again = await Ok($"{Metrics}/namespaces/seekapa-production/pods/postgres-0");
        Assert.Equal("PodMetrics", (string?)again["kind"]);
        Assert.Equal(postgres["containers"]!.ToJsonString(), again["containers"]!.ToJsonString());
    }

    [Fact]
    public async Task ScenarioOverridesPutTheOomStoryCloseToTheMemoryLimit()
    {
        var q8 = await Ok($"{Metrics}/namespaces/seekapa-production/pods/backend-deployment-7c9b5d8f6b-q8m7n");
        Assert.Equal("PodMetrics", (string?)q8["kind"]);
        var usage = q8["containers"]![0]!["usage"]!;
        Assert.Equal("712000000n", (string?)usage["cpu"]);
        Assert.Equal($"{1003 * 1024}Ki", (string?)usage["memory"]);

        // The per-image default (940Mi) jittered a little per replica.
        var z2 = await Ok($"{Metrics}/namespaces/seekapa-production/pods/backend-deployment-7c9b5d8f6b-z2v9t");
        var kib = long.Parse(((string)z2["containers"]![0]!["usage"]!["memory"]!).TrimEnd('K', 'i'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(kib, 940 * 1024 * 97 / 100, 940 * 1024 * 103 / 100);
    }

    [Fact]
    public async Task SelectorsSingleGetsAndAllNamespaces()
    {
        var backend = await Ok($"{Metrics}/namespaces/seekapa-production/pods?labelSelector=app%3Dbackend");
        Assert.NotEmpty(Names(backend));
        Assert.All(backend["items"]!.AsArray(), i => Assert.Equal("backend", (string?)i!["metadata"]!["labels"]!["app"]));

        var all = await Ok($"{Metrics}/pods");
        var namespaces = all["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["namespace"]).Distinct().ToList();
        Assert.Contains("kube-system", namespaces);
        Assert.Contains("monitoring", namespaces);
        var prometheus = all["items"]!.AsArray().Single(i => ((string)i!["metadata"]!["name"]!).StartsWith("prometheus-server-", StringComparison.Ordinal))!;
        Assert.Equal(["prometheus-server", "config-reloader"], prometheus["containers"]!.AsArray().Select(c => (string?)c!["name"]));

        var (code, missing) = await SandboxHttp.GetJsonAsync(_http, $"{Metrics}/namespaces/seekapa-production/pods/backend-deployment-7c9b5d8f6b-x4k2p");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("pods.metrics.k8s.io \"backend-deployment-7c9b5d8f6b-x4k2p\" not found", (string?)missing["message"]);
        var (gone, _) = await SandboxHttp.GetJsonAsync(_http, $"{Metrics}/namespaces/seekapa-production/pods/nope");
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task NodeMetricsSumThePodsOnEachNode()
    {
        var nodes = await Ok($"{Metrics}/nodes");
        Assert.Equal("NodeMetricsList", (string?)nodes["kind"]);
        Assert.Equal(3, nodes["items"]!.AsArray().Count);
        var node = nodes["items"]![0]!;
        Assert.Equal("NodeMetrics", (string?)node["kind"]);
        Assert.Matches(@"^\d+n$", (string?)node["usage"]!["cpu"]);
        Assert.Matches(@"^\d+Ki$", (string?)node["usage"]!["memory"]);
        var one = await Ok($"{Metrics}/nodes/{(string)node["metadata"]!["name"]!}");
        Assert.Equal((string?)node["usage"]!["memory"], (string?)one["usage"]!["memory"]);
    }

    [Fact]
    public async Task ViewerMayReadPodMetricsInItsNamespace()
    {
        using var viewer = SandboxClients.Http(_sandbox.Server, _sandbox.Server.ViewerToken);
        var (code, _) = await SandboxHttp.GetJsonAsync(viewer, $"{Metrics}/namespaces/seekapa-production/pods");
        Assert.Equal(HttpStatusCode.OK, code);
        var (forbidden, _) = await SandboxHttp.GetJsonAsync(viewer, $"{Metrics}/pods");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }

    [Fact]
    public async Task DisabledMetricsAreAbsentFromDiscoveryAndNotFound()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "healthy", EnableMetrics = false, EnableControllers = false });
        using var http = SandboxClients.Http(server, server.AdminToken);
        var (_, apis) = await SandboxHttp.GetJsonAsync(http, "/apis");
        Assert.DoesNotContain(apis["groups"]!.AsArray(), g => (string?)g!["name"] == "metrics.k8s.io");
        var (_, aggregated) = await SandboxHttp.GetJsonAsync(http, "/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        Assert.DoesNotContain(aggregated["items"]!.AsArray(), g => (string?)g!["metadata"]!["name"] == "metrics.k8s.io");
        var (code, _, _) = await SandboxHttp.GetTextAsync(http, $"{Metrics}/namespaces/seekapa-production/pods");
        Assert.Equal(HttpStatusCode.NotFound, code);
        var (groupCode, _, _) = await SandboxHttp.GetTextAsync(http, Metrics);
        Assert.Equal(HttpStatusCode.NotFound, groupCode);
    }
}
