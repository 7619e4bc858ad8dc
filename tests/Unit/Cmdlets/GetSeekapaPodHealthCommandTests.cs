using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaPodHealthCommandTests : IClassFixture<UnhealthySandbox>, IDisposable
{
    private readonly UnhealthySandbox _sandbox;
    private readonly CmdletHost _host = new();

    public GetSeekapaPodHealthCommandTests(UnhealthySandbox sandbox) => _sandbox = sandbox;

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = _sandbox.Kubeconfig });

    [Fact]
    public void UnhealthyReturnsOnlyUnhealthyPods()
    {
        var all = Run("Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $kc");
        var unhealthy = Run("Get-SeekapaPodHealth -AllNamespaces -Unhealthy -Kubeconfig $kc");
        Assert.Empty(all.Errors);
        Assert.Empty(unhealthy.Errors);
        var expected = all.Output.Select(o => (PodHealth)o.BaseObject).Where(p => !p.Healthy).Select(p => p.Name).OrderBy(n => n);
        var actual = unhealthy.Output.Select(o => (PodHealth)o.BaseObject).Select(p => p.Name).OrderBy(n => n);
        Assert.NotEmpty(actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AllNamespacesSelectsTheNamespaceTableView()
    {
        var result = Run("Get-SeekapaPodHealth -A -Kubeconfig $kc | Select-Object -First 1");
        Assert.Equal("Seekapa.Ops.PodHealth#AllNamespaces", result.Output[0].TypeNames[0]);
        var single = Run("Get-SeekapaPodHealth -Kubeconfig $kc | Select-Object -First 1");
        Assert.Equal("Seekapa.Ops.PodHealth", single.Output[0].TypeNames[0]);
    }

    [Fact]
    public void NamesBindFromThePipelineByPropertyName()
    {
        var result = Run("Get-SeekapaPodHealth -Kubeconfig $kc | Select-Object -First 2 | Get-SeekapaPodHealth -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
    }

    [Fact]
    public void MalformedSelectorIsInvalidSelector()
    {
        var result = Run("Get-SeekapaPodHealth -Kubeconfig $kc -Selector 'app in (x'");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidSelector,Seekapa.Ops.PowerShell.Cmdlets.Cluster.GetSeekapaPodHealthCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void MissingExplicitPodIsANonTerminatingPodNotFound()
    {
        var result = Run("Get-SeekapaPodHealth -Kubeconfig $kc -Name no-such-pod, 'no-such-*'; 'continued'");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PodNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("no-such-pod", error.TargetObject);
        Assert.Equal("continued", Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void ConnectMakesTheRunspaceDefaultAndParametersOverrideIt()
    {
        var connect = Run("Connect-SeekapaCluster -Kubeconfig $kc -Namespace kube-system");
        var connection = Assert.IsType<ClusterConnection>(Assert.Single(connect.Output).BaseObject);
        Assert.Equal("kube-system", connection.Namespace);
        Assert.StartsWith("v", connection.ServerVersion, StringComparison.Ordinal);
        var pods = Run("Get-SeekapaPodHealth");
        Assert.NotEmpty(pods.Output);
        Assert.All(pods.Output, o => Assert.Equal("kube-system", ((PodHealth)o.BaseObject).Namespace));
        var explicitNs = Run("Get-SeekapaPodHealth -Namespace seekapa-production");
        Assert.All(explicitNs.Output, o => Assert.Equal("seekapa-production", ((PodHealth)o.BaseObject).Namespace));
    }

    [Fact]
    public void UnknownContextIsATerminatingContextNotFound()
    {
        var result = Run("Get-SeekapaPodHealth -Kubeconfig $kc -Context nope");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("ContextNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void CtrlCStopsAStalledCallPromptly()
    {
        _sandbox.Server.Faults.Delay(TimeSpan.FromSeconds(20), count: 1, pathPrefix: "/api/v1/namespaces/seekapa-production/pods");
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.AddCommand("Import-Module").AddParameter("Assembly", typeof(Seekapa.Ops.PowerShell.Cmdlets.SeekapaCmdlet).Assembly).AddStatement();
        ps.AddCommand("Get-SeekapaPodHealth").AddParameter("Kubeconfig", _sandbox.Kubeconfig).AddParameter("Namespace", "seekapa-production");
        var async = ps.BeginInvoke();
        Thread.Sleep(500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        // The requirement is one second; the bound leaves room for a loaded 2-core CI machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped within a second or so, took {clock.Elapsed}");
        ps.EndInvoke(async);
        // Stopped, not Completed: the call was still stalled on the server when Stop came.
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        _sandbox.Server.Faults.Clear();
    }

    public void Dispose() => _host.Dispose();
}
