using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class SetSeekapaContainerResourceCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    [Fact]
    public async Task RunbookMemoryLimitStoresWhatKubectlSetResourcesStores()
    {
        var ours = WorkloadSandbox.UniqueName("res");
        var twin = WorkloadSandbox.UniqueName("res");
        await Sandbox.CreateBackendAsync(ours);
        await Sandbox.CreateBackendAsync(twin);

        var change = SingleChange(Run($"Set-SeekapaContainerResource {ours} -Namespace {Ns} -Container backend -MemoryLimit 4096Mi -CpuRequest 0.5 -Kubeconfig $kc -Confirm:$false"));
        await KubectlAsync("set", "resources", $"deployment/{twin}", "-n", Ns, "-c", "backend", "--limits=memory=4096Mi", "--requests=cpu=0.5");

        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        Assert.Equal(WorkloadAction.SetResources, change.Action);
        Assert.Equal(new[] { "backend limits.memory 2Gi -> 4Gi", "backend requests.cpu 250m -> 500m" }, change.Changes);
        var mine = await ContainersAsync(ours);
        var theirs = await ContainersAsync(twin);
        Assert.Equal(theirs.ToJsonString(), mine.ToJsonString());
        Assert.Equal("""{"limits":{"cpu":"1","memory":"4Gi"},"requests":{"cpu":"500m","memory":"512Mi"}}""", mine[0]!["resources"]!.ToJsonString());
        Assert.NotNull(change.ResourceVersion);
    }

    [Fact]
    public async Task DefaultSelectionMatchesKubectlIncludingInitContainers()
    {
        var ours = WorkloadSandbox.UniqueName("res");
        var twin = WorkloadSandbox.UniqueName("res");
        await Sandbox.CreateBackendAsync(ours);
        await Sandbox.CreateBackendAsync(twin);

        SingleChange(Run($"Set-SeekapaContainerResource {ours} -Namespace {Ns} -CpuLimit 2 -MemoryLimit 1Gi -Kubeconfig $kc"));
        await KubectlAsync("set", "resources", $"deployment/{twin}", "-n", Ns, "--limits=cpu=2,memory=1Gi");

        Assert.Equal((await ContainersAsync(twin)).ToJsonString(), (await ContainersAsync(ours)).ToJsonString());
        Assert.Equal((await ContainersAsync(twin, "initContainers")).ToJsonString(), (await ContainersAsync(ours, "initContainers")).ToJsonString());
        Assert.Equal("1Gi", (string)(await ContainersAsync(ours, "initContainers"))[0]!["resources"]!["limits"]!["memory"]!);
    }

    [Fact]
    public async Task WhatIfSendsNothing()
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var result = Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -MemoryLimit 4Gi -Kubeconfig $kc -WhatIf");

        Assert.Empty(result.Output);
        Assert.Empty(result.Errors);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Theory]
    [InlineData("-MemoryLimit 4GB", "InvalidQuantity")]
    [InlineData("-CpuLimit abc", "InvalidQuantity")]
    [InlineData("-MemoryLimit 1Gi -MemoryRequest 2Gi", "InvalidRequest")]
    public async Task InvalidInputChangesNothingAndCostsNoRequest(string parameters, string errorId)
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var result = Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} {parameters} -Kubeconfig $kc");

        var error = SingleError(result, errorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public void NoQuantityIsAParameterBindingError()
    {
        var result = Run($"Set-SeekapaContainerResource backend-deployment -Namespace {Ns} -Container backend -Kubeconfig $kc");
        var error = Assert.Single(result.Errors);
        Assert.Contains("AmbiguousParameterSet", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAboveTheExistingLimitIsRefusedBeforeThePatch()
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var patches = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name), "PATCH");

        var result = Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -Container backend -MemoryRequest 3Gi -Kubeconfig $kc");

        SingleError(result, "InvalidRequest");
        Assert.Equal(0, patches.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task SameValuesAreUnchangedAndSendNoPatch()
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var patches = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name), "PATCH");

        var change = SingleChange(Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -Container backend -CpuLimit 1000m -MemoryLimit 2048Mi -Kubeconfig $kc"));

        Assert.Equal(ChangeOutcome.Unchanged, change.Outcome);
        Assert.Equal(0, patches.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task UnknownContainerIsContainerNotFoundAndNothingChanges()
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);

        var result = Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -Container backend, frontend -MemoryLimit 4Gi -Kubeconfig $kc");

        var error = SingleError(result, "ContainerNotFound");
        Assert.Equal("unable to find container named frontend", error.Exception.Message);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task A500OnThePatchIsNotRetriedAndLeavesTheDeploymentUnchanged()
    {
        var name = WorkloadSandbox.UniqueName("res");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var fault = Sandbox.Server.Faults.Respond(500, count: 3, pathPrefix: WorkloadSandbox.DeploymentPath(name), method: "PATCH");

        var result = Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -MemoryLimit 4Gi -Kubeconfig $kc");

        SingleError(result, "ClusterError");
        Assert.Empty(result.Output);
        Assert.Equal(1, fault.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
        Assert.Equal("2Gi", (string)(await ContainersAsync(name))[0]!["resources"]!["limits"]!["memory"]!);
    }

    [Fact]
    public async Task AConcurrentWriterCausesA409ThatIsRetriedWithoutLosingEitherChange()
    {
        var name = WorkloadSandbox.UniqueName("res");
        await Sandbox.CreateBackendAsync(name);
        // Hold our PATCH back while another writer changes the object: the patch then carries a stale resourceVersion.
        var hold = Sandbox.Server.Faults.Delay(TimeSpan.FromMilliseconds(700), count: 1, pathPrefix: WorkloadSandbox.DeploymentPath(name), method: "PATCH");
        var run = Task.Run(() => Run($"Set-SeekapaContainerResource {name} -Namespace {Ns} -Container backend -MemoryLimit 4Gi -Kubeconfig $kc"));
        await Task.Delay(250);
        await Sandbox.Server.PatchAsync("deployments", Ns, name, "strategic",
            """{"spec":{"template":{"spec":{"containers":[{"name":"backend","image":"registry/backend:2.14.2"}]}}}}""");

        var change = SingleChange(await run);

        Assert.Equal(1, hold.Hits);
        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        var backend = (await ContainersAsync(name))[0]!;
        Assert.Equal("registry/backend:2.14.2", (string)backend["image"]!);
        Assert.Equal("4Gi", (string)backend["resources"]!["limits"]!["memory"]!);
    }
}
