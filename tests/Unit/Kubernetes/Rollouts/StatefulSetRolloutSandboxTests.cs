using k8s;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

/// <summary>StatefulSet history (ControllerRevisions), rollback (strategic merge of the revision data) and wait, against the sandbox.</summary>
public sealed class StatefulSetRolloutSandboxTests : IClassFixture<RolloutSandbox>, IDisposable
{
    private const string Ns = RolloutSandbox.Ns;
    private readonly RolloutSandbox _sandbox;
    private readonly ClusterSession _session;

    public StatefulSetRolloutSandboxTests(RolloutSandbox sandbox)
    {
        _sandbox = sandbox;
        _session = sandbox.Open();
    }

    public void Dispose() => _session.Dispose();

    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(40)).Token;

    private Task CreateAsync(string name, string image) =>
        _sandbox.Server.CreateAsync("statefulsets", System.Text.Json.Nodes.JsonNode.Parse(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + Ns + "\"}," +
            "\"spec\":{\"replicas\":2,\"serviceName\":\"" + name + "\",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}}," +
            "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"postgres\",\"image\":\"" + image + "\"}]}}}}")!.AsObject());

    private Task SetImageAsync(string name, string image) =>
        _sandbox.Server.PatchAsync("statefulsets", Ns, name, "strategic",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"postgres\",\"image\":\"" + image + "\"}]}}}}");

    private Task<RolloutStatus> WaitAsync(string name) =>
        new RolloutWaiter(_session).WaitAsync(new WorkloadRef(WorkloadKind.StatefulSet, Ns, name), null, TimeSpan.FromSeconds(30), null, Soon());

    [Fact]
    public async Task HistoryRollbackAndWait()
    {
        var name = RolloutSandbox.UniqueName("pg");
        var target = new WorkloadRef(WorkloadKind.StatefulSet, Ns, name);
        await CreateAsync(name, "postgres:16.1");
        Assert.True((await WaitAsync(name)).Complete);
        await SetImageAsync(name, "postgres:16.2");
        var status = await WaitAsync(name);
        Assert.True(status.Complete);
        Assert.StartsWith("statefulset rolling update complete 2 pods at revision ", status.Message, StringComparison.Ordinal);

        var history = await new RolloutHistoryReader(_session).ReadAsync(target, null, Soon());
        Assert.Equal(new[] { 1, 2 }, history.Select(h => h.Revision));
        Assert.Equal(new[] { "postgres:16.1", "postgres:16.2" }, history.Select(h => h.Images.Single()));
        Assert.Equal(new[] { false, true }, history.Select(h => h.IsCurrent));

        var rollbacker = new Rollbacker(_session);
        var plan = await rollbacker.PlanAsync(target, 0, Soon());
        Assert.Equal((2, 1), (plan.FromRevision!.Value, plan.ToRevision));
        Assert.False((await rollbacker.ApplyAsync(plan, Soon())).Skipped);
        Assert.True((await WaitAsync(name)).Complete);
        var set = await _session.Client.AppsV1.ReadNamespacedStatefulSetAsync(name, Ns);
        Assert.Equal("postgres:16.1", set.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(2, set.Spec.Replicas);

        // Now the template matches revision 1's data (re-used as revision 3): skipped, kubectl's text.
        var again = await rollbacker.PlanAsync(target, 3, Soon());
        Assert.True(again.Skipped);
        Assert.Equal("skipped rollback (current template already matches revision 3)", again.Message);
        var missing = await Assert.ThrowsAsync<SeekapaException>(() => rollbacker.PlanAsync(target, 9, Soon()));
        Assert.Equal("RevisionNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task MissingStatefulSetIsStatefulSetNotFound()
    {
        var target = new WorkloadRef(WorkloadKind.StatefulSet, Ns, "no-such-sts");
        Assert.Equal("StatefulSetNotFound", (await Assert.ThrowsAsync<SeekapaException>(() => new Rollbacker(_session).PlanAsync(target, 0, Soon()))).ErrorId);
        Assert.Equal("StatefulSetNotFound", (await Assert.ThrowsAsync<SeekapaException>(() => WaitAsync("no-such-sts"))).ErrorId);
    }
}
