using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class SetSeekapaWorkloadScaleCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    private async Task<int> ReplicasAsync(string name) => (int)(await Sandbox.GetDeploymentAsync(name))["spec"]!["replicas"]!;

    [Fact]
    public async Task RunbookScaleToTenMatchesKubectlScale()
    {
        var ours = WorkloadSandbox.UniqueName("scale");
        var twin = WorkloadSandbox.UniqueName("scale");
        await Sandbox.CreateBackendAsync(ours, replicas: 3);
        await Sandbox.CreateBackendAsync(twin, replicas: 3);
        var scalePatches = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(ours) + "/scale", "PATCH");

        var change = SingleChange(Run($"Set-SeekapaWorkloadScale {ours} 10 -Namespace {Ns} -Kubeconfig $kc"));
        await KubectlAsync("scale", $"deployment/{twin}", "-n", Ns, "--replicas=10");

        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        Assert.Equal(WorkloadAction.Scale, change.Action);
        Assert.Equal("replicas 3", change.Before);
        Assert.Equal("replicas 10", change.After);
        Assert.Equal(1, scalePatches.Hits);
        Assert.Equal(await ReplicasAsync(twin), await ReplicasAsync(ours));
        Assert.Equal(10, await ReplicasAsync(ours));
    }

    [Fact]
    public async Task AlreadyAtTheCountIsUnchangedAndWritesNothing()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        await Sandbox.CreateBackendAsync(name, replicas: 3);
        var writes = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name) + "/scale", "PATCH");

        var change = SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 3 -Namespace {Ns} -Kubeconfig $kc"));

        Assert.Equal(ChangeOutcome.Unchanged, change.Outcome);
        Assert.Equal("replicas 3", change.After);
        Assert.Equal(0, writes.Hits);
    }

    [Fact]
    public async Task CurrentReplicasMismatchFailsLikeKubectlAndChangesNothing()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        var rv = await Sandbox.CreateSettledBackendAsync(name, replicas: 3);

        var result = Run($"Set-SeekapaWorkloadScale {name} -Replicas 10 -CurrentReplicas 5 -Namespace {Ns} -Kubeconfig $kc");

        var error = SingleError(result, "ScalePreconditionFailed");
        Assert.Equal("Expected replicas to be 5, was 3", error.Exception.Message);
        Assert.Equal(3, await ReplicasAsync(name));
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task CurrentReplicasMatchUpdatesTheScaleWithItsResourceVersion()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        // Settled: a controller status write between the read and the conditional PUT would (rightly) cost a retry.
        await Sandbox.CreateSettledBackendAsync(name, replicas: 3);
        var puts = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name) + "/scale", "PUT");

        var change = SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 4 -CurrentReplicas 3 -Namespace {Ns} -Kubeconfig $kc"));

        Assert.Equal("replicas 4", change.After);
        Assert.Equal(1, puts.Hits);
        Assert.Equal(4, await ReplicasAsync(name));
    }

    [Fact]
    public async Task AConflictOnThePreconditionedUpdateIsRetried()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        await Sandbox.CreateBackendAsync(name, replicas: 3);
        var conflict = Sandbox.Server.Faults.Respond(409, count: 1, pathPrefix: WorkloadSandbox.DeploymentPath(name) + "/scale", method: "PUT");

        var change = SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 6 -CurrentReplicas 3 -Namespace {Ns} -Kubeconfig $kc"));

        Assert.Equal(1, conflict.Hits);
        Assert.Equal("replicas 6", change.After);
        Assert.Equal(6, await ReplicasAsync(name));
    }

    [Fact]
    public async Task WhatIfAndNegativeReplicasSendNothing()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        var rv = await Sandbox.CreateSettledBackendAsync(name, replicas: 3);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var whatIf = Run($"Set-SeekapaWorkloadScale {name} -Replicas 0 -Namespace {Ns} -Kubeconfig $kc -WhatIf");
        var negative = Run($"Set-SeekapaWorkloadScale {name} -Replicas -1 -Namespace {Ns} -Kubeconfig $kc");

        Assert.Empty(whatIf.Errors);
        Assert.Empty(whatIf.Output);
        Assert.Contains("ParameterArgumentValidationError", Assert.Single(negative.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task ScaleToZeroPromptsByDefaultAndForceSkipsThePrompt()
    {
        var name = WorkloadSandbox.UniqueName("scale");
        await Sandbox.CreateBackendAsync(name, replicas: 2);

        // The test host has no UI, so a prompt surfaces as an error: proof that it was asked for 0 and only for 0.
        var prompted = Run($"Set-SeekapaWorkloadScale {name} -Replicas 0 -Namespace {Ns} -Kubeconfig $kc");
        // ShouldContinue needs a UI; this host has none, so the prompt fails with HostFunctionNotImplemented.
        Assert.StartsWith("HostFunctionNotImplemented,", Assert.Single(prompted.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(2, await ReplicasAsync(name));

        SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 1 -Namespace {Ns} -Kubeconfig $kc"));
        var forced = SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 0 -Namespace {Ns} -Force -Kubeconfig $kc"));
        Assert.Equal("replicas 0", forced.After);
        Assert.Equal(0, await ReplicasAsync(name));
        SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 2 -Namespace {Ns} -Kubeconfig $kc"));
        SingleChange(Run($"Set-SeekapaWorkloadScale {name} -Replicas 0 -Namespace {Ns} -Confirm:$false -Kubeconfig $kc"));
        Assert.Equal(0, await ReplicasAsync(name));
    }

    [Fact]
    public void StatefulSetScalesThroughItsOwnSubresource()
    {
        var up = SingleChange(Run($"Set-SeekapaWorkloadScale postgres -Kind StatefulSet -Replicas 2 -Namespace {Ns} -Kubeconfig $kc"));
        Assert.Equal(WorkloadKind.StatefulSet, up.Kind);
        Assert.Equal("replicas 1", up.Before);
        Assert.Equal("replicas 2", up.After);
        var down = SingleChange(Run($"Set-SeekapaWorkloadScale postgres -Kind StatefulSet -Replicas 1 -Namespace {Ns} -Kubeconfig $kc"));
        Assert.Equal("replicas 1", down.After);
    }

    [Fact]
    public void MissingDeploymentIsDeploymentNotFound()
    {
        var error = SingleError(Run($"Set-SeekapaWorkloadScale no-such-deployment -Replicas 2 -Namespace {Ns} -Kubeconfig $kc"), "DeploymentNotFound");
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }
}
