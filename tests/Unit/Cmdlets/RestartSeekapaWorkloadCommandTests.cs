using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class RestartSeekapaWorkloadCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    private static readonly Regex Rfc3339Seconds = new(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$");

    private async Task<string?> RestartedAtAsync(string name) =>
        (string?)(await Sandbox.GetDeploymentAsync(name))["spec"]!["template"]!["metadata"]!["annotations"]?[RestartPlanner.RestartedAtAnnotation];

    [Fact]
    public async Task RestartWritesTheAnnotationAsKubectlRolloutRestartDoes()
    {
        var ours = WorkloadSandbox.UniqueName("restart");
        var twin = WorkloadSandbox.UniqueName("restart");
        await Sandbox.CreateBackendAsync(ours);
        await Sandbox.CreateBackendAsync(twin);

        var change = SingleChange(Run($"Restart-SeekapaWorkload {ours} -Namespace {Ns} -Kubeconfig $kc"));
        await KubectlAsync("rollout", "restart", $"deployment/{twin}", "-n", Ns);

        var mine = await RestartedAtAsync(ours);
        var theirs = await RestartedAtAsync(twin);
        Assert.Matches(Rfc3339Seconds, mine!);
        Assert.Matches(Rfc3339Seconds, theirs!);
        // Same format, same zone suffix, within a few seconds of each other.
        Assert.Equal(theirs![19..], mine![19..]);
        Assert.True((DateTimeOffset.Parse(theirs) - DateTimeOffset.Parse(mine)).Duration() < TimeSpan.FromSeconds(30));
        Assert.Equal(WorkloadAction.Restart, change.Action);
        Assert.Equal("restartedAt <none>", change.Before);
        Assert.Equal($"restartedAt {mine}", change.After);
        // Everything else in the template is as kubectl leaves it.
        Assert.Equal((await ContainersAsync(twin)).ToJsonString(), (await ContainersAsync(ours)).ToJsonString());
    }

    [Fact]
    public async Task PausedDeploymentIsRefusedAndUnchanged()
    {
        var name = WorkloadSandbox.UniqueName("restart");
        var rv = await Sandbox.CreateSettledBackendAsync(name, paused: true);

        var error = SingleError(Run($"Restart-SeekapaWorkload {name} -Namespace {Ns} -Kubeconfig $kc"), "DeploymentPaused");

        Assert.Equal("can't restart paused deployment (run rollout resume first)", error.Exception.Message);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task WhatIfSendsNothing()
    {
        var name = WorkloadSandbox.UniqueName("restart");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var result = Run($"Restart-SeekapaWorkload {name} -Namespace {Ns} -Kubeconfig $kc -WhatIf");

        Assert.Empty(result.Output);
        Assert.Empty(result.Errors);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task A500OnThePatchIsAnErrorAndTheDeploymentIsUnchanged()
    {
        var name = WorkloadSandbox.UniqueName("restart");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var fault = Sandbox.Server.Faults.Respond(500, count: 3, pathPrefix: WorkloadSandbox.DeploymentPath(name), method: "PATCH");

        SingleError(Run($"Restart-SeekapaWorkload {name} -Namespace {Ns} -Kubeconfig $kc"), "ClusterError");

        Assert.Equal(1, fault.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
        Assert.Null(await RestartedAtAsync(name));
    }

    [Fact]
    public async Task PipedDeploymentsAreEachRestartedAndAMissingOneDoesNotStopTheRest()
    {
        var a = WorkloadSandbox.UniqueName("restart");
        var b = WorkloadSandbox.UniqueName("restart");
        await Sandbox.CreateBackendAsync(a);
        await Sandbox.CreateBackendAsync(b);

        var result = Run($"'{a}', 'no-such-deployment', '{b}' | ForEach-Object {{ [pscustomobject]@{{ Name = $_; Namespace = '{Ns}' }} }} | Restart-SeekapaWorkload -Kubeconfig $kc");

        SingleError(result, "DeploymentNotFound");
        Assert.Equal(2, result.Output.Count);
        Assert.NotNull(await RestartedAtAsync(a));
        Assert.NotNull(await RestartedAtAsync(b));
    }

    [Fact]
    public async Task WaitReturnsOnceTheRestartHasRolledOut()
    {
        var name = WorkloadSandbox.UniqueName("restart");
        await Sandbox.CreateBackendAsync(name, replicas: 2);

        var change = SingleChange(Run($"Restart-SeekapaWorkload {name} -Namespace {Ns} -Wait -Timeout 60 -Kubeconfig $kc"));

        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        var deployment = await Sandbox.GetDeploymentAsync(name);
        var status = deployment["status"]!;
        Assert.True((long)status["observedGeneration"]! >= (long)deployment["metadata"]!["generation"]!);
        Assert.Equal(2, (int)status["updatedReplicas"]!);
        Assert.Equal(2, (int)status["availableReplicas"]!);
    }
    [Fact]
    public async Task StatefulSetIsRestartedThroughItsTemplate()
    {
        var change = SingleChange(Run($"Restart-SeekapaWorkload postgres -Kind StatefulSet -Namespace {Ns} -Kubeconfig $kc"));

        Assert.Equal(WorkloadKind.StatefulSet, change.Kind);
        var statefulSet = await Sandbox.Server.GetAsync("statefulsets", Ns, "postgres");
        var stamp = (string?)statefulSet!["spec"]!["template"]!["metadata"]!["annotations"]![RestartPlanner.RestartedAtAnnotation];
        Assert.Equal($"restartedAt {stamp}", change.After);
        Assert.Matches(Rfc3339Seconds, stamp!);
    }
    [Fact]
    public async Task AFailedWaitIsAnErrorButTheRestartStillLandedAndIsReported()
    {
        var name = WorkloadSandbox.UniqueName("restart");
        await Sandbox.CreateBackendAsync(name, replicas: 1);
        var image = $"registry/backend:crash-{name}";
        Sandbox.Server.MarkImageCrashing(image);
        await Sandbox.Server.PatchAsync("deployments", Ns, name, "strategic",
            """{"spec":{"template":{"spec":{"containers":[{"name":"backend","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal));

        var result = Run($"Restart-SeekapaWorkload {name} -Namespace {Ns} -Wait -Timeout 2 -Kubeconfig $kc");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Rollout", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        var change = Assert.IsType<WorkloadChange>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        Assert.NotNull(await RestartedAtAsync(name));
    }
}
