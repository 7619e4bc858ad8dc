using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class InvokeSeekapaRollbackCommandTests(RolloutSandbox sandbox) : RolloutCmdletTestBase(sandbox), IClassFixture<RolloutSandbox>
{
    [Fact]
    public async Task WhatIfShowsThePlanAndSendsNothing()
    {
        var name = await Sandbox.ThreeRevisionsAsync("rw");
        var before = await SettledResourceVersionAsync(name);
        var result = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -WhatIf");
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(before, await ResourceVersionAsync(name));
        Assert.Equal("registry/backend:3", await ImageAsync(name));

        // The What-if text goes to the host; the same description drives -Confirm. Check it through ShouldProcess's verbose form.
        var described = Run($"$WhatIfPreference = $true; Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -Verbose 4>&1");
        Assert.Equal(before, await ResourceVersionAsync(name));
        Assert.DoesNotContain(described.Output, o => o.BaseObject is RollbackResult);
    }

    [Fact]
    public async Task RollsBackToThePreviousRevisionRecordsTheChangeAndWaits()
    {
        var name = await Sandbox.ThreeRevisionsAsync("rb");
        var result = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -Confirm:$false -Wait -Timeout 00:00:30 -Verbose 4>&1");
        Assert.Empty(result.Errors);
        var rollback = Single<RollbackResult>(result);
        Assert.Equal(RollbackOutcome.RolledBack, rollback.Outcome);
        Assert.Equal((3, 2), (rollback.FromRevision!.Value, rollback.ToRevision));
        Assert.Equal(new[] { "registry/backend:3" }, rollback.ImagesBefore);
        Assert.Equal(new[] { "registry/backend:2" }, rollback.ImagesAfter);
        Assert.NotNull(rollback.Status);
        Assert.True(rollback.Status!.Complete);
        Assert.Equal(4, rollback.Status.Revision);
        Assert.Equal("registry/backend:2", await ImageAsync(name));
        var verbose = Verbose(result);
        Assert.Contains(verbose, v => v.StartsWith("rollback to revision 2 ", StringComparison.Ordinal) && v.Contains("RolledBack", StringComparison.Ordinal));
        Assert.Contains(verbose, v => v == $"deployment \"{name}\" successfully rolled out");
    }

    [Fact]
    public async Task ToRevisionPipelineBindingAndSkippedWhenAlreadyThere()
    {
        var name = await Sandbox.ThreeRevisionsAsync("rp");
        var result = Run($"Get-SeekapaDeployment {name} -Namespace $ns -Kubeconfig $kc | Invoke-SeekapaRollback -Kubeconfig $kc -ToRevision 1 -Confirm:$false");
        Assert.Empty(result.Errors);
        Assert.Equal(1, Single<RollbackResult>(result).ToRevision);
        Assert.Equal("registry/backend:1", await ImageAsync(name));
        await Sandbox.WaitUntilCompleteAsync(name);

        var history = Run($"Get-SeekapaRolloutHistory {name} -Namespace $ns -Kubeconfig $kc");
        var current = history.Output.Select(o => (RolloutRevision)o.BaseObject).Single(r => r.IsCurrent).Revision;
        var before = await SettledResourceVersionAsync(name);
        var skipped = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -ToRevision {current} -Confirm:$false 3>&1");
        Assert.Empty(skipped.Errors);
        var outcome = Single<RollbackResult>(skipped);
        Assert.Equal(RollbackOutcome.Skipped, outcome.Outcome);
        Assert.Equal($"skipped rollback (current template already matches revision {current})", outcome.Message);
        Assert.Contains(Warnings(skipped), w => w.EndsWith(outcome.Message, StringComparison.Ordinal));
        Assert.Equal(before, await ResourceVersionAsync(name));
    }

    [Fact]
    public async Task PausedMissingAndNegativeRevisionsAreErrors()
    {
        var name = await Sandbox.ThreeRevisionsAsync("rx");
        var negative = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -ToRevision -1 -Confirm:$false");
        var error = Assert.Single(negative.Errors);
        Assert.StartsWith("RevisionNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("unable to find specified revision -1 in history", error.ErrorDetails.Message);

        var missing = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -ToRevision 42 -Confirm:$false");
        Assert.StartsWith("RevisionNotFound,", Assert.Single(missing.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);

        await Sandbox.Server.PatchAsync("deployments", RolloutSandbox.Ns, name, "merge", """{"spec":{"paused":true}}""");
        var before = await SettledResourceVersionAsync(name);
        var paused = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -Confirm:$false");
        var pausedError = Assert.Single(paused.Errors);
        Assert.StartsWith("DeploymentPaused,", pausedError.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidOperation, pausedError.CategoryInfo.Category);
        Assert.Equal(before, await ResourceVersionAsync(name));

        var notFound = Run("Invoke-SeekapaRollback no-such-deploy -Namespace $ns -Kubeconfig $kc -Confirm:$false");
        Assert.StartsWith("DeploymentNotFound,", Assert.Single(notFound.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarnsAboutApplyManagedAndArgoCdTrackedDeployments()
    {
        var name = await Sandbox.ThreeRevisionsAsync("ra");
        await Sandbox.Server.PatchAsync("deployments", RolloutSandbox.Ns, name, "merge",
            """{"metadata":{"labels":{"app.kubernetes.io/instance":"seekapa-backend"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","argocd.argoproj.io/tracking-id":"seekapa-backend:apps/Deployment:seekapa-production/x"}}}""");
        var result = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -WhatIf 3>&1");
        var warnings = Warnings(result);
        Assert.Contains(warnings, w => w.Contains("previously managed with 'kubectl apply'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("ArgoCD application 'seekapa-backend'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedWaitStillReportsTheRollbackThenTheError()
    {
        var name = RolloutSandbox.UniqueName("rf");
        await Sandbox.CreateDeploymentAsync(name, "registry/backend:1", replicas: 1, progressDeadlineSeconds: 1);
        await Sandbox.WaitUntilCompleteAsync(name);
        await Sandbox.SetImageAsync(name, RolloutSandbox.CrashingImage);
        await Task.Delay(500);
        await Sandbox.SetImageAsync(name, "registry/backend:2");
        await Sandbox.WaitUntilCompleteAsync(name);
        // Roll back to the crashing revision on purpose: the wait must fail, the rollback must still be reported.
        var result = Run($"Invoke-SeekapaRollback {name} -Namespace $ns -Kubeconfig $kc -Confirm:$false -Wait -Timeout 00:00:30");
        var rollback = Single<RollbackResult>(result);
        Assert.Equal(RollbackOutcome.RolledBack, rollback.Outcome);
        Assert.Null(rollback.Status);
        Assert.StartsWith("RolloutFailed,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
