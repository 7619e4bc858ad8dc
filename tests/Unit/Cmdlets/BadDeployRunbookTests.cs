using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>The runbook's "bad deploy" path on the staged incident: find it, read the history, roll back, wait.</summary>
public sealed class BadDeployRunbookTests(BadDeploySandbox sandbox) : IClassFixture<BadDeploySandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = sandbox.Kubeconfig });

    public void Dispose() => _host.Dispose();

    [Fact]
    public void FailedDeploymentIsFoundRolledBackToRevisionTwoAndRecovers()
    {
        var found = Run("Get-SeekapaDeployment -A -Kubeconfig $kc | Where-Object RolloutState -eq 'Failed'");
        Assert.Empty(found.Errors);
        var failed = (Deployment)Assert.Single(found.Output).BaseObject;
        Assert.Equal(("backend-deployment", 3), (failed.Name, failed.Revision));
        Assert.Equal(new[] { "seekapa.azurecr.io/seekapa-backend:2.14.1" }, failed.Images);

        var history = Run("Get-SeekapaRolloutHistory backend-deployment -Namespace seekapa-production -Kubeconfig $kc");
        var revisions = history.Output.Select(o => (RolloutRevision)o.BaseObject).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, revisions.Select(r => r.Revision));
        Assert.Equal("deploy 2.14.1 (ci run 4821)", revisions[2].ChangeCause);
        Assert.True(revisions[2].IsCurrent);

        var wait = Run("Wait-SeekapaRollout backend-deployment -Namespace seekapa-production -Kubeconfig $kc -Timeout 00:00:20");
        Assert.StartsWith("RolloutFailed,", Assert.Single(wait.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);

        var rollback = Run("Get-SeekapaDeployment backend-deployment -Namespace seekapa-production -Kubeconfig $kc | " +
                           "Invoke-SeekapaRollback -Kubeconfig $kc -Wait -Timeout 00:00:30 -Confirm:$false");
        Assert.Empty(rollback.Errors);
        var result = (RollbackResult)Assert.Single(rollback.Output).BaseObject;
        Assert.Equal((3, 2, RollbackOutcome.RolledBack), (result.FromRevision!.Value, result.ToRevision, result.Outcome));
        Assert.Equal(new[] { "seekapa.azurecr.io/seekapa-backend:2.14.0" }, result.ImagesAfter);
        Assert.True(result.Status!.Complete);
        Assert.Equal(4, result.Status.Revision);

        var after = (Deployment)Assert.Single(Run("Get-SeekapaDeployment backend-deployment -Namespace seekapa-production -Kubeconfig $kc").Output).BaseObject;
        Assert.Equal((RolloutState.Complete, 4), (after.RolloutState, after.Revision));
    }

    [Fact]
    public void StatefulSetHistoryHasItsTwoControllerRevisions()
    {
        var history = Run("Get-SeekapaRolloutHistory postgres-read -Kind StatefulSet -Namespace seekapa-production -Kubeconfig $kc");
        Assert.Empty(history.Errors);
        var revisions = history.Output.Select(o => (RolloutRevision)o.BaseObject).ToList();
        Assert.Equal(new[] { 1, 2 }, revisions.Select(r => r.Revision));
        Assert.All(revisions, r => Assert.Equal(WorkloadKind.StatefulSet, r.Kind));
        Assert.Contains("15.3", revisions[0].Images.Single(), StringComparison.Ordinal);
        Assert.Contains("15.4", revisions[1].Images.Single(), StringComparison.Ordinal);
    }
}
