using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Triage;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Triage;

public sealed class TriageRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static PodHealth Pod(string name, string status, string? phase = "Running", string? last = null, DateTimeOffset? lastAt = null,
        bool healthy = false, string owner = "backend-deployment", int restarts = 0, string? problem = null) => new()
    {
        Namespace = "prod",
        Name = name,
        Status = status,
        Phase = phase,
        Healthy = healthy,
        Problem = healthy ? null : problem ?? status,
        LastTerminationReason = last,
        LastTerminationTime = lastAt,
        LastTerminationContainer = last is null ? null : "backend",
        OwnerKind = "Deployment",
        OwnerName = owner,
        Owner = $"Deployment/{owner}",
        Restarts = restarts,
    };

    [Fact]
    public void PodsAreGroupedByProblemKindPerWorkload()
    {
        var pods = new[]
        {
            Pod("a-1", "CrashLoopBackOff", last: "Error", lastAt: Now.AddMinutes(-1), restarts: 5),
            Pod("a-2", "CrashLoopBackOff", last: "Error", lastAt: Now.AddMinutes(-2), restarts: 7),
            Pod("b-1", "CrashLoopBackOff", last: "OOMKilled", lastAt: Now.AddMinutes(-3), owner: "worker"),
            Pod("b-2", "Running", last: "OOMKilled", lastAt: Now.AddMinutes(-10), healthy: true, owner: "worker"),
            Pod("c-1", "Running", last: "OOMKilled", lastAt: Now.AddHours(-3), healthy: true, owner: "old"),
            Pod("d-1", "ImagePullBackOff", phase: "Pending", owner: "web"),
            Pod("e-1", "Pending", phase: "Pending", owner: "big", problem: "not scheduled: Unschedulable (0/12 nodes are available)"),
            Pod("f-1", "Running", healthy: true, owner: "fine"),
        };

        var findings = TriageRules.PodFindings(pods, Now);

        Assert.Equal(4, findings.Count);
        var crash = Assert.Single(findings, f => f.Evidence.Contains("CrashLoopBackOff", StringComparison.Ordinal));
        Assert.Equal("prod/Deployment/backend-deployment", crash.Target);
        Assert.Contains("2 pods", crash.Evidence, StringComparison.Ordinal);
        Assert.Contains("12 restarts", crash.Evidence, StringComparison.Ordinal);
        Assert.Equal("Get-SeekapaPodLog -Deployment backend-deployment -Namespace prod -Previous -Tail 100", crash.NextStep);
        var oom = Assert.Single(findings, f => f.Target == "prod/Deployment/worker");
        Assert.Contains("2 pods OOMKilled", oom.Evidence, StringComparison.Ordinal);
        Assert.Equal(("SEV-3", RunbookSections.MemoryLeakOomKills), (oom.Severity, oom.RunbookSection));
        Assert.Contains(findings, f => f.Target == "prod/Deployment/web" && f.Evidence.Contains("cannot pull", StringComparison.Ordinal));
        var pending = Assert.Single(findings, f => f.Target == "prod/Deployment/big");
        Assert.Equal("SEV-4", pending.Severity);
        Assert.DoesNotContain(findings, f => f.Target.EndsWith("/old", StringComparison.Ordinal));
    }

    private static Deployment Dep(string name, RolloutState state, int replicas, int available) => new()
    {
        Namespace = "prod", Name = name, RolloutState = state, Replicas = replicas, AvailableReplicas = available,
        UpdatedReplicas = 1, Revision = 3, Message = "ReplicaSet has timed out progressing.",
    };

    [Fact]
    public void RolloutSeverityFollowsAvailability()
    {
        var change = new RecentChange
        {
            Kind = WorkloadKind.Deployment, Namespace = "prod", Name = "partial", Revision = 3, IsCurrent = true, Age = "20m",
            ChangeCause = "deploy 2.14.1", ImagesBefore = new[] { "reg/backend:2.14.0" }, ImagesAfter = new[] { "reg/backend:2.14.1" },
        };
        var findings = TriageRules.RolloutFindings(new[]
        {
            Dep("down", RolloutState.Failed, 3, 0),
            Dep("partial", RolloutState.Failed, 3, 2),
            Dep("stuck", RolloutState.Progressing, 3, 1),
            Dep("fine", RolloutState.Complete, 3, 3),
        }, new[] { change });

        Assert.Equal(3, findings.Count);
        Assert.Equal("SEV-1", findings.Single(f => f.Target == "prod/Deployment/down").Severity);
        var partial = findings.Single(f => f.Target == "prod/Deployment/partial");
        Assert.Equal("SEV-2", partial.Severity);
        Assert.Contains("reg/backend:2.14.0 -> 2.14.1", partial.Evidence, StringComparison.Ordinal);
        Assert.Equal("Invoke-SeekapaRollback partial -Namespace prod -WhatIf", partial.NextStep);
        Assert.Equal(RunbookSections.RollbackProcedures, partial.RunbookSection);
        Assert.Equal("SEV-3", findings.Single(f => f.Target == "prod/Deployment/stuck").Severity);
    }

    [Fact]
    public void WarningEventsAreGroupedByReasonWithCounts()
    {
        ClusterEvent Ev(string reason, string obj, int count, string type = "Warning") => new()
        {
            Namespace = "prod", Type = type, Reason = reason, ObjectKind = "Pod", ObjectName = obj, Object = $"pod/{obj}", Count = count,
            Message = $"{reason} happened", LastSeen = Now.AddMinutes(-count),
        };
        var findings = TriageRules.EventFindings(new[]
        {
            Ev("BackOff", "a", 10), Ev("BackOff", "b", 4), Ev("OOMKilling", "c", 1), Ev("Scheduled", "d", 1, "Normal"),
        }, TimeSpan.FromHours(1));

        Assert.Equal(2, findings.Count);
        var backOff = findings.Single(f => f.Evidence.Contains("BackOff", StringComparison.Ordinal));
        Assert.StartsWith("14 BackOff warnings on 2 objects", backOff.Evidence, StringComparison.Ordinal);
        Assert.Equal(("SEV-4", "prod/Pod/a (+1 more)"), (backOff.Severity, backOff.Target));
        Assert.Equal("Get-SeekapaEvent -Namespace prod -Type Warning -Reason BackOff -Since 1h", backOff.NextStep);
        Assert.Equal("SEV-3", findings.Single(f => f.Evidence.Contains("OOMKilling", StringComparison.Ordinal)).Severity);
    }

    [Fact]
    public void MemoryPressureSuggestsADoubledLimitAndFailuresAreInfo()
    {
        var pods = new Dictionary<(string Namespace, string Name), PodHealth> { [("prod", "a-1")] = Pod("a-1", "Running", healthy: true) };
        var findings = TriageRules.MemoryFindings(new[]
        {
            new PodResourceUsage { Namespace = "prod", Name = "a-1", Container = "backend", Memory = "1003Mi", MemoryLimit = "1Gi", MemoryLimitPercent = 97.9 },
            new PodResourceUsage { Namespace = "prod", Name = "a-2", Container = "backend", Memory = "500Mi", MemoryLimit = "1Gi", MemoryLimitPercent = 48.8 },
        }, pods);
        var finding = Assert.Single(findings);
        Assert.Equal("Set-SeekapaContainerResource backend-deployment -Namespace prod -Container backend -MemoryLimit 2Gi -WhatIf", finding.NextStep);
        Assert.Equal("768Mi", TriageRules.SuggestMemoryLimit("384Mi"));

        var failed = TriageRules.CheckFailed("Resources", "prod", new InvalidOperationException("boom"));
        Assert.Equal(("Info", 5), (failed.Severity, failed.SeverityRank));
        var sorted = TriageRules.Sort(new[] { failed, finding });
        Assert.Same(finding, sorted[0]);
        Assert.Equal("SEV-3", TriageRules.Suggest(sorted, out var summary));
        Assert.StartsWith("Suggested severity: SEV-3", summary, StringComparison.Ordinal);
        Assert.Null(TriageRules.Suggest(new[] { failed }, out _));
    }
}

public sealed class HealthyTriageSandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "healthy" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class NoMetricsTriageSandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "unhealthy", EnableMetrics = false });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class TriageBadDeployTests(BadDeploySandbox sandbox) : IClassFixture<BadDeploySandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    [Fact]
    public void FailedRolloutWithTheChangeCrashLoopAndErrorLines()
    {
        var result = _host.Invoke("Invoke-SeekapaTriage -Namespace seekapa-production -Kubeconfig $kc -WarningVariable w; $w",
            new Dictionary<string, object?> { ["kc"] = sandbox.Kubeconfig });
        Assert.Empty(result.Errors);
        var findings = result.Output.Select(o => o.BaseObject).OfType<Finding>().ToList();
        var rollout = Assert.Single(findings, f => f.Check == "Rollouts" && f.Target == "seekapa-production/Deployment/backend-deployment");
        Assert.Contains("Failed", rollout.Evidence, StringComparison.Ordinal);
        Assert.Contains("2.14.0 -> 2.14.1", rollout.Evidence, StringComparison.Ordinal);
        Assert.Equal("Invoke-SeekapaRollback backend-deployment -Namespace seekapa-production -WhatIf", rollout.NextStep);
        Assert.Contains(rollout.Severity, new[] { "SEV-1", "SEV-2" });
        Assert.Contains(findings, f => f.Check == "Pods" && f.Evidence.Contains("CrashLoopBackOff", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Check == "Logs" && f.Target == "seekapa-production/Deployment/backend-deployment");
        Assert.Equal(findings.OrderBy(f => f.SeverityRank).Select(f => f.SeverityRank), findings.Select(f => f.SeverityRank));
        Assert.Equal(rollout.Severity, findings[0].Severity);
        Assert.Contains(result.Output, o => o.BaseObject is not Finding && o.ToString().StartsWith("Suggested severity: SEV-", StringComparison.Ordinal));
    }

    public void Dispose() => _host.Dispose();
}

public sealed class TriageUnhealthyTests(UnhealthySandbox sandbox) : IClassFixture<UnhealthySandbox>
{
    [Fact]
    public async Task OomImagePullAndPendingFindings()
    {
        var report = await new TriageRunner(sandbox.Open(ns: "seekapa-production")).RunAsync(new TriageOptions(null, false), CancellationToken.None);
        var pods = report.Findings.Where(f => f.Check == "Pods").ToList();
        Assert.Contains(pods, f => f.Evidence.Contains("OOMKilled", StringComparison.Ordinal));
        Assert.Contains(pods, f => f.Evidence.Contains("cannot pull", StringComparison.Ordinal));
        Assert.Contains(pods, f => f.Evidence.Contains("Pending", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings, f => f.Severity == "Info");
    }
}

public sealed class TriageHealthyTests(HealthyTriageSandbox sandbox) : IClassFixture<HealthyTriageSandbox>
{
    [Fact]
    public async Task NoSev1OrSev2()
    {
        var session = ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath, null, null));
        var report = await new TriageRunner(session).RunAsync(new TriageOptions(null, true), CancellationToken.None);
        Assert.DoesNotContain(report.Findings, f => f.SeverityRank <= 2);
        Assert.DoesNotContain(report.Findings, f => f.Severity == "Info");
    }
}

public sealed class TriageNoMetricsTests(NoMetricsTriageSandbox sandbox) : IClassFixture<NoMetricsTriageSandbox>
{
    [Fact]
    public async Task MetricsUnavailableIsAnInfoFindingAndTheOthersRun()
    {
        var session = ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath, null, "seekapa-production"));
        var report = await new TriageRunner(session).RunAsync(new TriageOptions(null, false), CancellationToken.None);
        var info = Assert.Single(report.Findings, f => f.Severity == "Info");
        Assert.Equal("Resources", info.Check);
        Assert.Contains("MetricsApiUnavailable", info.Evidence, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Check == "Pods");
        Assert.Contains(report.Findings, f => f.Check == "Events");
        Assert.Same(info, report.Findings[^1]);
    }
}
