using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.Tests.Fixtures;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

/// <summary>Twins: the real kubectl acts on one deployment, our code on an identical one; the results must match.</summary>
public sealed class KubectlParityTests : IClassFixture<RolloutSandbox>, IDisposable
{
    private const string Ns = RolloutSandbox.Ns;
    private readonly RolloutSandbox _sandbox;
    private readonly ClusterSession _session;
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "seekapa-kubectl-" + Guid.NewGuid().ToString("N"));

    public KubectlParityTests(RolloutSandbox sandbox)
    {
        _sandbox = sandbox;
        _session = sandbox.Open();
    }

    public void Dispose()
    {
        _session.Dispose();
        try
        {
            Directory.Delete(_cache, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<KubectlResult> KubectlAsync(params string[] args) => Kubectl.RunAsync(_sandbox.Server, _cache, args);

    /// <summary>The parts of a deployment a rollback writes, with the deployment's own name replaced so twins compare equal.</summary>
    private async Task<string> RolledBackStateAsync(string name)
    {
        var d = (await _sandbox.Server.GetAsync("deployments", Ns, name))!;
        var state = new JsonObject
        {
            ["annotations"] = d["metadata"]!["annotations"]!.DeepClone(),
            ["template"] = d["spec"]!["template"]!.DeepClone(),
        };
        return TemplateJson.Canonical(state).Replace(name, "NAME", StringComparison.Ordinal);
    }

    [Fact]
    public async Task UndoHasTheSameEffectAsKubectlRolloutUndo()
    {
        var theirs = await _sandbox.ThreeRevisionsAsync("kc");
        var ours = await _sandbox.ThreeRevisionsAsync("us");
        foreach (var name in new[] { theirs, ours })
        {
            // An annotation of the Deployment itself: kubectl drops it on undo (it is not on the ReplicaSet).
            await _sandbox.Server.PatchAsync("deployments", Ns, name, "merge", """{"metadata":{"annotations":{"team":"payments"}}}""");
        }

        var undo = await KubectlAsync("rollout", "undo", $"deployment/{theirs}", "-n", Ns);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        var rollbacker = new Rollbacker(_session);
        await rollbacker.ApplyAsync(await rollbacker.PlanAsync(new WorkloadRef(WorkloadKind.Deployment, Ns, ours), 0, CancellationToken.None), CancellationToken.None);
        await _sandbox.WaitUntilCompleteAsync(theirs);
        await _sandbox.WaitUntilCompleteAsync(ours);
        Assert.Equal(await RolledBackStateAsync(theirs), await RolledBackStateAsync(ours));

        var history = await KubectlAsync("rollout", "history", $"deployment/{theirs}", "-n", Ns);
        var ourHistory = await new RolloutHistoryReader(_session).ReadAsync(new WorkloadRef(WorkloadKind.Deployment, Ns, ours), null, CancellationToken.None);
        var kubectlRows = history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(p => $"{p[0]} {p[1]}").ToList();
        Assert.Equal(kubectlRows, ourHistory.Select(h => $"{h.Revision} {h.ChangeCause ?? "<none>"}").ToList());
    }

    [Fact]
    public async Task ErrorsAndSkipsSayWhatKubectlSays()
    {
        var name = await _sandbox.ThreeRevisionsAsync("kce");
        var target = new WorkloadRef(WorkloadKind.Deployment, Ns, name);
        var rollbacker = new Rollbacker(_session);

        var missing = await KubectlAsync("rollout", "undo", $"deployment/{name}", "-n", Ns, "--to-revision=9");
        var ours = await Assert.ThrowsAsync<SeekapaException>(() => rollbacker.PlanAsync(target, 9, CancellationToken.None));
        Assert.Contains(ours.Message, missing.Stderr, StringComparison.Ordinal);

        var skipped = await KubectlAsync("rollout", "undo", $"deployment/{name}", "-n", Ns, "--to-revision=3");
        Assert.Contains((await rollbacker.PlanAsync(target, 3, CancellationToken.None)).Message, skipped.Stdout, StringComparison.Ordinal);

        var status = await KubectlAsync("rollout", "status", $"deployment/{name}", "-n", Ns, "--timeout=20s");
        var ourStatus = await new RolloutWaiter(_session).WaitAsync(target, null, TimeSpan.FromSeconds(20), null, CancellationToken.None);
        Assert.Equal(status.Stdout.Trim(), ourStatus.Message);

        await _sandbox.Server.PatchAsync("deployments", Ns, name, "merge", """{"spec":{"paused":true}}""");
        var paused = await KubectlAsync("rollout", "undo", $"deployment/{name}", "-n", Ns);
        var ourPaused = await Assert.ThrowsAsync<SeekapaException>(() => rollbacker.PlanAsync(target, 0, CancellationToken.None));
        Assert.Contains(ourPaused.Message, paused.Stderr, StringComparison.Ordinal);
    }
}
