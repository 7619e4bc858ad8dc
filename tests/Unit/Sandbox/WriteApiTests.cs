using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>A fresh 'healthy' sandbox and a private kubectl cache for the write-path tests.</summary>
public sealed class WriteSandboxFixture : IAsyncLifetime
{
    private int _counter;

    public SandboxServer Server { get; private set; } = null!;

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("seekapa-kubectl-write-").FullName;

    // Write-API semantics (resourceVersions, 409s) are tested on a still store: no controllers writing status meanwhile.
    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "healthy", EnableControllers = false });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(CacheDir, recursive: true);
    }

    /// <summary>A name no other test in the class uses.</summary>
    public string Name(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}";

    public Task<KubectlResult> Kubectl(params string[] args) => Sandbox.Kubectl.RunAsync(Server, CacheDir, args);

    public static JsonObject Deployment(string name, int replicas = 2) => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"NAME","namespace":"default","labels":{"app":"NAME"}},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"NAME","tier":"api"}},
          "template":{"metadata":{"labels":{"app":"NAME","tier":"api"}},
           "spec":{"containers":[
             {"name":"app","image":"registry.example/app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "resources":{"limits":{"cpu":"1","memory":"1Gi"}}},
             {"name":"sidecar","image":"registry.example/sidecar:1"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();

    /// <summary>A scheduled pod (nodeName set), so deleting it is graceful like on a real cluster.</summary>
    public static JsonObject Pod(string name, int grace = 30) => JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","namespace":"default","labels":{"app":"NAME"}},
         "spec":{"nodeName":"aks-nodepool1-31718369-vmss000000","terminationGracePeriodSeconds":GRACE,
          "containers":[{"name":"app","image":"registry.example/app:1"}]},
         "status":{"phase":"Running"}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("GRACE", grace.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject();
}

/// <summary>PUT, PATCH (JSON / merge / strategic), /status, /scale and graceful DELETE over real HTTP.</summary>
public sealed class WriteApiTests : IClassFixture<WriteSandboxFixture>, IDisposable
{
    private const string Conflict = "the object has been modified; please apply your changes to the latest version and try again";
    private readonly WriteSandboxFixture _sandbox;
    private readonly HttpClient _http;

    public WriteApiTests(WriteSandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
    }

    public void Dispose() => _http.Dispose();

    private static string DeployPath(string name, string sub = "") => $"/apis/apps/v1/namespaces/default/deployments/{name}{sub}";

    private static string PodPath(string name, string sub = "") => $"/api/v1/namespaces/default/pods/{name}{sub}";

    private async Task<(HttpStatusCode Code, JsonObject Body)> Send(HttpMethod method, string path, string? body = null,
        string contentType = "application/json", HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await (client ?? _http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private Task<(HttpStatusCode Code, JsonObject Body)> Patch(string path, string type, string patch) =>
        Send(HttpMethod.Patch, path, patch, type switch
        {
            "json" => "application/json-patch+json",
            "merge" => "application/merge-patch+json",
            _ => "application/strategic-merge-patch+json",
        });

    private async Task<JsonObject> CreateDeployment(string name, int replicas = 2) =>
        await _sandbox.Server.CreateAsync("deployments", WriteSandboxFixture.Deployment(name, replicas));

    private async Task<JsonObject> Stored(string resource, string name) =>
        await _sandbox.Server.GetAsync(resource, "default", name) ?? throw new Xunit.Sdk.XunitException($"{name} is gone");

    // Spec and metadata only: a controller may write status (and so the resourceVersion) at any time.
    private static void AssertSameSpec(JsonObject expected, JsonObject actual)
    {
        Assert.Equal(expected["spec"]!.ToJsonString(), actual["spec"]!.ToJsonString());
        Assert.Equal(expected["metadata"]!["generation"]!.ToJsonString(), actual["metadata"]!["generation"]!.ToJsonString());
        Assert.Equal(expected["metadata"]!["labels"]!.ToJsonString(), actual["metadata"]!["labels"]!.ToJsonString());
    }

    private static long Generation(JsonObject o) => (long)o["metadata"]!["generation"]!;

    private static string Rv(JsonObject o) => (string)o["metadata"]!["resourceVersion"]!;

    /// <summary>A read-modify-write PUT that retries on 409, as clients do (a controller may write in between).</summary>
    private async Task<(HttpStatusCode Code, JsonObject Body)> PutModified(string name, Action<JsonObject> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (_, current) = await Send(HttpMethod.Get, DeployPath(name));
            change(current);
            var result = await Send(HttpMethod.Put, DeployPath(name), current.ToJsonString());
            if (result.Code != HttpStatusCode.Conflict || attempt > 5)
            {
                return result;
            }
        }
    }

    [Fact]
    public async Task PutReplacesSpecKeepsStatusAndSystemFieldsAndBumpsGeneration()
    {
        var name = _sandbox.Name("put");
        var created = await CreateDeployment(name);
        var (code, updated) = await PutModified(name, d =>
        {
            d["spec"]!["replicas"] = 4;
            d["status"] = new JsonObject { ["replicas"] = 99 };
            d["metadata"]!.AsObject().Remove("creationTimestamp");
            d["metadata"]!["generation"] = 42;
        });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(4, (int)updated["spec"]!["replicas"]!);
        Assert.Equal(Generation(created) + 1, Generation(updated));
        Assert.NotEqual(99, (int?)updated["status"]?["replicas"]);
        Assert.Equal((string?)created["metadata"]!["uid"], (string?)updated["metadata"]!["uid"]);
        Assert.Equal((string?)created["metadata"]!["creationTimestamp"], (string?)updated["metadata"]!["creationTimestamp"]);
        Assert.Equal(4, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task PutWithAStaleResourceVersionIsAConflict()
    {
        var name = _sandbox.Name("put-stale");
        var created = await CreateDeployment(name);
        created["metadata"]!["resourceVersion"] = "1";
        created["spec"]!["replicas"] = 7;
        var (code, status) = await Send(HttpMethod.Put, DeployPath(name), created.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal($"Operation cannot be fulfilled on deployments.apps \"{name}\": {Conflict}", (string?)status["message"]);
        Assert.Equal(2, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task PutChecksTheNameAndDryRunStoresNothing()
    {
        var name = _sandbox.Name("put-name");
        var created = await CreateDeployment(name);
        created["metadata"]!["name"] = "other";
        var (code, status) = await Send(HttpMethod.Put, DeployPath(name), created.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal($"the name of the object (other) does not match the name on the URL ({name})", (string?)status["message"]);

        var (dryCode, dry) = await Patch(DeployPath(name) + "?dryRun=All", "merge", """{"spec":{"replicas":9}}""");
        Assert.Equal(HttpStatusCode.OK, dryCode);
        Assert.Equal(9, (int)dry["spec"]!["replicas"]!);
        Assert.Equal(2, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task JsonPatchAppliesAndAFailedTestLeavesTheObjectUnchanged()
    {
        var name = _sandbox.Name("jsonpatch");
        await CreateDeployment(name);
        var (code, patched) = await Patch(DeployPath(name), "json", """
            [{"op":"test","path":"/spec/replicas","value":2},
             {"op":"replace","path":"/spec/replicas","value":3},
             {"op":"add","path":"/metadata/annotations","value":{"team/owner":"ops"}},
             {"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"C","value":"3"}}]
            """);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(3, (int)patched["spec"]!["replicas"]!);
        Assert.Equal("ops", (string?)patched["metadata"]!["annotations"]!["team/owner"]);

        var before = await Stored("deployments", name);
        var (failedCode, status) = await Patch(DeployPath(name), "json", """
            [{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":2}]
            """);
        Assert.Equal((HttpStatusCode)422, failedCode);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal("the server rejected our request due to an error in our request", (string?)status["message"]);
        AssertSameSpec(before, await Stored("deployments", name));

        var (missingCode, _) = await Patch(DeployPath(name), "json", """[{"op":"remove","path":"/spec/nothing"}]""");
        Assert.Equal((HttpStatusCode)422, missingCode);
        var (malformedCode, _) = await Patch(DeployPath(name), "json", """{"op":"remove"}""");
        Assert.Equal(HttpStatusCode.BadRequest, malformedCode);
    }

    [Fact]
    public async Task MergePatchNullDeletesAndAStaleResourceVersionConflicts()
    {
        var name = _sandbox.Name("merge");
        await CreateDeployment(name);
        var (code, patched) = await Patch(DeployPath(name), "merge", """{"metadata":{"labels":{"app":null,"team":"ops"}}}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("""{"team":"ops"}""", patched["metadata"]!["labels"]!.ToJsonString());

        var (conflict, status) = await Patch(DeployPath(name), "merge", """{"metadata":{"resourceVersion":"1"},"spec":{"replicas":8}}""");
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal($"Operation cannot be fulfilled on deployments.apps \"{name}\": {Conflict}", (string?)status["message"]);
        Assert.Equal(2, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);

        var (unsupported, _) = await Send(HttpMethod.Patch, DeployPath(name), "spec: {}", "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
    }

    [Fact]
    public async Task StrategicMergePatchMergesContainersAndEnvByName()
    {
        var name = _sandbox.Name("smp");
        await CreateDeployment(name);
        var (code, _) = await Patch(DeployPath(name), "strategic", """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
              "containers":[{"name":"app","image":"registry.example/app:2","$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"FOO"}],
                "env":[{"name":"FOO","value":"bar"}]}]}}}}
            """);
        Assert.Equal(HttpStatusCode.OK, code);
        var (_, removed) = await Patch(DeployPath(name), "strategic", """
            {"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"$patch":"delete","name":"A"}]}]}}}}
            """);
        var containers = removed["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["app", "sidecar"], containers.Select(c => (string?)c!["name"]));
        Assert.Equal("registry.example/app:2", (string?)containers[0]!["image"]);
        Assert.Equal("""[{"name":"B","value":"2"},{"name":"FOO","value":"bar"}]""", containers[0]!["env"]!.ToJsonString());
        Assert.Equal("registry.example/sidecar:1", (string?)containers[1]!["image"]);
    }

    [Fact]
    public async Task GenerationBumpsOnlyWhenSpecOrDeploymentAnnotationsChange()
    {
        var name = _sandbox.Name("gen");
        var created = await CreateDeployment(name);
        var (_, labelled) = await Patch(DeployPath(name), "merge", """{"metadata":{"labels":{"extra":"x"}}}""");
        Assert.Equal(Generation(created), Generation(labelled));
        var (_, annotated) = await Patch(DeployPath(name), "merge", """{"metadata":{"annotations":{"note":"x"}}}""");
        Assert.Equal(Generation(created) + 1, Generation(annotated));
        var (_, scaled) = await Patch(DeployPath(name), "merge", """{"spec":{"replicas":5}}""");
        Assert.Equal(Generation(created) + 2, Generation(scaled));

    }

    [Fact]
    public async Task APatchThatChangesNothingStoresNothing()
    {
        // A node: nothing else writes it while the test runs.
        const string node = "/api/v1/nodes/aks-nodepool1-31718369-vmss000000";
        var (_, before) = await Send(HttpMethod.Get, node);
        var (code, same) = await Patch(node, "merge", """{"metadata":{"labels":{"agentpool":"nodepool1"}}}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(Rv(before), Rv(same));
    }

    [Fact]
    public async Task ValidationFailuresAre422AndStoreNothing()
    {
        var name = _sandbox.Name("invalid");
        await CreateDeployment(name);
        var before = await Stored("deployments", name);

        var (negative, status) = await Patch(DeployPath(name), "merge", """{"spec":{"replicas":-1}}""");
        Assert.Equal((HttpStatusCode)422, negative);
        Assert.Equal($"Deployment.apps \"{name}\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", (string?)status["message"]);
        Assert.Equal("spec.replicas", (string?)status["details"]!["causes"]![0]!["field"]);

        var (quantity, qStatus) = await Patch(DeployPath(name), "strategic",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"4GG"}}}]}}}}""");
        Assert.Equal((HttpStatusCode)422, quantity);
        Assert.Equal("spec.template.spec.containers[0].resources.limits[memory]", (string?)qStatus["details"]!["causes"]![0]!["field"]);

        var (env, envStatus) = await Patch(DeployPath(name), "strategic",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"1BAD","value":"x"}]}]}}}}""");
        Assert.Equal((HttpStatusCode)422, env);
        Assert.Equal("spec.template.spec.containers[0].env[2].name", (string?)envStatus["details"]!["causes"]![0]!["field"]);

        var (duplicate, dupStatus) = await Patch(DeployPath(name), "json",
            """[{"op":"replace","path":"/spec/template/spec/containers/1/name","value":"app"}]""");
        Assert.Equal((HttpStatusCode)422, duplicate);
        Assert.Contains("Duplicate value: \"app\"", (string?)dupStatus["message"], StringComparison.Ordinal);

        var (selector, selStatus) = await Patch(DeployPath(name), "merge", """{"spec":{"selector":{"matchLabels":{"app":"other"}}}}""");
        Assert.Equal((HttpStatusCode)422, selector);
        Assert.EndsWith("field is immutable", (string?)selStatus["message"], StringComparison.Ordinal);

        AssertSameSpec(before, await Stored("deployments", name));
    }

    [Fact]
    public async Task ScaleSubresourceReadsAndWritesOnlyReplicas()
    {
        var name = _sandbox.Name("scale");
        var created = await CreateDeployment(name, 3);
        var (code, scale) = await Send(HttpMethod.Get, DeployPath(name, "/scale"));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal("autoscaling/v1", (string?)scale["apiVersion"]);
        Assert.Equal(name, (string?)scale["metadata"]!["name"]);
        Assert.Equal("default", (string?)scale["metadata"]!["namespace"]);
        Assert.Equal((string?)created["metadata"]!["uid"], (string?)scale["metadata"]!["uid"]);
        Assert.Equal(3, (int)scale["spec"]!["replicas"]!);
        Assert.Equal($"app={name},tier=api", (string?)scale["status"]!["selector"]);

        var (merged, afterMerge) = await Patch(DeployPath(name, "/scale"), "merge", """{"spec":{"replicas":5}}""");
        Assert.True(merged == HttpStatusCode.OK, afterMerge.ToJsonString());
        Assert.Equal(5, (int)afterMerge["spec"]!["replicas"]!);
        var stored = await Stored("deployments", name);
        Assert.Equal(5, (int)stored["spec"]!["replicas"]!);
        Assert.Equal(Generation(created) + 1, Generation(stored));

        var (_, jsonPatched) = await Patch(DeployPath(name, "/scale"), "json", """[{"op":"replace","path":"/spec/replicas","value":6}]""");
        Assert.Equal(6, (int)jsonPatched["spec"]!["replicas"]!);

        var stale = (JsonObject)afterMerge.DeepClone();
        stale["spec"]!["replicas"] = 1;
        var (conflict, conflictStatus) = await Send(HttpMethod.Put, DeployPath(name, "/scale"), stale.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal($"Operation cannot be fulfilled on deployments.apps \"{name}\": {Conflict}", (string?)conflictStatus["message"]);

        var (_, fresh) = await Send(HttpMethod.Get, DeployPath(name, "/scale"));
        fresh["spec"]!["replicas"] = 0;
        var (put, afterPut) = await Send(HttpMethod.Put, DeployPath(name, "/scale"), fresh.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, put);
        Assert.Equal(0, (int)afterPut["spec"]!["replicas"]!);

        var (negative, invalid) = await Patch(DeployPath(name, "/scale"), "merge", """{"spec":{"replicas":-2}}""");
        Assert.Equal((HttpStatusCode)422, negative);
        Assert.Equal($"Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0", (string?)invalid["message"]);
        Assert.Equal(0, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task StatusSubresourceChangesOnlyStatus()
    {
        var name = _sandbox.Name("status");
        var created = await CreateDeployment(name);
        var (code, patched) = await Patch(DeployPath(name, "/status"), "merge",
            """{"spec":{"replicas":9},"metadata":{"labels":{"x":"y"}},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2}}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(2, (int)patched["status"]!["readyReplicas"]!);
        Assert.Equal(2, (int)patched["spec"]!["replicas"]!);
        Assert.Null(patched["metadata"]!["labels"]!["x"]);
        Assert.Equal(Generation(created), Generation(patched));

        var (_, got) = await Send(HttpMethod.Get, DeployPath(name, "/status"));
        got["status"]!["readyReplicas"] = 1;
        got["spec"]!["replicas"] = 7;
        got["metadata"]!.AsObject().Remove("resourceVersion");
        var (put, afterPut) = await Send(HttpMethod.Put, DeployPath(name, "/status"), got.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, put);
        Assert.Equal(1, (int)afterPut["status"]!["readyReplicas"]!);
        Assert.Equal(2, (int)afterPut["spec"]!["replicas"]!);

        // And the main resource ignores status.
        var (_, main) = await Patch(DeployPath(name), "merge", """{"status":{"readyReplicas":50}}""");
        Assert.NotEqual(50, (int?)main["status"]?["readyReplicas"]);
    }

    [Fact]
    public async Task WatchSeesModifiedEventsForPatches()
    {
        var name = _sandbox.Name("watch");
        var created = await CreateDeployment(name);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/apis/apps/v1/namespaces/default/deployments?watch=true&fieldSelector=metadata.name%3D{name}&resourceVersion={Rv(created)}&timeoutSeconds=10");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Patch(DeployPath(name), "strategic", """{"metadata":{"labels":{"watched":"yes"}}}""");
        while (await reader.ReadLineAsync() is { } line)
        {
            var e = JsonNode.Parse(line)!;
            if ((string?)e["object"]!["metadata"]!["labels"]!["watched"] == "yes")
            {
                Assert.Equal("MODIFIED", (string?)e["type"]);
                return;
            }
        }
        Assert.Fail("no MODIFIED event for the patch");
    }

    [Fact]
    public async Task PodDeleteIsGracefulThenTheFallbackRemovesIt()
    {
        var name = _sandbox.Name("graceful");
        await _sandbox.Server.CreateAsync("pods", WriteSandboxFixture.Pod(name));
        var (code, terminating) = await Send(HttpMethod.Delete, PodPath(name), """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}""");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(30, (long)terminating["metadata"]!["deletionGracePeriodSeconds"]!);
        var deadline = DateTimeOffset.Parse((string)terminating["metadata"]!["deletionTimestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(deadline - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));

        // A second delete may only shorten the grace period.
        var (_, shorter) = await Send(HttpMethod.Delete, PodPath(name) + "?gracePeriodSeconds=10");
        if (shorter["metadata"]?["deletionGracePeriodSeconds"] is { } grace)
        {
            Assert.Equal(10, (long)grace);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await _sandbox.Server.GetAsync("pods", "default", name) is not null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the terminating pod was never removed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task DeletingAPodSeededAsTerminatingFinishesIt()
    {
        var name = _sandbox.Name("seeded-terminating");
        var pod = WriteSandboxFixture.Pod(name);
        pod["metadata"]!["deletionTimestamp"] = DateTimeOffset.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        pod["metadata"]!["deletionGracePeriodSeconds"] = 30;
        await _sandbox.Server.CreateAsync("pods", pod);
        var (code, _) = await Send(HttpMethod.Delete, PodPath(name));
        Assert.Equal(HttpStatusCode.OK, code);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await _sandbox.Server.GetAsync("pods", "default", name) is not null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the seeded terminating pod was never removed");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ZeroGraceUnscheduledPodsAndPreconditions()
    {
        var name = _sandbox.Name("now");
        var pod = await _sandbox.Server.CreateAsync("pods", WriteSandboxFixture.Pod(name));
        var (conflict, status) = await Send(HttpMethod.Delete, PodPath(name), """{"preconditions":{"uid":"not-the-uid"}}""");
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal($"Operation cannot be fulfilled on pods \"{name}\": Precondition failed: UID in precondition: not-the-uid, UID in object meta: {(string?)pod["metadata"]!["uid"]}", (string?)status["message"]);

        var options = new JsonObject { ["gracePeriodSeconds"] = 0, ["preconditions"] = new JsonObject { ["uid"] = (string?)pod["metadata"]!["uid"] } };
        var (code, _) = await Send(HttpMethod.Delete, PodPath(name), options.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Null(await _sandbox.Server.GetAsync("pods", "default", name));

        // Without a node there is no kubelet to wait for: the pod goes at once.
        var unscheduled = _sandbox.Name("unscheduled");
        var body = WriteSandboxFixture.Pod(unscheduled);
        body["spec"]!.AsObject().Remove("nodeName");
        await _sandbox.Server.CreateAsync("pods", body);
        await Send(HttpMethod.Delete, PodPath(unscheduled));
        Assert.Null(await _sandbox.Server.GetAsync("pods", "default", unscheduled));
    }

    [Fact]
    public async Task DiscoveryListsTheSubresources()
    {
        var (_, legacy) = await Send(HttpMethod.Get, "/apis/apps/v1");
        var scale = legacy["resources"]!.AsArray().Single(r => (string?)r!["name"] == "deployments/scale")!;
        Assert.Equal("autoscaling", (string?)scale["group"]);
        Assert.Equal("v1", (string?)scale["version"]);
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal(["get", "patch", "update"], scale["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("Deployment", (string?)legacy["resources"]!.AsArray().Single(r => (string?)r!["name"] == "deployments/status")!["kind"]);
        var deployments = legacy["resources"]!.AsArray().Single(r => (string?)r!["name"] == "deployments")!;
        Assert.Contains("patch", deployments["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("update", deployments["verbs"]!.AsArray().Select(v => (string?)v));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        using var response = await _http.SendAsync(request);
        var aggregated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var apps = aggregated["items"]!.AsArray().Single(g => (string?)g!["metadata"]!["name"] == "apps")!;
        var subresources = apps["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "statefulsets")!["subresources"]!.AsArray();
        Assert.Equal(["scale", "status"], subresources.Select(s => (string?)s!["subresource"]));
        Assert.Equal("autoscaling", (string?)subresources[0]!["responseKind"]!["group"]);

        var (_, core) = await Send(HttpMethod.Get, "/api/v1");
        Assert.Contains(core["resources"]!.AsArray(), r => (string?)r!["name"] == "pods/status");
    }

    [Fact]
    public async Task ViewerMayNotWriteOrReadSubresources()
    {
        using var viewer = SandboxClients.Http(_sandbox.Server, _sandbox.Server.ViewerToken);
        var (code, status) = await Send(HttpMethod.Patch, "/api/v1/namespaces/seekapa-production/pods/anything", "{}",
            "application/merge-patch+json", viewer);
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("pods \"anything\" is forbidden: User \"viewer\" cannot patch resource \"pods\" in API group \"\" in the namespace \"seekapa-production\"", (string?)status["message"]);
        var (statusCode, statusBody) = await Send(HttpMethod.Get, "/api/v1/namespaces/seekapa-production/pods/anything/status", client: viewer);
        Assert.Equal(HttpStatusCode.Forbidden, statusCode);
        Assert.Contains("cannot get resource \"pods/status\"", (string?)statusBody["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProcessPatchAsync()
    {
        var name = _sandbox.Name("inproc");
        await CreateDeployment(name);
        var patched = await _sandbox.Server.PatchAsync("deployments", "default", name, "strategic",
            """{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"}}}}}""");
        Assert.Equal("2026-01-01T00:00:00Z", (string?)patched["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        var e = await Assert.ThrowsAsync<SandboxException>(() =>
            _sandbox.Server.PatchAsync("deployments", "default", name, "merge", """{"metadata":{"resourceVersion":"1"}}"""));
        Assert.Equal(409, e.StatusCode);
    }
}
