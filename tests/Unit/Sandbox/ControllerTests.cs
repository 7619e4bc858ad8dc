using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Sandbox.Store;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The in-process controllers and the simulated kubelet, on short simulated delays.</summary>
public sealed class ControllerTests : IAsyncLifetime
{
    private const string Ns = "seekapa-production";
    private SandboxServer _server = null!;

    public async Task InitializeAsync() => _server = await SandboxServer.StartAsync(FastOptions());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    internal static SandboxOptions FastOptions(string scenario = "empty") => new()
    {
        Scenario = scenario,
        PodScheduleDelay = TimeSpan.FromMilliseconds(20),
        PodStartDelay = TimeSpan.FromMilliseconds(60),
        PodTerminationDelay = TimeSpan.FromMilliseconds(30),
        CrashLoopBackOff = TimeSpan.FromMilliseconds(200),
    };

    internal static JsonObject Deployment(string name, string image, int replicas = 3, string extraSpec = "") =>
        (JsonObject)JsonNode.Parse($$"""
            { "apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": { "name": "{{name}}", "namespace": "{{Ns}}", "labels": { "app": "{{name}}" } },
              "spec": { "replicas": {{replicas}}, "selector": { "matchLabels": { "app": "{{name}}" } }, {{extraSpec}}
                        "template": { "metadata": { "labels": { "app": "{{name}}" } },
                                      "spec": { "containers": [ { "name": "app", "image": "{{image}}" } ] } } } }
            """)!;

    internal static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    private Task<JsonObject> Get(string resource, string name) => _server.GetAsync(resource, Ns, name)!.ContinueWith(t => t.Result!);

    private async Task<List<JsonObject>> ReplicaSets(string deployment) =>
        (await _server.ListAsync("replicasets", Ns, $"app={deployment}")).OrderBy(Revision).ToList();

    private static long Revision(JsonObject o) => long.Parse((string?)o["metadata"]!["annotations"]?["deployment.kubernetes.io/revision"] ?? "0");

    private static string? Annotation(JsonObject o, string key) => (string?)o["metadata"]!["annotations"]?[key];

    private static string? Condition(JsonObject o, string type, string field) =>
        (string?)o["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type)?[field];

    private async Task<bool> RolledOut(string name, int replicas)
    {
        var d = await Get("deployments", name);
        return (int?)d["status"]?["availableReplicas"] == replicas && (int?)d["status"]?["updatedReplicas"] == replicas &&
               (int?)d["status"]?["replicas"] == replicas && Condition(d, "Progressing", "reason") == "NewReplicaSetAvailable" &&
               (await _server.ListAsync("pods", Ns, $"app={name}")).Count == replicas;
    }

    private Task SetImage(string name, string image, Action<JsonObject>? also = null) =>
        Modify(_server, "deployments", name, d =>
        {
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image;
            also?.Invoke(d);
        });

    /// <summary>Read-modify-write with retries: the controllers write status concurrently (409s are expected).</summary>
    internal static async Task Modify(SandboxServer server, string resource, string name, Action<JsonObject> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var obj = (await server.GetAsync(resource, Ns, name))!;
            change(obj);
            try
            {
                await server.UpdateAsync(resource, obj);
                return;
            }
            catch (SandboxException e) when (e.StatusCode == 409 && attempt < 20)
            {
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task ANewDeploymentGetsAHashedReplicaSetWhosePodsBecomeReady()
    {
        await _server.CreateAsync("deployments", Deployment("web", "nginx:1.27"));
        await Eventually(() => RolledOut("web", 3), "web rolled out");

        var rs = Assert.Single(await ReplicaSets("web"));
        var hash = (string)rs["metadata"]!["labels"]!["pod-template-hash"]!;
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{10}$", hash);
        Assert.Equal($"web-{hash}", (string?)rs["metadata"]!["name"]);
        Assert.Equal(hash, (string?)rs["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"]);
        Assert.Equal("1", Annotation(rs, "deployment.kubernetes.io/revision"));
        Assert.Equal("3", Annotation(rs, "deployment.kubernetes.io/desired-replicas"));
        Assert.Equal("4", Annotation(rs, "deployment.kubernetes.io/max-replicas"));
        Assert.True((bool)rs["metadata"]!["ownerReferences"]![0]!["controller"]!);

        var d = await Get("deployments", "web");
        Assert.Equal("1", Annotation(d, "deployment.kubernetes.io/revision"));
        Assert.Equal("True", Condition(d, "Available", "status"));
        Assert.Equal("MinimumReplicasAvailable", Condition(d, "Available", "reason"));
        Assert.Equal($"ReplicaSet \"web-{hash}\" has successfully progressed.", Condition(d, "Progressing", "message"));
        Assert.Equal(1, (long?)d["status"]!["observedGeneration"]);
        Assert.Null(d["status"]!["unavailableReplicas"]);

        foreach (var pod in await _server.ListAsync("pods", Ns, "app=web"))
        {
            Assert.StartsWith($"web-{hash}-", (string?)pod["metadata"]!["name"]);
            Assert.Equal("Running", (string?)pod["status"]!["phase"]);
            Assert.Equal("True", Condition(pod, "Ready", "status"));
            Assert.Equal("sandbox-node", (string?)pod["spec"]!["nodeName"]);
            Assert.StartsWith("10.244.", (string?)pod["status"]!["podIP"]);
            Assert.NotNull(pod["status"]!["containerStatuses"]![0]!["state"]!["running"]!["startedAt"]);
        }

        var events = await _server.ListAsync("events", Ns);
        string[] Reasons(string kind) => events.Where(e => (string?)e["involvedObject"]!["kind"] == kind).Select(e => (string)e["reason"]!).Distinct().ToArray();
        var scaling = Assert.Single(events, e => (string?)e["reason"] == "ScalingReplicaSet");
        Assert.Equal($"Scaled up replica set web-{hash} from 0 to 3", (string?)scaling["message"]);
        Assert.Equal("deployment-controller", (string?)scaling["source"]!["component"]);
        Assert.Equal("web", (string?)scaling["involvedObject"]!["name"]);
        Assert.Equal(3, events.Count(e => (string?)e["reason"] == "SuccessfulCreate" && ((string?)e["message"])!.StartsWith($"Created pod: web-{hash}-", StringComparison.Ordinal)));
        Assert.Subset(Reasons("Pod").ToHashSet(), new HashSet<string> { "Scheduled", "Pulling", "Pulled", "Created", "Started" });
    }

    [Fact]
    public async Task RollingUpdateStaysWithinSurgeAndUnavailabilityThenRollsBackReusingTheOldReplicaSet()
    {
        await _server.CreateAsync("deployments", Deployment("api", "api:1", 4,
            """ "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 1, "maxUnavailable": "25%" } }, """));
        await Eventually(() => RolledOut("api", 4), "api v1 rolled out");
        var first = Assert.Single(await ReplicaSets("api"));

        // Watch every pod change during the update: never more than 4+1 pods, never fewer than 4-1 available.
        var store = _server.Controllers!.Service.Store;
        var pods = _server.Controllers.Pods;
        var violations = new List<string>();
        var observed = 0;
        using var watch = store.Watch(pods, Ns, store.ResourceVersion);
        var checking = Task.Run(async () =>
        {
            await foreach (var e in watch.Events.ReadAllAsync())
            {
                var live = store.Snapshot(pods).Items.Where(p => p.Labels.GetValueOrDefault("app") == "api").Select(p => p.ToJsonObject())
                    .Where(p => p["metadata"]!["deletionTimestamp"] is null && (string?)p["status"]!["phase"] is not ("Failed" or "Succeeded")).ToList();
                var ready = live.Count(p => Condition(p, "Ready", "status") == "True");
                Interlocked.Increment(ref observed);
                if (live.Count > 5 || ready < 3)
                {
                    lock (violations)
                    {
                        violations.Add($"rv {e.ResourceVersion}: {live.Count} pods, {ready} ready");
                    }
                }
            }
        });

        await SetImage("api", "api:2");
        await Eventually(async () => await RolledOut("api", 4) && (await ReplicaSets("api")).Count == 2 &&
                                     (await _server.ListAsync("pods", Ns, "app=api")).All(p => (string?)p["spec"]!["containers"]![0]!["image"] == "api:2"),
            "api v2 rolled out");
        watch.Dispose();
        Assert.True(observed > 8, $"saw {observed} pod changes");
        Assert.Empty(violations);

        var rsList = await ReplicaSets("api");
        Assert.Equal(["1", "2"], rsList.Select(r => Annotation(r, "deployment.kubernetes.io/revision")));
        Assert.Equal(0, (int?)rsList[0]["spec"]!["replicas"]);
        Assert.Equal("2", Annotation(await Get("deployments", "api"), "deployment.kubernetes.io/revision"));
        var events = await _server.ListAsync("events", Ns);
        Assert.Contains(events, e => (string?)e["reason"] == "ScalingReplicaSet" &&
                                     Regex.IsMatch((string)e["message"]!, $"^Scaled down replica set {first["metadata"]!["name"]} from 4 to 3$"));

        // Back to the first template: its ReplicaSet is reused as revision 3 and remembers revision 1.
        await SetImage("api", "api:1");
        await Eventually(async () => await RolledOut("api", 4) &&
                                     (await _server.ListAsync("pods", Ns, "app=api")).All(p => (string?)p["spec"]!["containers"]![0]!["image"] == "api:1"),
            "api rolled back");
        rsList = await ReplicaSets("api");
        Assert.Equal(2, rsList.Count);
        var reused = rsList.Single(r => r["metadata"]!["name"]!.ToString() == first["metadata"]!["name"]!.ToString());
        Assert.Equal("3", Annotation(reused, "deployment.kubernetes.io/revision"));
        Assert.Equal("1", Annotation(reused, "deployment.kubernetes.io/revision-history"));
        Assert.Equal(4, (int?)reused["spec"]!["replicas"]);
        Assert.Equal("3", Annotation(await Get("deployments", "api"), "deployment.kubernetes.io/revision"));
        await checking.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }

    [Fact]
    public async Task OldReplicaSetsBeyondTheHistoryLimitAreDeletedOldestFirst()
    {
        await _server.CreateAsync("deployments", Deployment("hist", "h:1", 1, """ "revisionHistoryLimit": 1, """));
        await Eventually(() => RolledOut("hist", 1), "h:1");
        foreach (var tag in new[] { "2", "3" })
        {
            await SetImage("hist", $"h:{tag}");
            await Eventually(async () => await RolledOut("hist", 1) && (await ReplicaSets("hist")).Count == 2 &&
                                         (await ReplicaSets("hist")).Any(r => (string?)r["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] == $"h:{tag}" && Revision(r) == long.Parse(tag)),
                $"h:{tag}");
        }
        await Eventually(async () => (await ReplicaSets("hist")).Select(r => Revision(r)).SequenceEqual([2L, 3L]), "revision 1 cleaned up");
    }

    [Fact]
    public async Task APausedDeploymentDoesNotRollUntilResumed()
    {
        await _server.CreateAsync("deployments", Deployment("paused", "p:1", 2));
        await Eventually(() => RolledOut("paused", 2), "p:1");
        await SetImage("paused", "p:2", d => d["spec"]!["paused"] = true);
        await Eventually(async () => Condition(await Get("deployments", "paused"), "Progressing", "reason") == "DeploymentPaused", "paused condition");
        var d = await Get("deployments", "paused");
        Assert.Equal("Unknown", Condition(d, "Progressing", "status"));
        Assert.Equal("Deployment is paused", Condition(d, "Progressing", "message"));
        await Task.Delay(300);
        Assert.Single(await ReplicaSets("paused"));

        await Modify(_server, "deployments", "paused", o => o["spec"]!["paused"] = false);
        await Eventually(async () => (await ReplicaSets("paused")).Count == 2 && await RolledOut("paused", 2), "resumed rollout");
    }

    [Fact]
    public async Task ACrashingImageNeverBecomesReadyAndTheDeploymentExceedsItsProgressDeadline()
    {
        _server.MarkImageCrashing("bad:1");
        await _server.CreateAsync("deployments", Deployment("crash", "bad:1", 1, """ "progressDeadlineSeconds": 1, """));
        await Eventually(async () => Condition(await Get("deployments", "crash"), "Progressing", "reason") == "ProgressDeadlineExceeded",
            "progress deadline exceeded", TimeSpan.FromSeconds(10));
        var d = await Get("deployments", "crash");
        var rs = Assert.Single(await ReplicaSets("crash"));
        Assert.Equal("False", Condition(d, "Progressing", "status"));
        Assert.Equal($"ReplicaSet \"{rs["metadata"]!["name"]}\" has timed out progressing.", Condition(d, "Progressing", "message"));
        Assert.Equal("False", Condition(d, "Available", "status"));

        await Eventually(async () => (int?)(await _server.ListAsync("pods", Ns, "app=crash"))[0]["status"]!["containerStatuses"]![0]!["restartCount"] >= 2, "restarts");
        var pod = Assert.Single(await _server.ListAsync("pods", Ns, "app=crash"));
        var status = pod["status"]!["containerStatuses"]![0]!;
        Assert.Equal("CrashLoopBackOff", (string?)status["state"]!["waiting"]!["reason"]);
        Assert.Equal(1, (int?)status["lastState"]!["terminated"]!["exitCode"]);
        Assert.Equal("Error", (string?)status["lastState"]!["terminated"]!["reason"]);
        Assert.False((bool)status["ready"]!);
        var backOff = Assert.Single(await _server.ListAsync("events", Ns), e => (string?)e["reason"] == "BackOff");
        Assert.Equal("Warning", (string?)backOff["type"]);
        Assert.True((int)backOff["count"]! >= 2);
    }

    [Fact]
    public async Task ScalingUpAndDownChangesTheReplicaSetAndItsPods()
    {
        await _server.CreateAsync("deployments", Deployment("scale", "s:1", 2));
        await Eventually(() => RolledOut("scale", 2), "2 replicas");
        await Modify(_server, "deployments", "scale", o => o["spec"]!["replicas"] = 5);
        await Eventually(() => RolledOut("scale", 5), "5 replicas");
        await Modify(_server, "deployments", "scale", o => o["spec"]!["replicas"] = 1);
        await Eventually(() => RolledOut("scale", 1), "1 replica");
        var rs = Assert.Single(await ReplicaSets("scale"));
        Assert.Equal("1", Annotation(rs, "deployment.kubernetes.io/desired-replicas"));
        var name = (string)rs["metadata"]!["name"]!;
        var messages = (await _server.ListAsync("events", Ns)).Where(e => (string?)e["reason"] == "ScalingReplicaSet").Select(e => (string)e["message"]!).ToList();
        Assert.Contains($"Scaled up replica set {name} from 2 to 5", messages);
        Assert.Contains($"Scaled down replica set {name} from 5 to 1", messages);
        Assert.Contains(await _server.ListAsync("events", Ns), e => (string?)e["reason"] == "Killing");
        Assert.Contains(await _server.ListAsync("events", Ns), e => (string?)e["reason"] == "SuccessfulDelete");
    }

    [Fact]
    public async Task ADeletedPodIsReplaced()
    {
        await _server.CreateAsync("deployments", Deployment("heal", "heal:1", 2));
        await Eventually(() => RolledOut("heal", 2), "2 replicas");
        var victim = (string)(await _server.ListAsync("pods", Ns, "app=heal"))[0]["metadata"]!["name"]!;
        await _server.DeleteAsync("pods", Ns, victim);
        await Eventually(async () =>
        {
            var pods = await _server.ListAsync("pods", Ns, "app=heal");
            return pods.Count == 2 && pods.All(p => (string?)p["metadata"]!["name"] != victim && Condition(p, "Ready", "status") == "True");
        }, "replacement ready");
    }

    [Fact]
    public async Task RecreateStopsTheOldPodsBeforeStartingNewOnes()
    {
        await _server.CreateAsync("deployments", Deployment("rec", "r:1", 2, """ "strategy": { "type": "Recreate" }, """));
        await Eventually(() => RolledOut("rec", 2), "r:1");
        var sawMixed = false;
        await SetImage("rec", "r:2");
        await Eventually(async () =>
        {
            var images = (await _server.ListAsync("pods", Ns, "app=rec")).Select(p => (string?)p["spec"]!["containers"]![0]!["image"]).Distinct().Count();
            sawMixed |= images > 1;
            return await RolledOut("rec", 2) && (await _server.ListAsync("pods", Ns, "app=rec")).All(p => (string?)p["spec"]!["containers"]![0]!["image"] == "r:2");
        }, "r:2");
        Assert.False(sawMixed, "old and new pods never run together");
    }

    [Fact]
    public async Task AStatefulSetCreatesOrderedPodsAndRollsFromTheHighestOrdinal()
    {
        var sts = (JsonObject)JsonNode.Parse($$"""
            { "apiVersion": "apps/v1", "kind": "StatefulSet",
              "metadata": { "name": "db", "namespace": "{{Ns}}" },
              "spec": { "replicas": 3, "serviceName": "db", "selector": { "matchLabels": { "app": "db" } },
                        "template": { "metadata": { "labels": { "app": "db" } },
                                      "spec": { "containers": [ { "name": "pg", "image": "postgres:15" } ] } } } }
            """)!;
        var store = _server.Controllers!.Service.Store;
        var pods = _server.Controllers.Pods;
        using var watch = store.Watch(pods, Ns, store.ResourceVersion);
        await _server.CreateAsync("statefulsets", sts);
        await Eventually(async () => (int?)(await Get("statefulsets", "db"))["status"]?["readyReplicas"] == 3, "3 ready");

        // Each pod was created only once the previous one was ready (events arrive in store order).
        var created = new List<string>();
        var ready = new Dictionary<string, bool>();
        while (watch.Events.TryRead(out var e))
        {
            var json = e.Object.ToJsonObject();
            if (e.Type == WatchEventType.Added)
            {
                if (created.Count > 0)
                {
                    Assert.True(ready.GetValueOrDefault(created[^1]), $"{e.Object.Name} created before {created[^1]} was ready");
                }
                created.Add(e.Object.Name);
            }
            ready[e.Object.Name] = Condition(json, "Ready", "status") == "True";
        }
        Assert.Equal(["db-0", "db-1", "db-2"], created);

        var revisions = await _server.ListAsync("controllerrevisions", Ns);
        var first = Assert.Single(revisions);
        var firstName = (string)first["metadata"]!["name"]!;
        Assert.StartsWith("db-", firstName);
        Assert.Equal(1, (long?)first["revision"]);
        Assert.StartsWith("""{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"db"}},"spec":{""",
            first["data"]!.ToJsonString());
        var status = (await Get("statefulsets", "db"))["status"]!;
        Assert.Equal(firstName, (string?)status["currentRevision"]);
        Assert.Equal(firstName, (string?)status["updateRevision"]);
        foreach (var pod in await _server.ListAsync("pods", Ns, "app=db"))
        {
            Assert.Equal(firstName, (string?)pod["metadata"]!["labels"]!["controller-revision-hash"]);
        }

        // Update: a second revision, pods replaced from db-2 down to db-0.
        await Modify(_server, "statefulsets", "db", o => o["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "postgres:16");
        var deletedOrder = new List<string>();
        await Eventually(async () =>
        {
            while (watch.Events.TryRead(out var e))
            {
                if (e.Object.ToJsonObject()["metadata"]!["deletionTimestamp"] is not null && e.Previous?.ToJsonObject()["metadata"]!["deletionTimestamp"] is null)
                {
                    deletedOrder.Add(e.Object.Name);
                }
            }
            var s = (await Get("statefulsets", "db"))["status"]!;
            return (string?)s["currentRevision"] == (string?)s["updateRevision"] && (string?)s["currentRevision"] != firstName && (int?)s["readyReplicas"] == 3;
        }, "rolled to postgres:16");
        Assert.Equal(["db-2", "db-1", "db-0"], deletedOrder);
        revisions = await _server.ListAsync("controllerrevisions", Ns);
        Assert.Equal([1L, 2L], revisions.Select(r => (long)r["revision"]!).Order());

        // Back to the first template: that revision is reused with number 3.
        await Modify(_server, "statefulsets", "db", o => o["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "postgres:15");
        await Eventually(async () =>
        {
            var s = (await Get("statefulsets", "db"))["status"]!;
            return (string?)s["currentRevision"] == firstName && (string?)s["updateRevision"] == firstName && (int?)s["readyReplicas"] == 3 && (int?)s["updatedReplicas"] == 3;
        }, "rolled back to postgres:15");
        Assert.Equal(3, (long?)(await Get("controllerrevisions", firstName))["revision"]);
        Assert.Equal(2, (await _server.ListAsync("controllerrevisions", Ns)).Count);
    }

    [Theory]
    [InlineData("healthy")]
    [InlineData("unhealthy")]
    [InlineData("bad-deploy")]
    public async Task ScenarioObjectsAreAdoptedWithoutChanges(string scenario)
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = scenario });
        var before = (await server.ListAsync("pods")).ToDictionary(p => $"{p["metadata"]!["namespace"]}/{p["metadata"]!["name"]}", p => p.ToJsonString());
        var rsBefore = (await server.ListAsync("replicasets")).Count;
        await Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "controllers idle");
        await Task.Delay(500);
        await Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "controllers idle");
        var after = (await server.ListAsync("pods")).ToDictionary(p => $"{p["metadata"]!["namespace"]}/{p["metadata"]!["name"]}", p => p.ToJsonString());
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, json) in before)
        {
            Assert.True(json == after[key], $"{key} changed:\n{json}\n{after[key]}");
        }
        Assert.Equal(rsBefore, (await server.ListAsync("replicasets")).Count);
        var postgresRevision = Assert.Single(await server.ListAsync("controllerrevisions", Ns), r => r["metadata"]!["name"]!.ToString() == "postgres-6b8f9c7d5d");
        Assert.Equal(1, (long?)postgresRevision["revision"]);
        var revisions = (await server.ListAsync("controllerrevisions", Ns)).Select(r => $"{r["metadata"]!["name"]}={r["revision"]}").Order().ToList();
        Assert.Equal(scenario == "bad-deploy"
            ? ["postgres-6b8f9c7d5d=1", "postgres-read-5d8f7c9b6d=1", "postgres-read-7b9c6d8f5c=2", "redis-master-5f7b8c9d6a=1"]
            : ["postgres-6b8f9c7d5d=1"], revisions);
        if (scenario == "bad-deploy")
        {
            var d = (await server.GetAsync("deployments", Ns, "backend-deployment"))!;
            Assert.Equal("ProgressDeadlineExceeded", Condition(d, "Progressing", "reason"));
            Assert.Equal(4, (int?)d["status"]!["replicas"]);
        }
    }
}

/// <summary>A clock the test moves: timers fire when <see cref="Advance"/> passes their due time.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now += by;
            due = _timers.Where(t => t.Due <= _now).ToList();
            foreach (var t in due)
            {
                _timers.Remove(t);
            }
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock._now + dueTime;
                    clock._timers.Add(this);
                }
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Controller timing on a clock the test moves: nothing happens until simulated time passes.</summary>
public sealed class ControllerClockTests
{
    private const string Ns = "seekapa-production";

    [Fact]
    public async Task PodsProgressAndTheDeadlinePassesOnlyWithSimulatedTime()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            Scenario = "empty",
            TimeProvider = clock,
            CrashingImages = ["bad:2"],
        });
        async Task Settle()
        {
            await ControllerTests.Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "idle");
            await Task.Delay(50);
            await ControllerTests.Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "idle");
        }
        async Task<JsonObject> Pod(string app) => Assert.Single(await server.ListAsync("pods", Ns, $"app={app}"));
        static string? Reason(JsonObject d) =>
            (string?)d["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Progressing")?["reason"];

        // Idle can be seen before the controller has even been told of a new object: wait for its pod first.
        async Task Created(string app)
        {
            await ControllerTests.Eventually(async () => (await server.ListAsync("pods", Ns, $"app={app}")).Count == 1, $"the {app} pod");
            await Settle();
        }

        await server.CreateAsync("deployments", ControllerTests.Deployment("slow", "good:1", 1));
        await Created("slow");
        Assert.Equal("Pending", (string?)(await Pod("slow"))["status"]!["phase"]);
        Assert.Null((await Pod("slow"))["spec"]!["nodeName"]);

        // What simulated time makes happen is awaited (the controllers react asynchronously); what it must not yet have
        // made happen is checked once everything is idle.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        await ControllerTests.Eventually(async () => (string?)(await Pod("slow"))["spec"]!["nodeName"] == "sandbox-node", "scheduled");
        await Settle();
        Assert.Equal("ContainerCreating", (string?)(await Pod("slow"))["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]);

        clock.Advance(TimeSpan.FromSeconds(1));
        await ControllerTests.Eventually(async () => (string?)(await Pod("slow"))["status"]!["phase"] == "Running", "running");
        await ControllerTests.Eventually(async () => Reason((await server.GetAsync("deployments", Ns, "slow"))!) == "NewReplicaSetAvailable", "available");

        // A crashing image with a 60 s deadline: still progressing at 59 s, timed out after 61 s.
        await server.CreateAsync("deployments", ControllerTests.Deployment("doomed", "bad:2", 1, """ "progressDeadlineSeconds": 60, """));
        await Created("doomed");
        for (var i = 0; i < 59; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Settle();
        }
        Assert.NotEqual("ProgressDeadlineExceeded", Reason((await server.GetAsync("deployments", Ns, "doomed"))!));
        Assert.Equal("CrashLoopBackOff", (string?)(await Pod("doomed"))["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]);
        clock.Advance(TimeSpan.FromSeconds(2));
        await ControllerTests.Eventually(async () => Reason((await server.GetAsync("deployments", Ns, "doomed"))!) == "ProgressDeadlineExceeded", "deadline exceeded");
    }

    [Fact]
    public async Task AGeneratedClusterIsAdoptedWithoutChangingItsPods()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Pods = 3000, Namespaces = 5 });
        var before = server.ResourceVersion;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await ControllerTests.Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "idle", TimeSpan.FromSeconds(60));
        await Task.Delay(200);
        await ControllerTests.Eventually(() => Task.FromResult(server.Controllers!.IsIdle), "idle", TimeSpan.FromSeconds(60));
        Assert.Equal(3000, (await server.ListAsync("pods")).Count);
        Assert.True(server.ResourceVersion - before < 50, $"{server.ResourceVersion - before} writes after start");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"settled in {watch.Elapsed}");
    }
}
