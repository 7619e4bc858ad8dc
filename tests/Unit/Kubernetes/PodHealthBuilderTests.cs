using k8s.Models;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public class PodHealthBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string phase, V1ContainerStatus status, DateTimeOffset? deleting = null, V1OwnerReference? owner = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "backend-deployment-7d9f8-x2k4q",
            NamespaceProperty = "seekapa-production",
            CreationTimestamp = Now.AddHours(-3).UtcDateTime,
            DeletionTimestamp = deleting?.UtcDateTime,
            OwnerReferences = owner is null ? null : new List<V1OwnerReference> { owner },
            Labels = new Dictionary<string, string> { ["app"] = "backend" },
        },
        Spec = new V1PodSpec { NodeName = "aks-node-1", Containers = new List<V1Container> { new() { Name = "backend", Image = "backend:1.2.4" } } },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = "10.0.0.7",
            Conditions = new List<V1PodCondition> { new() { Type = "Ready", Status = status.Ready ? "True" : "False" } },
            ContainerStatuses = new List<V1ContainerStatus> { status },
        },
    };

    private static V1ContainerStatus Running(bool ready, int restarts = 0, V1ContainerStateTerminated? last = null) => new()
    {
        Name = "backend",
        Ready = ready,
        RestartCount = restarts,
        Image = "backend:1.2.4",
        ImageID = "sha256:1",
        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Now.AddMinutes(-9).UtcDateTime } },
        LastState = last is null ? null : new V1ContainerState { Terminated = last },
    };

    private static V1ContainerStateTerminated OomKilled(TimeSpan ago) => new()
    {
        Reason = "OOMKilled",
        ExitCode = 137,
        FinishedAt = (Now - ago).UtcDateTime,
        StartedAt = (Now - ago - TimeSpan.FromMinutes(30)).UtcDateTime,
    };

    [Fact]
    public void RunningAndReadyIsHealthy()
    {
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: true)), Now);
        Assert.True(health.Healthy);
        Assert.Null(health.Problem);
        Assert.Equal("Running", health.Status);
        Assert.Equal("1/1", health.Ready);
        Assert.Equal("aks-node-1", health.Node);
        Assert.Equal("10.0.0.7", health.IP);
        Assert.Equal("backend", health.Labels["app"]);
    }

    [Fact]
    public void RecentOomKillIsVisibleAfterTheRestart()
    {
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: true, restarts: 1, OomKilled(TimeSpan.FromMinutes(10)))), Now);
        Assert.Equal("Running", health.Status);
        Assert.False(health.Healthy);
        Assert.Equal("OOMKilled", health.LastTerminationReason);
        Assert.Equal(137, health.LastTerminationExitCode);
        Assert.Equal(Now.AddMinutes(-10), health.LastTerminationTime);
        Assert.Equal("backend", health.LastTerminationContainer);
        Assert.Contains("OOMKilled 10m ago", health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOldOomKillNoLongerMakesThePodUnhealthy()
    {
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: true, restarts: 1, OomKilled(TimeSpan.FromHours(2)))), Now);
        Assert.True(health.Healthy);
        Assert.Equal("OOMKilled", health.LastTerminationReason);
    }

    [Fact]
    public void RunningButNotReadyIsUnhealthyAndSaysWhichContainer()
    {
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: false)), Now);
        Assert.False(health.Healthy);
        Assert.Equal("0/1", health.Ready);
        Assert.Contains("not ready: backend", health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CrashLoopBackOffExplainsTheWaitingReasonAndLastTermination()
    {
        var status = Running(ready: false, restarts: 5, OomKilled(TimeSpan.FromMinutes(2)));
        status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = "back-off 5m0s restarting failed container" } };
        var health = PodHealthBuilder.Build(Pod("Running", status), Now);
        Assert.Equal("CrashLoopBackOff", health.Status);
        Assert.False(health.Healthy);
        Assert.Equal(5, health.Restarts);
        Assert.Contains("container backend: CrashLoopBackOff", health.Problem, StringComparison.Ordinal);
        Assert.Contains("last terminated OOMKilled 2m ago", health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CompletedIsHealthy()
    {
        var status = Running(ready: false);
        status.State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Completed", ExitCode = 0 } };
        var health = PodHealthBuilder.Build(Pod("Succeeded", status), Now);
        Assert.Equal("Completed", health.Status);
        Assert.True(health.Healthy);
    }

    [Fact]
    public void TerminatingIsUnhealthy()
    {
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: true), deleting: Now.AddMinutes(-4)), Now);
        Assert.Equal("Terminating", health.Status);
        Assert.False(health.Healthy);
        Assert.Contains("deletion requested 4m ago", health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnerIsResolvedThroughTheReplicaSet()
    {
        var owner = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "backend-deployment-7d9f8", Controller = true, Uid = "u1" };
        var health = PodHealthBuilder.Build(Pod("Running", Running(ready: true), owner: owner), Now,
            (ns, rs) => ns == "seekapa-production" && rs == "backend-deployment-7d9f8" ? new PodHealthBuilder.Owner("Deployment", "backend-deployment") : null);
        Assert.Equal("Deployment/backend-deployment", health.Owner);
        Assert.Equal("Deployment", health.OwnerKind);
        Assert.Equal("backend-deployment", health.OwnerName);

        var unresolved = PodHealthBuilder.Build(Pod("Running", Running(ready: true), owner: owner), Now, (_, _) => null);
        Assert.Equal("ReplicaSet/backend-deployment-7d9f8", unresolved.Owner);
    }
}
