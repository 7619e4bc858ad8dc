using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class RemoveSeekapaPodCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    private static string PodsPath => $"/api/v1/namespaces/{Ns}/pods";

    /// <summary>A fresh deployment and the names of its running pods.</summary>
    private async Task<(string Deployment, List<string> Pods)> PodsAsync(int replicas)
    {
        var name = WorkloadSandbox.UniqueName("pods");
        await Sandbox.CreateBackendAsync(name, replicas);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var pods = await Sandbox.Server.ListAsync("pods", Ns, $"app={name}");
            var running = pods.Where(p => (string?)p["status"]?["phase"] == "Running" && p["metadata"]?["deletionTimestamp"] is null)
                .Select(p => (string)p["metadata"]!["name"]!).ToList();
            if (running.Count == replicas)
            {
                return (name, running);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the pods of {name} did not start");
    }

    private async Task<System.Text.Json.Nodes.JsonObject?> PodAsync(string name) => await Sandbox.Server.GetAsync("pods", Ns, name);

    [Fact]
    public async Task UnhealthyPodsPipedFromGetSeekapaPodHealthAreEachDeleted()
    {
        var (deployment, pods) = await PodsAsync(2);

        var result = Run($"Get-SeekapaPodHealth -Namespace {Ns} -Selector app={deployment} -Kubeconfig $kc | Remove-SeekapaPod -Kubeconfig $kc");

        Assert.Empty(result.Errors);
        var removals = result.Output.Select(o => Assert.IsType<PodRemoval>(o.BaseObject)).ToList();
        Assert.Equal(pods.OrderBy(p => p), removals.Select(r => r.Name).OrderBy(p => p));
        Assert.All(removals, r => Assert.Equal(Ns, r.Namespace));
        foreach (var pod in pods)
        {
            var stored = await PodAsync(pod);
            Assert.True(stored is null || stored["metadata"]!["deletionTimestamp"] is not null, $"{pod} is neither gone nor terminating");
        }
    }

    [Fact]
    public async Task WhatIfDeletesNothing()
    {
        var (_, pods) = await PodsAsync(1);
        var deletes = Sandbox.CountRequests(PodsPath, "DELETE");

        var result = Run($"Remove-SeekapaPod {pods[0]} -Namespace {Ns} -Kubeconfig $kc -WhatIf");

        Assert.Empty(result.Output);
        Assert.Empty(result.Errors);
        Assert.Equal(0, deletes.Hits);
        Assert.Null((await PodAsync(pods[0]))!["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task AMissingPodIsANonTerminatingPodNotFoundAndTheRestAreDeleted()
    {
        var (_, pods) = await PodsAsync(2);

        var result = Run($"Remove-SeekapaPod {pods[0]}, no-such-pod, {pods[1]} -Namespace {Ns} -GracePeriod 1 -Kubeconfig $kc");

        var error = SingleError(result, "PodNotFound");
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal(1L, ((PodRemoval)o.BaseObject).GracePeriod));
    }

    [Fact]
    public async Task WaitReturnsDeletedOnceThePodIsGone()
    {
        var (_, pods) = await PodsAsync(1);

        var result = Run($"Remove-SeekapaPod {pods[0]} -Namespace {Ns} -GracePeriod 2 -Wait -Kubeconfig $kc");

        Assert.Empty(result.Errors);
        var removal = Assert.IsType<PodRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(PodRemovalOutcome.Deleted, removal.Outcome);
        Assert.Null(await PodAsync(pods[0]));
    }

    [Fact]
    public async Task GracefulDeletionReportsTerminatingWhileTheServerKeepsThePod()
    {
        var (_, pods) = await PodsAsync(1);

        var result = Run($"Remove-SeekapaPod {pods[0]} -Namespace {Ns} -GracePeriod 30 -Kubeconfig $kc");

        var removal = Assert.IsType<PodRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(PodRemovalOutcome.Terminating, removal.Outcome);
        Assert.Equal(30L, removal.GracePeriod);
        Assert.NotNull((await PodAsync(pods[0]))?["metadata"]?["deletionTimestamp"]);
    }

    [Theory]
    [InlineData("", "-Force")]
    [InlineData("", "-Confirm:$false")]
    [InlineData("$ConfirmPreference = 'None'; ", "")]
    public async Task GracePeriodZeroDeletesAtOnceWithoutAPromptWhenForcedOrUnattended(string preference, string waiver)
    {
        var (_, pods) = await PodsAsync(1);

        var result = Run($"{preference}Remove-SeekapaPod {pods[0]} -Namespace {Ns} -GracePeriod 0 {waiver} -Kubeconfig $kc");

        Assert.Empty(result.Errors);
        var removal = Assert.IsType<PodRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(PodRemovalOutcome.Deleted, removal.Outcome);
        Assert.Equal(0L, removal.GracePeriod);
        Assert.Null(await PodAsync(pods[0]));
    }

    [Fact]
    public async Task ForceAloneOnlySkipsConfirmationsAndDeletesGracefully()
    {
        var (_, pods) = await PodsAsync(1);

        var result = Run($"Remove-SeekapaPod {pods[0]} -Namespace {Ns} -Force -Kubeconfig $kc");

        Assert.Empty(result.Errors);
        var removal = Assert.IsType<PodRemoval>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(PodRemovalOutcome.Terminating, removal.Outcome);
        Assert.NotNull((await PodAsync(pods[0]))?["metadata"]?["deletionTimestamp"]);
    }

    [Fact]
    public async Task GracePeriodZeroWithTheDefaultPreferenceAsksAndAHostThatCannotAskDeletesNothing()
    {
        var (_, pods) = await PodsAsync(1);
        var deletes = Sandbox.CountRequests(PodsPath, "DELETE");

        // The test host has no UI: ShouldContinue fails there, as it does under pwsh -NonInteractive.
        var result = Run($"Remove-SeekapaPod {pods[0]} -Namespace {Ns} -GracePeriod 0 -Kubeconfig $kc");

        Assert.StartsWith("HostFunctionNotImplemented,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(0, deletes.Hits);
        Assert.Null((await PodAsync(pods[0]))!["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public void NegativeGracePeriodIsRejectedBeforeAnyCall()
    {
        var deletes = Sandbox.CountRequests(PodsPath, "DELETE");
        var result = Run($"Remove-SeekapaPod some-pod -Namespace {Ns} -GracePeriod -1 -Kubeconfig $kc");
        Assert.Contains("ParameterArgumentValidationError", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(0, deletes.Hits);
    }
}
