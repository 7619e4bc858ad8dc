using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The 'bad-deploy' scenario on short simulated delays, with a private kubectl cache, shared by a test class.</summary>
public sealed class RolloutSandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("seekapa-kubectl-cache-").FullName;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(ControllerTests.FastOptions("bad-deploy"));

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(CacheDir, recursive: true);
    }

    public Task<KubectlResult> Kubectl(params string[] args) => Sandbox.Kubectl.RunAsync(Server, CacheDir, args);

    /// <summary>kubectl apply -f of a manifest written to a temp file.</summary>
    public async Task<KubectlResult> Apply(string manifest)
    {
        var file = Path.Combine(CacheDir, $"manifest-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, manifest);
        return await Kubectl("apply", "-f", file);
    }
}

/// <summary>kubectl rollout status / history / undo / restart / pause / resume against the in-process controllers.</summary>
public sealed class KubectlRolloutTests(RolloutSandboxFixture sandbox) : IClassFixture<RolloutSandboxFixture>
{
    private const string Ns = "seekapa-production";

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static void Ok(KubectlResult r) => Assert.True(r.ExitCode == 0, r.ToString());

    private async Task<List<JsonObject>> ReplicaSets(string app) =>
        (await sandbox.Server.ListAsync("replicasets", Ns, $"app={app}"))
        .OrderBy(r => long.Parse((string?)r["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] ?? "0")).ToList();

    private static string? Annotation(JsonObject o, string key) => (string?)o["metadata"]!["annotations"]?[key];

    private static string Image(JsonObject o) => (string)o["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;

    private static string Deployment(string name, string image, int replicas, string annotations = "{}", string extraSpec = "") => $$"""
        { "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": { "name": "{{name}}", "namespace": "{{Ns}}", "annotations": {{annotations}} },
          "spec": { "replicas": {{replicas}}, "selector": { "matchLabels": { "app": "{{name}}" } }, {{extraSpec}}
                    "template": { "metadata": { "labels": { "app": "{{name}}" } },
                                  "spec": { "containers": [ { "name": "app", "image": "{{image}}" } ] } } } }
        """;

    [Fact]
    public async Task CreateDeploymentThenRolloutStatusReportsSuccess()
    {
        Ok(await sandbox.Apply(Deployment("web", "nginx:1.27", 3)));
        var status = await sandbox.Kubectl("rollout", "status", "deployment/web", "-n", Ns, "--timeout=60s");
        Ok(status);
        Assert.Contains("deployment \"web\" successfully rolled out", status.Stdout, StringComparison.Ordinal);

        var pods = await sandbox.Kubectl("get", "pods", "-n", Ns, "-l", "app=web");
        Ok(pods);
        var rows = Lines(pods.Stdout).Skip(1).Select(Cells).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(["1/1", "Running", "0"], r[1..4]));
    }

    [Fact]
    public async Task SetImageHistoryAndUndoFollowTheRevisionRules()
    {
        Ok(await sandbox.Apply(Deployment("hist", "nginx:1.25", 2, """{ "kubernetes.io/change-cause": "initial" }""")));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hist", "-n", Ns, "--timeout=60s"));
        Ok(await sandbox.Kubectl("set", "image", "deployment/hist", "app=nginx:1.26", "-n", Ns));
        Ok(await sandbox.Kubectl("annotate", "deployment/hist", "kubernetes.io/change-cause=bump to 1.26", "--overwrite", "-n", Ns));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hist", "-n", Ns, "--timeout=60s"));

        await ControllerTests.Eventually(async () => Annotation((await ReplicaSets("hist"))[^1], "kubernetes.io/change-cause") == "bump to 1.26", "change-cause copied");
        var history = await sandbox.Kubectl("rollout", "history", "deployment/hist", "-n", Ns);
        Ok(history);
        var lines = Lines(history.Stdout);
        Assert.Equal("deployment.apps/hist", lines[0]);
        Assert.Equal(["REVISION", "CHANGE-CAUSE"], Cells(lines[1]));
        Assert.Equal("1         initial", lines[2]);
        Assert.Equal("2         bump to 1.26", lines[3]);

        // undo: the second-highest revision (1) comes back as revision 3, remembering "1".
        var undo = await sandbox.Kubectl("rollout", "undo", "deployment/hist", "-n", Ns);
        Ok(undo);
        Assert.Contains("deployment.apps/hist rolled back", undo.Stdout, StringComparison.Ordinal);
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hist", "-n", Ns, "--timeout=60s"));
        var rs = await ReplicaSets("hist");
        Assert.Equal(2, rs.Count);
        Assert.Equal("nginx:1.25", Image(rs[^1]));
        Assert.Equal("3", Annotation(rs[^1], "deployment.kubernetes.io/revision"));
        Assert.Equal("1", Annotation(rs[^1], "deployment.kubernetes.io/revision-history"));
        var d = (await sandbox.Server.GetAsync("deployments", Ns, "hist"))!;
        Assert.Equal("3", Annotation(d, "deployment.kubernetes.io/revision"));
        Assert.Equal("initial", Annotation(d, "kubernetes.io/change-cause"));

        // undo --to-revision=2: that ReplicaSet becomes revision 4 with history "2".
        Ok(await sandbox.Kubectl("rollout", "undo", "deployment/hist", "--to-revision=2", "-n", Ns));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hist", "-n", Ns, "--timeout=60s"));
        rs = await ReplicaSets("hist");
        Assert.Equal("nginx:1.26", Image(rs[^1]));
        Assert.Equal("4", Annotation(rs[^1], "deployment.kubernetes.io/revision"));
        Assert.Equal("2", Annotation(rs[^1], "deployment.kubernetes.io/revision-history"));

        history = await sandbox.Kubectl("rollout", "history", "deployment/hist", "-n", Ns);
        Assert.Equal(["3         initial", "4         bump to 1.26"], Lines(history.Stdout)[2..]);
        var missing = await sandbox.Kubectl("rollout", "undo", "deployment/hist", "--to-revision=9", "-n", Ns);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("unable to find specified revision 9 in history", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutStatusFailsWhenACrashingImageExceedsTheProgressDeadline()
    {
        sandbox.Server.MarkImageCrashing("busybox:crash");
        Ok(await sandbox.Apply(Deployment("crashy", "busybox:crash", 2, extraSpec: """ "progressDeadlineSeconds": 2, """)));
        var status = await sandbox.Kubectl("rollout", "status", "deployment/crashy", "-n", Ns, "--timeout=60s");
        Assert.NotEqual(0, status.ExitCode);
        Assert.Contains("error: deployment \"crashy\" exceeded its progress deadline", status.Stderr, StringComparison.Ordinal);
        var pods = await sandbox.Kubectl("get", "pods", "-n", Ns, "-l", "app=crashy");
        Assert.All(Lines(pods.Stdout).Skip(1).Select(Cells), r => Assert.Equal(["0/1", "CrashLoopBackOff"], r[1..3]));
    }

    [Fact]
    public async Task TheBadDeployIsRolledBackWithUndo()
    {
        var before = await sandbox.Kubectl("rollout", "status", "deployment/backend-deployment", "-n", Ns, "--timeout=20s");
        Assert.NotEqual(0, before.ExitCode);
        Assert.Contains("error: deployment \"backend-deployment\" exceeded its progress deadline", before.Stderr, StringComparison.Ordinal);

        var history = await sandbox.Kubectl("rollout", "history", "deployment/backend-deployment", "-n", Ns);
        Ok(history);
        Assert.Equal(["1         deploy 2.13.0 (ci run 4610)", "2         deploy 2.14.0 (ci run 4755)", "3         deploy 2.14.1 (ci run 4821)"],
            Lines(history.Stdout)[2..]);

        Ok(await sandbox.Kubectl("rollout", "undo", "deployment/backend-deployment", "-n", Ns));
        var after = await sandbox.Kubectl("rollout", "status", "deployment/backend-deployment", "-n", Ns, "--timeout=60s");
        Ok(after);
        Assert.Contains("deployment \"backend-deployment\" successfully rolled out", after.Stdout, StringComparison.Ordinal);
        var rs = (await sandbox.Server.GetAsync("replicasets", Ns, "backend-deployment-5f8c9d7b4d"))!;
        Assert.Equal("4", Annotation(rs, "deployment.kubernetes.io/revision"));
        Assert.Equal("2", Annotation(rs, "deployment.kubernetes.io/revision-history"));
        Assert.Equal(3, (int?)rs["spec"]!["replicas"]);
        Assert.Equal(0, (int?)(await sandbox.Server.GetAsync("replicasets", Ns, "backend-deployment-7c9b5d8f6b"))!["spec"]!["replicas"]);
        await ControllerTests.Eventually(async () => (await sandbox.Server.ListAsync("pods", Ns, "pod-template-hash=7c9b5d8f6b")).Count == 0,
            "crash-looping pods gone");
    }

    [Fact]
    public async Task RestartReplacesEveryPodThroughANewReplicaSet()
    {
        Ok(await sandbox.Apply(Deployment("restart", "nginx:1.27", 2)));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/restart", "-n", Ns, "--timeout=60s"));
        var oldPods = (await sandbox.Server.ListAsync("pods", Ns, "app=restart")).Select(p => (string)p["metadata"]!["name"]!).ToHashSet();

        var restart = await sandbox.Kubectl("rollout", "restart", "deployment/restart", "-n", Ns);
        Ok(restart);
        Assert.Contains("deployment.apps/restart restarted", restart.Stdout, StringComparison.Ordinal);
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/restart", "-n", Ns, "--timeout=60s"));
        await ControllerTests.Eventually(async () =>
        {
            var pods = await sandbox.Server.ListAsync("pods", Ns, "app=restart");
            return pods.Count == 2 && pods.All(p => !oldPods.Contains((string)p["metadata"]!["name"]!));
        }, "pods replaced");
        var rs = await ReplicaSets("restart");
        Assert.Equal(2, rs.Count);
        Assert.NotNull(rs[^1]["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
    }

    [Fact]
    public async Task PauseHoldsARolloutUntilResume()
    {
        Ok(await sandbox.Apply(Deployment("hold", "nginx:1.27", 2)));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hold", "-n", Ns, "--timeout=60s"));
        Ok(await sandbox.Kubectl("rollout", "pause", "deployment/hold", "-n", Ns));
        Ok(await sandbox.Kubectl("set", "image", "deployment/hold", "app=nginx:1.28", "-n", Ns));
        await Task.Delay(500);
        Assert.Single(await ReplicaSets("hold"));
        var restart = await sandbox.Kubectl("rollout", "restart", "deployment/hold", "-n", Ns);
        Assert.NotEqual(0, restart.ExitCode);
        Assert.Contains("can't restart paused deployment (run rollout resume first)", restart.Stderr, StringComparison.Ordinal);

        Ok(await sandbox.Kubectl("rollout", "resume", "deployment/hold", "-n", Ns));
        Ok(await sandbox.Kubectl("rollout", "status", "deployment/hold", "-n", Ns, "--timeout=60s"));
        var rs = await ReplicaSets("hold");
        Assert.Equal(2, rs.Count);
        Assert.Equal("nginx:1.28", Image(rs[^1]));
    }

    [Fact]
    public async Task GetDeploymentsAllNamespacesPrintsTheColumns()
    {
        var r = await sandbox.Kubectl("get", "deployments", "-A");
        Ok(r);
        Assert.Equal(["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], Cells(Lines(r.Stdout)[0]));
        var backend = Cells(Lines(r.Stdout).Single(l => l.Contains(" backend-deployment ", StringComparison.Ordinal)));
        Assert.Equal(Ns, backend[0]);
        Assert.Equal("90d", backend[5]);
        var coredns = Cells(Lines(r.Stdout).Single(l => l.Contains(" coredns ", StringComparison.Ordinal)));
        Assert.Equal(["kube-system", "coredns", "2/2", "2", "2", "400d"], coredns);
    }

    [Fact]
    public async Task GetStatefulSetsAndControllerRevisionsPrintTheirColumns()
    {
        var sts = await sandbox.Kubectl("get", "statefulsets", "-n", Ns);
        Ok(sts);
        Assert.Equal(["NAME", "READY", "AGE"], Cells(Lines(sts.Stdout)[0]));
        Assert.Equal(["postgres", "1/1", "120d"], Cells(Lines(sts.Stdout).Single(l => l.StartsWith("postgres ", StringComparison.Ordinal))));

        var revisions = await sandbox.Kubectl("get", "controllerrevisions", "-n", Ns);
        Ok(revisions);
        Assert.Equal(["NAME", "CONTROLLER", "REVISION", "AGE"], Cells(Lines(revisions.Stdout)[0]));
        Assert.Contains(Lines(revisions.Stdout), l => Cells(l) is ["postgres-6b8f9c7d5d", "statefulset.apps/postgres", "1", _]);
    }

    [Fact]
    public async Task StatefulSetHistoryAndUndoUseControllerRevisions()
    {
        var history = await sandbox.Kubectl("rollout", "history", "statefulset/postgres-read", "-n", Ns);
        Ok(history);
        var lines = Lines(history.Stdout);
        Assert.Equal("statefulset.apps/postgres-read", lines[0]);
        Assert.Equal(["1         <none>", "2         <none>"], lines[2..]);

        var one = await sandbox.Kubectl("rollout", "history", "statefulset/postgres-read", "--revision=1", "-n", Ns);
        Ok(one);
        Assert.Contains("postgres:15.3", one.Stdout, StringComparison.Ordinal);

        var undo = await sandbox.Kubectl("rollout", "undo", "statefulset/postgres-read", "-n", Ns);
        Ok(undo);
        Assert.Contains("statefulset.apps/postgres-read rolled back", undo.Stdout, StringComparison.Ordinal);
        var status = await sandbox.Kubectl("rollout", "status", "statefulset/postgres-read", "-n", Ns, "--timeout=60s");
        Ok(status);

        var sts = (await sandbox.Server.GetAsync("statefulsets", Ns, "postgres-read"))!;
        Assert.Equal("postgres:15.3", Image(sts));
        Assert.Equal("postgres-read-5d8f7c9b6d", (string?)sts["status"]!["updateRevision"]);
        Assert.Equal(3, (long?)(await sandbox.Server.GetAsync("controllerrevisions", Ns, "postgres-read-5d8f7c9b6d"))!["revision"]);
        history = await sandbox.Kubectl("rollout", "history", "statefulset/postgres-read", "-n", Ns);
        Assert.Equal(["2         <none>", "3         <none>"], Lines(history.Stdout)[2..]);
        foreach (var pod in await sandbox.Server.ListAsync("pods", Ns, "app=postgres-read"))
        {
            Assert.Equal("postgres-read-5d8f7c9b6d", (string?)pod["metadata"]!["labels"]!["controller-revision-hash"]);
            Assert.Equal("postgres:15.3", (string?)pod["spec"]!["containers"]![0]!["image"]);
        }
    }
}
