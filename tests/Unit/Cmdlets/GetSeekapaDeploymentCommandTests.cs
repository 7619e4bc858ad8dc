using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaDeploymentCommandTests(RolloutSandbox sandbox) : RolloutCmdletTestBase(sandbox), IClassFixture<RolloutSandbox>
{
    [Fact]
    public async Task ReturnsKubectlColumnsRevisionImagesAndState()
    {
        var name = await Sandbox.ThreeRevisionsAsync("gd");
        var result = Run($"Get-SeekapaDeployment {name} -Namespace $ns -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var d = Single<Deployment>(result);
        Assert.Equal((name, "2/2", 2, 2, 3), (d.Name, d.Ready, d.UpdatedReplicas, d.AvailableReplicas, d.Revision));
        Assert.Equal(WorkloadKind.Deployment, d.Kind);
        Assert.Equal(new[] { "registry/backend:3" }, d.Images);
        Assert.Equal(RolloutState.Complete, d.RolloutState);
        Assert.Equal($"deployment \"{name}\" successfully rolled out", d.Message);
        Assert.Equal("Seekapa.Ops.Deployment", result.Output[0].TypeNames[0]);
    }

    [Fact]
    public async Task WildcardsAllNamespacesAndMissingNames()
    {
        var name = await Sandbox.ThreeRevisionsAsync("gw");
        var all = Run($"Get-SeekapaDeployment -A -Kubeconfig $kc -Name '{name[..4]}*'");
        Assert.Empty(all.Errors);
        Assert.Contains(all.Output, o => ((Deployment)o.BaseObject).Name == name);
        Assert.All(all.Output, o => Assert.Equal("Seekapa.Ops.Deployment#AllNamespaces", o.TypeNames[0]));

        var missing = Run("Get-SeekapaDeployment -Kubeconfig $kc -Namespace $ns -Name no-such-deploy, 'nothing-*'; 'continued'");
        var error = Assert.Single(missing.Errors);
        Assert.StartsWith("DeploymentNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("continued", Assert.Single(missing.Output).BaseObject);

        var invalid = Run("Get-SeekapaDeployment -Kubeconfig $kc -Namespace 'Bad_NS'");
        Assert.StartsWith("InvalidNamespace,", Assert.Single(invalid.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashingRolloutShowsFailedWithTheConditionMessage()
    {
        var name = RolloutSandbox.UniqueName("gf");
        await Sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, replicas: 1, progressDeadlineSeconds: 1);
        Deployment? d = null;
        for (var i = 0; i < 100 && d?.RolloutState != RolloutState.Failed; i++)
        {
            await Task.Delay(100);
            d = (Deployment)Run($"Get-SeekapaDeployment {name} -Namespace $ns -Kubeconfig $kc").Output[0].BaseObject;
        }

        Assert.Equal(RolloutState.Failed, d!.RolloutState);
        Assert.Contains("progress", d.Message, StringComparison.OrdinalIgnoreCase);
    }
}
