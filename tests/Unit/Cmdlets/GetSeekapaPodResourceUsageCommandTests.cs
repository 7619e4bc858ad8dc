using System.Management.Automation;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaPodResourceUsageCommandTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private const string Ns = "seekapa-production";
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script, string? kubeconfig = null) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = kubeconfig ?? sandbox.Server.KubeconfigPath, ["ns"] = Ns });

    private static List<PodResourceUsage> Rows(CmdletHost.Result r) => r.Output.Select(o => o.BaseObject).OfType<PodResourceUsage>().ToList();

    [Fact]
    public async Task MatchesKubectlTopWithPercentagesAndTheViewTypeNames()
    {
        var result = Run("Get-SeekapaPodResourceUsage -Namespace $ns -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var rows = Rows(result);
        var kubectl = await sandbox.Kubectl("top", "pods", "-n", Ns, "--no-headers");
        Assert.Equal(kubectl.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))),
            rows.Select(r => $"{r.Name} {r.Cpu} {r.Memory}"));
        Assert.Contains(rows, r => r.MemoryLimitPercent is not null);
        Assert.Equal("Seekapa.Ops.PodResourceUsage", result.Output[0].TypeNames[0]);

        var sorted = Rows(Run("Get-SeekapaPodResourceUsage -A -SortBy Memory -Kubeconfig $kc"));
        Assert.Equal(sorted.Select(r => r.MemoryBytes).OrderDescending(), sorted.Select(r => r.MemoryBytes));
        var containers = Run("Get-SeekapaPodResourceUsage -A -Containers -Kubeconfig $kc");
        Assert.Equal("Seekapa.Ops.PodResourceUsage#Containers#AllNamespaces", containers.Output[0].TypeNames[0]);
        Assert.All(Rows(containers), r => Assert.NotNull(r.Container));
    }

    [Fact]
    public void NamesWildcardsSelectorAndMissingNames()
    {
        var all = Rows(Run("Get-SeekapaPodResourceUsage -Namespace $ns -Kubeconfig $kc"));
        var first = all[0].Name;
        var prefix = first[..4];

        var wildcard = Run($"Get-SeekapaPodResourceUsage '{prefix}*' -Namespace $ns -Kubeconfig $kc");
        Assert.Empty(wildcard.Errors);
        Assert.Equal(all.Where(r => r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(r => r.Name), Rows(wildcard).Select(r => r.Name));

        var missing = Run($"Get-SeekapaPodResourceUsage {first}, no-such-pod, 'nothing-*' -Namespace $ns -Kubeconfig $kc; 'continued'");
        var error = Assert.Single(missing.Errors);
        Assert.StartsWith("PodMetricsNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(first, Assert.Single(Rows(missing)).Name);
        Assert.Equal("continued", missing.Output.Last().BaseObject);

        var selected = Rows(Run("Get-SeekapaPodResourceUsage -Namespace $ns -Selector app=backend -Kubeconfig $kc"));
        Assert.NotEmpty(selected);
        Assert.True(selected.Count < all.Count);

        Assert.StartsWith("InvalidSelector,", Assert.Single(Run("Get-SeekapaPodResourceUsage -Namespace $ns -Selector 'a in (' -Kubeconfig $kc").Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void PodsFromThePipelineBindByNameAndNamespace()
    {
        var rows = Rows(Run("Get-SeekapaPodResourceUsage -Namespace $ns -Kubeconfig $kc | Select-Object -First 2 | Get-SeekapaPodResourceUsage -Kubeconfig $kc"));
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task NoMetricsApiIsTerminating()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "unhealthy", EnableMetrics = false });
        var result = Run("Get-SeekapaPodResourceUsage -Namespace $ns -Kubeconfig $kc", server.KubeconfigPath);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MetricsApiUnavailable,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("Metrics API not available", error.ToString(), StringComparison.Ordinal);

        // Terminating: try/catch sees it (a non-terminating error would pass by the catch).
        var caught = Run("try { Get-SeekapaPodResourceUsage -Namespace $ns -Kubeconfig $kc } catch { 'caught ' + $_.FullyQualifiedErrorId }", server.KubeconfigPath);
        Assert.StartsWith("caught MetricsApiUnavailable", Assert.Single(caught.Output).BaseObject as string, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
