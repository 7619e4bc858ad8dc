using System.Management.Automation;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaEventCommandTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath, ["ns"] = "seekapa-production" });

    private static List<ClusterEvent> Events(CmdletHost.Result result) => result.Output.Select(o => o.BaseObject).OfType<ClusterEvent>().ToList();

    [Fact]
    public void SortedNewestFirstWithKubectlColumns()
    {
        var result = Run("Get-SeekapaEvent -Namespace $ns -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var events = Events(result);
        Assert.NotEmpty(events);
        var times = events.Where(e => e.LastSeen is not null).Select(e => e.LastSeen!.Value).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal("Seekapa.Ops.ClusterEvent", result.Output[0].TypeNames[0]);
        var backOff = events.First(e => e.Reason == "BackOff");
        Assert.StartsWith("pod/", backOff.Object, StringComparison.Ordinal);
        Assert.NotEqual("<unknown>", backOff.LastSeenAgo);
    }

    [Fact]
    public void ReasonsAcrossAllNamespacesIncludeNodeOomKills()
    {
        var result = Run("Get-SeekapaEvent -Reason BackOff,OOMKilling -AllNamespaces -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var events = Events(result);
        Assert.Contains(events, e => e.Reason == "OOMKilling" && e.ObjectKind == "Node" && e.Namespace == "default");
        Assert.Contains(events, e => e.Reason == "BackOff");
        Assert.All(events, e => Assert.Contains(e.Reason, new[] { "BackOff", "OOMKilling" }));
        Assert.All(result.Output, o => Assert.Equal("Seekapa.Ops.ClusterEvent#AllNamespaces", o.TypeNames[0]));
    }

    [Fact]
    public void ForViaThePipelineFromGetSeekapaPodHealth()
    {
        var result = Run("Get-SeekapaPodHealth -Namespace $ns -Kubeconfig $kc -Unhealthy | Get-SeekapaEvent -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var pods = Run("Get-SeekapaPodHealth -Namespace $ns -Kubeconfig $kc -Unhealthy").Output.Select(o => ((PodHealth)o.BaseObject).Name).ToHashSet();
        var events = Events(result);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.ObjectKind == "Pod" && pods.Contains(e.ObjectName), e.Object));

        var one = Run("Get-SeekapaEvent -For pod/backend-deployment-7c9b5d8f6b-x4k2p -Namespace $ns -Kubeconfig $kc -Type Warning");
        Assert.Empty(one.Errors);
        Assert.All(Events(one), e => Assert.Equal(("pod/backend-deployment-7c9b5d8f6b-x4k2p", "Warning"), (e.Object, e.Type)));
        Assert.NotEmpty(Events(one));
    }

    [Fact]
    public void SinceTakesKubectlDurations()
    {
        var all = Events(Run("Get-SeekapaEvent -Namespace $ns -Kubeconfig $kc"));
        var recent = Run("Get-SeekapaEvent -Namespace $ns -Kubeconfig $kc -Since 5m");
        Assert.Empty(recent.Errors);
        Assert.All(Events(recent), e => Assert.True(e.LastSeen >= DateTimeOffset.UtcNow - TimeSpan.FromMinutes(6)));
        Assert.True(Events(recent).Count < all.Count, "the 2-day-old Evicted event is outside 5m");

        var bad = Run("Get-SeekapaEvent -Namespace $ns -Kubeconfig $kc -Since soon");
        Assert.StartsWith("ParameterArgumentTransformationError", Assert.Single(bad.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedForStopsBeforeAnyCall()
    {
        // A missing kubeconfig would fail with KubeconfigNotFound: the -For check comes first.
        var result = Run("Get-SeekapaEvent -For x/y/z -Kubeconfig /nonexistent/kubeconfig");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidObjectReference,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);

        var type = Run("Get-SeekapaEvent -Type Info -Kubeconfig $kc");
        Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(type.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
