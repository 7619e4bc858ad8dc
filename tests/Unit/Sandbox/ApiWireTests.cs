using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The wire protocol as raw HTTP: discovery, Table responses, Status errors, watch framing.</summary>
public sealed class ApiWireTests : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    private readonly UnhealthySandboxFixture _sandbox;
    private readonly HttpClient _http;

    public ApiWireTests(UnhealthySandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Code, JsonNode Body, HttpResponseMessage Response)> Get(string path, string? accept = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        var response = await (client ?? _http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!, response);
    }

    [Fact]
    public async Task VersionAndLegacyDiscovery()
    {
        var (_, version, _) = await Get("/version");
        Assert.Equal("v1.32.0-seekapa-sandbox", (string?)version["gitVersion"]);
        Assert.Equal("32", (string?)version["minor"]);

        var (_, api, _) = await Get("/api");
        Assert.Equal("APIVersions", (string?)api["kind"]);
        Assert.Equal("v1", (string?)api["versions"]![0]);

        var (_, apis, _) = await Get("/apis");
        Assert.Equal("APIGroupList", (string?)apis["kind"]);
        var apps = apis["groups"]!.AsArray().Single(g => (string?)g!["name"] == "apps")!;
        Assert.Equal("apps/v1", (string?)apps["preferredVersion"]!["groupVersion"]);
        Assert.Contains(apis["groups"]!.AsArray(), g => (string?)g!["name"] == "batch");

        var (_, core, _) = await Get("/api/v1");
        var pods = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods")!;
        Assert.Equal("Pod", (string?)pods["kind"]);
        Assert.True((bool)pods["namespaced"]!);
        Assert.Equal(["po"], pods["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("watch", pods["verbs"]!.AsArray().Select(v => (string?)v));

        var (_, appsV1, _) = await Get("/apis/apps/v1");
        Assert.Equal("apps/v1", (string?)appsV1["groupVersion"]);
        Assert.Equal(["deploy"], appsV1["resources"]!.AsArray().Single(r => (string?)r!["name"] == "deployments")!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["rs"], appsV1["resources"]!.AsArray().Single(r => (string?)r!["name"] == "replicasets")!["shortNames"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task AggregatedDiscoveryWhenAskedFor()
    {
        const string accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        var (_, body, response) = await Get("/apis", accept);
        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("APIGroupDiscoveryList", (string?)body["kind"]);
        var apps = body["items"]!.AsArray().Single(g => (string?)g!["metadata"]!["name"] == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "deployments")!;
        Assert.Equal("Namespaced", (string?)deployments["scope"]);
        Assert.Equal("Deployment", (string?)deployments["responseKind"]!["kind"]);

        var (_, core, _) = await Get("/api", accept);
        var namespaces = core["items"]![0]!["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "namespaces")!;
        Assert.Equal("Cluster", (string?)namespaces["scope"]);
    }

    [Fact]
    public async Task PodTableHasKubectlsColumnsAndPartialObjectMetadata()
    {
        var (code, table, _) = await Get("/api/v1/namespaces/seekapa-production/pods?labelSelector=app%3Dpostgres", TableAccept);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        var columns = table["columnDefinitions"]!.AsArray();
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], columns.Select(c => (string?)c!["name"]));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], columns.Select(c => (int)c!["priority"]!));
        var row = Assert.Single(table["rows"]!.AsArray())!;
        Assert.Equal(["postgres-0", "1/1", "Running", "0", "21d", "10.244.0.9", "aks-nodepool1-31718369-vmss000000", "<none>", "<none>"],
            row["cells"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
        Assert.Equal("postgres-0", (string?)row["object"]!["metadata"]!["name"]);
        Assert.Null(row["object"]!["spec"]);

        var (_, none, _) = await Get("/api/v1/namespaces/seekapa-production/pods/postgres-0?includeObject=None", TableAccept);
        Assert.Null(none["rows"]![0]!["object"]);
        var (_, full, _) = await Get("/api/v1/namespaces/seekapa-production/pods/postgres-0?includeObject=Object", TableAccept);
        Assert.Equal("Running", (string?)full["rows"]![0]!["object"]!["status"]!["phase"]);
    }

    [Fact]
    public async Task FinishedPodsCarryTheCompletedRowCondition()
    {
        var (_, table, _) = await Get("/api/v1/namespaces/seekapa-production/pods?fieldSelector=metadata.name%3Ddb-backup-28915200-xk2lp", TableAccept);
        var condition = table["rows"]![0]!["conditions"]![0]!;
        Assert.Equal("Completed", (string?)condition["type"]);
        Assert.Equal("Succeeded", (string?)condition["reason"]);
    }

    [Fact]
    public async Task GenericTableForResourcesWithoutAPrinter()
    {
        // DaemonSets have no printer (StatefulSets gained kubectl's columns with their controller).
        var (_, table, _) = await Get("/apis/apps/v1/namespaces/kube-system/daemonsets", TableAccept);
        Assert.Equal(["Name", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(["kube-proxy", "400d"], table["rows"]![0]!["cells"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task ErrorsAreKubernetesStatusObjects()
    {
        var (code, missing, _) = await Get("/api/v1/namespaces/seekapa-production/pods/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("pods \"nope\" not found", (string?)missing["message"]);
        Assert.Equal("NotFound", (string?)missing["reason"]);
        Assert.Equal("pods", (string?)missing["details"]!["kind"]);
        Assert.Equal("Failure", (string?)missing["status"]);

        var (deployCode, deploy, _) = await Get("/apis/apps/v1/namespaces/seekapa-production/deployments/nope");
        Assert.Equal(HttpStatusCode.NotFound, deployCode);
        Assert.Equal("deployments.apps \"nope\" not found", (string?)deploy["message"]);
        Assert.Equal("apps", (string?)deploy["details"]!["group"]);

        using var anonymous = SandboxClients.Http(_sandbox.Server, token: null);
        var (unauthorized, status, _) = await Get("/api/v1/pods", client: anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized);
        Assert.Equal("Unauthorized", (string?)status["reason"]);

        var (unknown, _, _) = await Get("/api/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task CreateValidatesNamesNamespacesAndDuplicates()
    {
        async Task<(HttpStatusCode, JsonNode)> Post(string path, JsonObject body)
        {
            using var content = new StringContent(body.ToJsonString(), new MediaTypeHeaderValue("application/json"));
            var response = await _http.PostAsync(path, content);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        var (invalid, invalidBody) = await Post("/api/v1/namespaces/seekapa-production/pods", KubectlAcceptanceTests.Probe("Bad_Name", "x"));
        Assert.Equal((HttpStatusCode)422, invalid);
        Assert.Equal("Invalid", (string?)invalidBody["reason"]);
        Assert.StartsWith("Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", (string?)invalidBody["message"], StringComparison.Ordinal);
        Assert.Equal("metadata.name", (string?)invalidBody["details"]!["causes"]![0]!["field"]);

        var (noNamespace, noNamespaceBody) = await Post("/api/v1/namespaces/missing/pods", KubectlAcceptanceTests.Probe("p", "x", "missing"));
        Assert.Equal(HttpStatusCode.NotFound, noNamespace);
        Assert.Equal("namespaces \"missing\" not found", (string?)noNamespaceBody["message"]);

        var (exists, existsBody) = await Post("/api/v1/namespaces/seekapa-production/pods", KubectlAcceptanceTests.Probe("postgres-0", "x"));
        Assert.Equal(HttpStatusCode.Conflict, exists);
        Assert.Equal("AlreadyExists", (string?)existsBody["reason"]);

        var generated = KubectlAcceptanceTests.Probe("", "generated");
        generated["metadata"]!.AsObject().Remove("name");
        generated["metadata"]!["generateName"] = "gen-";
        var (created, createdBody) = await Post("/api/v1/namespaces/seekapa-production/pods", generated);
        Assert.Equal(HttpStatusCode.Created, created);
        var name = (string)createdBody["metadata"]!["name"]!;
        Assert.Matches("^gen-[a-z0-9]{5}$", name);
        Assert.False(string.IsNullOrEmpty((string?)createdBody["metadata"]!["uid"]));
        Assert.False(string.IsNullOrEmpty((string?)createdBody["metadata"]!["creationTimestamp"]));
        Assert.Equal("Pending", (string?)createdBody["status"]!["phase"]);
        Assert.Equal("Always", (string?)createdBody["spec"]!["restartPolicy"]);
        await _sandbox.Server.DeleteAsync("pods", "seekapa-production", name);
    }

    [Fact]
    public async Task WatchStreamsNewlineDelimitedEventsAndHonoursTimeoutSeconds()
    {
        var rv = _sandbox.Server.ResourceVersion;
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/api/v1/namespaces/seekapa-production/pods?watch=1&labelSelector=app%3Dwire-watch&resourceVersion={rv}&timeoutSeconds=2");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        await _sandbox.Server.CreateAsync("pods", KubectlAcceptanceTests.Probe("wire-watch-1", "wire-watch"));
        var added = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("ADDED", (string?)added["type"]);
        Assert.Equal("wire-watch-1", (string?)added["object"]!["metadata"]!["name"]);

        await _sandbox.Server.DeleteAsync("pods", "seekapa-production", "wire-watch-1");
        var deleted = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("DELETED", (string?)deleted["type"]);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await reader.ReadLineAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the watch ended at timeoutSeconds");
    }

    [Fact]
    public async Task TableWatchWrapsEachObjectInATable()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/seekapa-production/pods?watch=true&labelSelector=app%3Dredis&timeoutSeconds=1");
        request.Headers.TryAddWithoutValidation("Accept", TableAccept);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var e = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("ADDED", (string?)e["type"]);
        Assert.Equal("Table", (string?)e["object"]!["kind"]);
        Assert.Equal(9, e["object"]!["columnDefinitions"]!.AsArray().Count);
        Assert.Equal("redis-5b6c7d8f9c-t7q2v", (string?)e["object"]!["rows"]![0]!["cells"]![0]);
    }

    [Fact]
    public async Task ViewerMayReadDiscoveryButNotOtherResources()
    {
        using var viewer = SandboxClients.Http(_sandbox.Server, _sandbox.Server.ViewerToken);
        var (ok, _, _) = await Get("/api/v1", client: viewer);
        Assert.Equal(HttpStatusCode.OK, ok);
        var (forbidden, body, _) = await Get("/api/v1/namespaces", client: viewer);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("namespaces is forbidden: User \"viewer\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", (string?)body["message"]);
        Assert.Equal("namespaces", (string?)body["details"]!["kind"]);
    }

    [Fact]
    public async Task WatchFromACompactedResourceVersionGetsAnExpiredErrorEvent()
    {
        await using var small = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty", WatchHistorySize = 3 });
        for (var i = 0; i < 5; i++)
        {
            await small.CreateAsync("pods", KubectlAcceptanceTests.Probe($"p{i}", "x"));
        }
        using var http = SandboxClients.Http(small, small.AdminToken);
        using var response = await http.GetAsync("/api/v1/pods?watch=true&resourceVersion=2", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = JsonNode.Parse(Assert.Single(lines))!;
        Assert.Equal("ERROR", (string?)error["type"]);
        Assert.Equal(410, (int?)error["object"]!["code"]);
        Assert.Equal("Expired", (string?)error["object"]!["reason"]);
        Assert.StartsWith("too old resource version: 2", (string?)error["object"]!["message"], StringComparison.Ordinal);
    }
}
