using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaRecentChangeCommandTests(BadDeploySandbox sandbox) : IClassFixture<BadDeploySandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = sandbox.Kubeconfig, ["ns"] = "seekapa-production" });

    private static List<RecentChange> Changes(CmdletHost.Result result) => result.Output.Select(o => o.BaseObject).OfType<RecentChange>().ToList();

    [Fact]
    public void DefaultWindowShowsTheBadDeployWithImagesAndState()
    {
        var result = Run("Get-SeekapaRecentChange -Namespace $ns -Kubeconfig $kc -Name backend-deployment");
        Assert.Empty(result.Errors);
        var change = Assert.Single(Changes(result), c => c.Revision == 3);
        Assert.Equal(("backend-deployment", WorkloadKind.Deployment), (change.Name, change.Kind));
        Assert.Equal("seekapa.azurecr.io/seekapa-backend:2.14.0", change.ImagesBefore[0]);
        Assert.Equal("seekapa.azurecr.io/seekapa-backend:2.14.1", change.ImagesAfter[0]);
        Assert.Equal("deploy 2.14.1 (ci run 4821)", change.ChangeCause);
        Assert.Equal("Seekapa.Ops.RecentChange", result.Output[0].TypeNames[0]);
        Assert.DoesNotContain(Changes(result), c => c.Revision < 3);
    }

    [Fact]
    public void SinceStringsAllNamespacesAndNewestFirst()
    {
        var result = Run("Get-SeekapaRecentChange -AllNamespaces -Kubeconfig $kc -Since '400d'");
        Assert.Empty(result.Errors);
        var changes = Changes(result);
        Assert.Contains(changes, c => c.Kind == WorkloadKind.StatefulSet && c.Name == "postgres-read");
        Assert.Contains(changes, c => c.Name == "backend-deployment" && c.Revision == 1);
        Assert.Equal(changes.OrderByDescending(c => c.Time).Select(c => c.Time), changes.Select(c => c.Time));
        Assert.All(result.Output, o => Assert.Equal("Seekapa.Ops.RecentChange#AllNamespaces", o.TypeNames[0]));

        var seconds = Changes(Run("Get-SeekapaRecentChange -Namespace $ns -Kubeconfig $kc -Since 1"));
        Assert.DoesNotContain(seconds, c => c.Name == "backend-deployment");

        // Unquoted, 400d is PowerShell's decimal literal 400: refused rather than read as 400 seconds.
        var unquoted = Run("Get-SeekapaRecentChange -Namespace $ns -Kubeconfig $kc -Since 400d");
        Assert.StartsWith("ParameterArgumentTransformationError", Assert.Single(unquoted.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingNamesAreNonTerminating()
    {
        var result = Run("Get-SeekapaRecentChange -Namespace $ns -Kubeconfig $kc -Name no-such-thing, 'none-*'; 'continued'");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("WorkloadNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("continued", Assert.Single(result.Output).BaseObject);
    }

    public void Dispose() => _host.Dispose();
}
