using System.Collections.Concurrent;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

public sealed class RolloutWaiterCompactionTests(CompactingSandbox sandbox) : IClassFixture<CompactingSandbox>
{
    private const string Ns = RolloutSandbox.Ns;

    [Fact]
    public async Task AResumedWatchThatMeets410GoneListsAgainAndStillSeesTheRollout()
    {
        using var session = ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath, null, Ns));
        var name = RolloutSandbox.UniqueName("gone");
        await sandbox.Server.CreateAsync("deployments", System.Text.Json.Nodes.JsonNode.Parse(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + Ns + "\"}," +
            "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}}," +
            "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" +
            RolloutSandbox.CrashingImage + "\"}]}}}}")!.AsObject());

        var messages = new ConcurrentQueue<string>();
        var wait = new RolloutWaiter(session).WaitAsync(new WorkloadRef(WorkloadKind.Deployment, Ns, name), null, TimeSpan.FromSeconds(30),
            new SyncProgress(messages.Enqueue), new CancellationTokenSource(TimeSpan.FromSeconds(40)).Token);
        var dropped = 0;
        for (var i = 0; i < 100 && dropped == 0; i++)
        {
            await Task.Delay(30);
            if (!messages.IsEmpty)
            {
                // The resumed watch arrives late, after the history it needs has been compacted away.
                _ = sandbox.Server.Faults.Delay(TimeSpan.FromMilliseconds(800), 1, $"/apis/apps/v1/namespaces/{Ns}/deployments", "GET");
                dropped = sandbox.Server.Faults.DropWatches();
                if (dropped == 0)
                {
                    sandbox.Server.Faults.Clear();
                }
            }
        }

        Assert.True(dropped > 0, "the waiter's watch was open and dropped");
        for (var i = 0; i < 60; i++)
        {
            await sandbox.Server.CreateAsync("events", System.Text.Json.Nodes.JsonNode.Parse(
                "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"churn-" + name + "-" + i + "\",\"namespace\":\"" + Ns + "\"}," +
                "\"involvedObject\":{\"kind\":\"Deployment\",\"name\":\"" + name + "\",\"namespace\":\"" + Ns + "\"},\"reason\":\"Churn\",\"message\":\"x\",\"type\":\"Normal\"}")!.AsObject());
        }

        await Task.Delay(1200);
        Assert.False(wait.IsCompleted);
        await sandbox.Server.PatchAsync("deployments", Ns, name, "strategic",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry/backend:1\"}]}}}}");
        var status = await wait;
        Assert.True(status.Complete);
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
