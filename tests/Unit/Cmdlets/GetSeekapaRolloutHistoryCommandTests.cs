using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaRolloutHistoryCommandTests(RolloutSandbox sandbox) : RolloutCmdletTestBase(sandbox), IClassFixture<RolloutSandbox>
{
    [Fact]
    public async Task RevisionsSortedWithChangeCauseAndCurrent()
    {
        var name = await Sandbox.ThreeRevisionsAsync("hc");
        var result = Run($"Get-SeekapaRolloutHistory {name} -Namespace $ns -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var revisions = result.Output.Select(o => (RolloutRevision)o.BaseObject).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, revisions.Select(r => r.Revision));
        Assert.Equal("set image registry/backend:3", revisions[2].ChangeCause);
        Assert.True(revisions[2].IsCurrent);
        Assert.All(revisions, r => Assert.Equal(name, r.Name));
    }

    [Fact]
    public async Task PipesFromGetSeekapaDeploymentAndFiltersOneRevision()
    {
        var name = await Sandbox.ThreeRevisionsAsync("hp");
        var result = Run($"Get-SeekapaDeployment {name} -Namespace $ns -Kubeconfig $kc | Get-SeekapaRolloutHistory -Kubeconfig $kc -Revision 2");
        Assert.Empty(result.Errors);
        var revision = Single<RolloutRevision>(result);
        Assert.Equal(2, revision.Revision);
        Assert.Equal(new[] { "registry/backend:2" }, revision.Images);

        var missing = Run($"Get-SeekapaRolloutHistory {name} -Namespace $ns -Kubeconfig $kc -Revision 9");
        var error = Assert.Single(missing.Errors);
        Assert.StartsWith("RevisionNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void MissingDeploymentAndInvalidNames()
    {
        var missing = Run("Get-SeekapaRolloutHistory no-such-deploy -Namespace $ns -Kubeconfig $kc");
        Assert.StartsWith("DeploymentNotFound,", Assert.Single(missing.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        var invalid = Run("Get-SeekapaRolloutHistory 'Not_Valid' -Namespace $ns -Kubeconfig $kc");
        Assert.StartsWith("InvalidName,", Assert.Single(invalid.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoHistoryWritesKubectlsWarningAndNothingElse()
    {
        // A statefulset without ControllerRevisions owned by it (created with the controllers unable to own it: other uid).
        var name = RolloutSandbox.UniqueName("nohist");
        await Sandbox.Server.CreateAsync("deployments", System.Text.Json.Nodes.JsonNode.Parse(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"seekapa-production\"}," +
            "\"spec\":{\"replicas\":0,\"paused\":true,\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}}," +
            "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}}}")!.AsObject());
        var result = Run($"Get-SeekapaRolloutHistory {name} -Namespace $ns -Kubeconfig $kc 3>&1");
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "No rollout history found." }, Warnings(result));
        Assert.DoesNotContain(result.Output, o => o.BaseObject is RolloutRevision);
    }
}
