using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

/// <summary>History, rollback and the waiter against the in-process sandbox (real HTTP, the deployment controller, pods).</summary>
public sealed class RolloutSandboxTests : IClassFixture<RolloutSandbox>, IDisposable
{
    private const string Ns = RolloutSandbox.Ns;
    private readonly RolloutSandbox _sandbox;
    private readonly ClusterSession _session;

    public RolloutSandboxTests(RolloutSandbox sandbox)
    {
        _sandbox = sandbox;
        _session = sandbox.Open();
    }

    public void Dispose() => _session.Dispose();

    private static WorkloadRef Ref(string name) => new(WorkloadKind.Deployment, Ns, name);

    private static CancellationToken Soon(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private Task<V1Deployment> GetAsync(string name) => _session.Client.AppsV1.ReadNamespacedDeploymentAsync(name, Ns);

    [Fact]
    public async Task HistoryListsTheThreeRevisionsWithImagesChangeCausesAndTheCurrentOne()
    {
        var name = await _sandbox.ThreeRevisionsAsync("hist");
        var history = await new RolloutHistoryReader(_session).ReadAsync(Ref(name), null, Soon());
        Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Revision));
        Assert.Equal(new[] { "registry/backend:1", "registry/backend:2", "registry/backend:3" }, history.Select(h => h.Images.Single()));
        Assert.Equal(new[] { false, false, true }, history.Select(h => h.IsCurrent));
        Assert.Equal("set image registry/backend:2", history[1].ChangeCause);
        Assert.All(history, h => Assert.StartsWith(name + "-", h.ReplicaSet, StringComparison.Ordinal));
        Assert.Equal(2, Assert.Single(await new RolloutHistoryReader(_session).ReadAsync(Ref(name), 2, Soon())).Revision);
        var missing = await Assert.ThrowsAsync<SeekapaException>(() => new RolloutHistoryReader(_session).ReadAsync(Ref(name), 9, Soon()));
        Assert.Equal("RevisionNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task HistoryOfAMissingDeploymentIsDeploymentNotFound()
    {
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new RolloutHistoryReader(_session).ReadAsync(Ref("no-such-deploy"), null, Soon()));
        Assert.Equal("DeploymentNotFound", ex.ErrorId);
    }

    [Fact]
    public async Task UndoMakesThePreviousReplicaSetRevisionFourWithRevisionHistory()
    {
        var name = await _sandbox.ThreeRevisionsAsync("undo");
        var rollbacker = new Rollbacker(_session);
        var plan = await rollbacker.PlanAsync(Ref(name), 0, Soon());
        Assert.Equal((3, 2), (plan.FromRevision!.Value, plan.ToRevision));
        var landed = await rollbacker.ApplyAsync(plan, Soon());
        Assert.False(landed.Skipped);
        var status = await new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(20), null, Soon());
        Assert.True(status.Complete);
        Assert.Equal(4, status.Revision);

        var deployment = await GetAsync(name);
        Assert.Equal("registry/backend:2", deployment.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("4", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        // The ReplicaSet's annotations came back (change-cause of revision 2), not the one of revision 3.
        Assert.Equal("set image registry/backend:2", deployment.Metadata.Annotations["kubernetes.io/change-cause"]);
        var history = await new RolloutHistoryReader(_session).ReadAsync(Ref(name), null, Soon());
        Assert.Equal(new[] { 1, 3, 4 }, history.Select(h => h.Revision));
        var reused = history.Single(h => h.Revision == 4);
        Assert.True(reused.IsCurrent);
        Assert.Equal(new[] { 2 }, reused.PreviousRevisions);
        Assert.Equal("registry/backend:2", reused.Images.Single());
    }

    [Fact]
    public async Task ExplicitRevisionAndSkippedWhenAlreadyThere()
    {
        var name = await _sandbox.ThreeRevisionsAsync("torev");
        var rollbacker = new Rollbacker(_session);
        var skipped = await rollbacker.PlanAsync(Ref(name), 3, Soon());
        Assert.True(skipped.Skipped);
        Assert.Equal("skipped rollback (current template already matches revision 3)", skipped.Message);
        var before = await _sandbox.SettledResourceVersionAsync(name);
        Assert.True((await rollbacker.ApplyAsync(skipped, Soon())).Skipped);
        Assert.Equal(before, (await GetAsync(name)).Metadata.ResourceVersion);

        await rollbacker.ApplyAsync(await rollbacker.PlanAsync(Ref(name), 1, Soon()), Soon());
        await _sandbox.WaitUntilCompleteAsync(name);
        Assert.Equal("registry/backend:1", (await GetAsync(name)).Spec.Template.Spec.Containers[0].Image);
        var missing = await Assert.ThrowsAsync<SeekapaException>(() => rollbacker.PlanAsync(Ref(name), 1, Soon()));
        Assert.Equal("RevisionNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task PausedDeploymentIsRefused()
    {
        var name = await _sandbox.ThreeRevisionsAsync("paused");
        await _sandbox.Server.PatchAsync("deployments", Ns, name, "merge", """{"spec":{"paused":true}}""");
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new Rollbacker(_session).PlanAsync(Ref(name), 0, Soon()));
        Assert.Equal("DeploymentPaused", ex.ErrorId);
    }

    [Fact]
    public async Task AConcurrentWriterCausesA409AndTheRollbackIsReplannedNotLost()
    {
        var name = await _sandbox.ThreeRevisionsAsync("race");
        var rollbacker = new Rollbacker(_session);
        var plan = await rollbacker.PlanAsync(Ref(name), 0, Soon());
        // Someone scales the deployment between our read and our patch.
        await _sandbox.Server.PatchAsync("deployments", Ns, name, "merge", """{"spec":{"replicas":3}}""");

        // The stale plan alone is refused by the server: the resourceVersion pin works.
        var stale = await Assert.ThrowsAsync<SeekapaException>(() => new WorkloadClient(_session).PatchAsync(
            Ref(name), new V1Patch(plan.PatchDocument!, V1Patch.PatchType.JsonPatch), false, Soon()));
        Assert.Equal("Conflict", stale.ErrorId);

        var landed = await rollbacker.ApplyAsync(plan, Soon());
        Assert.NotEqual(plan.ResourceVersion, landed.ResourceVersion);
        var deployment = await GetAsync(name);
        Assert.Equal("registry/backend:2", deployment.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(3, deployment.Spec.Replicas);
    }

    [Fact]
    public async Task ARollbackSucceedsThroughThrottlingAndServerErrorBursts()
    {
        var name = await _sandbox.ThreeRevisionsAsync("burst");
        var prefix = $"/apis/apps/v1/namespaces/{Ns}/deployments/{name}";
        // 429 is retried for every verb (Retry-After honoured); 503 only for reads, which the planning does.
        var throttled = _sandbox.Server.Faults.Throttle(2, TimeSpan.FromMilliseconds(50), prefix, "PATCH");
        var unavailable = _sandbox.Server.Faults.Respond(503, 3, prefix, "GET");
        var rollbacker = new Rollbacker(_session);
        var landed = await rollbacker.ApplyAsync(await rollbacker.PlanAsync(Ref(name), 0, Soon()), Soon());
        Assert.Equal((2, 3), (throttled.Hits, unavailable.Hits));
        Assert.False(landed.Skipped);
        Assert.Equal("registry/backend:2", (await GetAsync(name)).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task AFailedRollbackPatchLeavesTheDeploymentAsItWas()
    {
        var name = await _sandbox.ThreeRevisionsAsync("fail");
        var before = await _sandbox.SettledResourceVersionAsync(name);
        var beforeTemplate = KubernetesJson.Serialize((await GetAsync(name)).Spec.Template);
        var prefix = $"/apis/apps/v1/namespaces/{Ns}/deployments/{name}";
        // A write is not retried on 5xx (it may or may not have landed); the server here refused it outright.
        var failure = _sandbox.Server.Faults.Respond(500, 1, prefix, "PATCH");
        var rollbacker = new Rollbacker(_session);
        var ex = await Assert.ThrowsAsync<SeekapaException>(async () =>
            await rollbacker.ApplyAsync(await rollbacker.PlanAsync(Ref(name), 0, Soon()), Soon()));
        Assert.Equal("ClusterError", ex.ErrorId);
        Assert.Equal(1, failure.Hits);
        var after = await GetAsync(name);
        Assert.Equal(before, after.Metadata.ResourceVersion);
        Assert.Equal(beforeTemplate, KubernetesJson.Serialize(after.Spec.Template));
        Assert.Equal("3", after.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task WaiterReportsKubectlsMessagesAndCompletes()
    {
        var name = RolloutSandbox.UniqueName("wait");
        await _sandbox.CreateDeploymentAsync(name, "registry/backend:1", replicas: 3);
        var messages = new ConcurrentQueue<string>();
        var status = await new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(20), new SyncProgress(messages.Enqueue), Soon());
        Assert.True(status.Complete);
        Assert.Equal(RolloutState.Complete, status.State);
        Assert.Equal($"deployment \"{name}\" successfully rolled out", status.Message);
        Assert.Equal((3, 3, 3), (status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas));
        Assert.Equal(status.Message, messages.Last());
        Assert.Contains(messages, m => m.StartsWith($"Waiting for deployment \"{name}\" rollout to finish", StringComparison.Ordinal)
            || m == "Waiting for deployment spec update to be observed...");
    }

    [Fact]
    public async Task WaiterFailsWhenTheProgressDeadlineIsExceeded()
    {
        var name = RolloutSandbox.UniqueName("crash");
        await _sandbox.CreateDeploymentAsync(name, "registry/backend:1", progressDeadlineSeconds: 2);
        await _sandbox.WaitUntilCompleteAsync(name);
        await _sandbox.SetImageAsync(name, RolloutSandbox.CrashingImage);
        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(30), null, Soon(40)));
        Assert.Equal("RolloutFailed", ex.ErrorId);
        Assert.StartsWith($"deployment \"{name}\" exceeded its progress deadline", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaiterTimesOutWithTheLastStatus()
    {
        var name = RolloutSandbox.UniqueName("slow");
        await _sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, progressDeadlineSeconds: 600);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(1.5), null, Soon()));
        Assert.Equal("RolloutTimeout", ex.ErrorId);
        Assert.Equal(FailureCategory.OperationTimeout, ex.Category);
        Assert.Contains($"Waiting for deployment \"{name}\" rollout to finish", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaiterStopsPromptlyWhenCancelled()
    {
        var name = RolloutSandbox.UniqueName("cancel");
        await _sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromMinutes(5), null, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task DeletedWhileWaitingIsRolloutFailed()
    {
        var name = RolloutSandbox.UniqueName("gone");
        await _sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage);
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(20),
            new SyncProgress(_ => watching.TrySetResult()), Soon());
        // Delete only once the waiter has read the deployment (a first status message): before that it would be a 404.
        await watching.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await _sandbox.Server.DeleteAsync("deployments", Ns, name);
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => wait);
        Assert.Equal("RolloutFailed", ex.ErrorId);
        Assert.Contains("object has been deleted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitingForAMissingDeploymentIsDeploymentNotFound()
    {
        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new RolloutWaiter(_session).WaitAsync(Ref("not-there"), null, TimeSpan.FromSeconds(5), null, Soon()));
        Assert.Equal("DeploymentNotFound", ex.ErrorId);
    }

    [Fact]
    public async Task WaiterSurvivesThrottlingAndServerErrors()
    {
        var name = RolloutSandbox.UniqueName("faults");
        await _sandbox.CreateDeploymentAsync(name, "registry/backend:1", replicas: 3);
        await _sandbox.WaitUntilCompleteAsync(name);
        await _sandbox.SetImageAsync(name, "registry/backend:2");
        var prefix = $"/apis/apps/v1/namespaces/{Ns}/deployments";
        var throttle = _sandbox.Server.Faults.Throttle(3, TimeSpan.FromMilliseconds(100), prefix, "GET");
        var errors = _sandbox.Server.Faults.Respond(503, 5, prefix, "GET");
        var status = await new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(30), null, Soon(40));
        Assert.True(status.Complete);
        Assert.Equal(3, throttle.Hits);
        Assert.Equal(5, errors.Hits);
        Assert.Equal(2, status.Revision);
    }

    [Fact]
    public async Task WaiterResumesDroppedWatchesAndSeesTheRolloutFinish()
    {
        var name = RolloutSandbox.UniqueName("drops");
        await _sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, replicas: 2);
        var messages = new ConcurrentQueue<string>();
        var wait = new RolloutWaiter(_session).WaitAsync(Ref(name), null, TimeSpan.FromSeconds(30), new SyncProgress(messages.Enqueue), Soon(40));
        var dropped = 0;
        for (var i = 0; i < 200 && dropped < 3 && !wait.IsCompleted; i++)
        {
            await Task.Delay(30);
            dropped += _sandbox.Server.Faults.DropWatches();
        }

        Assert.False(wait.IsCompleted);
        Assert.True(dropped >= 3, $"dropped {dropped} watches");
        // The fix lands after the drops: only a resumed watch can see it.
        await _sandbox.SetImageAsync(name, "registry/backend:2");
        var status = await wait;
        Assert.True(status.Complete);
        Assert.Equal($"deployment \"{name}\" successfully rolled out", status.Message);
    }

    [Fact]
    public async Task GetDeploymentShowsRevisionImagesAndState()
    {
        var name = await _sandbox.ThreeRevisionsAsync("get");
        var reader = new DeploymentReader(_session);
        var items = new List<Deployment>();
        await foreach (var d in reader.ReadAsync(new DeploymentQuery(Ns, false, null, new NameFilter(new[] { name, "zzz-missing" })), Soon()))
        {
            items.Add(d);
        }

        var deployment = Assert.Single(items);
        Assert.Equal(3, deployment.Revision);
        Assert.Equal("2/2", deployment.Ready);
        Assert.Equal(new[] { "registry/backend:3" }, deployment.Images);
        Assert.Equal(RolloutState.Complete, deployment.RolloutState);
        Assert.Equal($"app={name}", deployment.Selector);
        Assert.Equal(new[] { "zzz-missing" }, reader.MissingNames);
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and reorder messages).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
