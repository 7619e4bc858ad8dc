using k8s;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>Get-SeekapaPodResourceUsage's reader against the sandbox's metrics.k8s.io, with the real kubectl top as the reference.</summary>
public sealed class ResourceUsageSandboxTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    private const string Ns = "seekapa-production";

    private ClusterSession Open() => ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath, null, Ns));

    private async Task<IReadOnlyList<PodResourceUsage>> Read(string? ns = Ns, bool all = false, ResourceUsageSort sort = ResourceUsageSort.Name,
        bool containers = false, string? selector = null, params string[] names)
    {
        using var session = Open();
        var reader = new ResourceUsageReader(session);
        return await reader.ReadAsync(new ResourceUsageQuery(ns, all, selector is null ? null : LabelSelector.Parse(selector),
            new NameFilter(names), sort, containers, PageSize: 7), CancellationToken.None);
    }

    private async Task<List<string[]>> Top(params string[] args)
    {
        var result = await sandbox.Kubectl(new[] { "top", "pods", "--no-headers" }.Concat(args).ToArray());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
    }

    [Fact]
    public async Task NamespaceMatchesKubectlTopExactly()
    {
        var ours = await Read();
        var kubectl = await Top("-n", Ns);
        Assert.NotEmpty(ours);
        Assert.Equal(kubectl.Select(c => string.Join(' ', c)), ours.Select(r => $"{r.Name} {r.Cpu} {r.Memory}"));
        Assert.All(ours, r => Assert.Equal(TimeSpan.FromSeconds(15), r.Window));
    }

    [Fact]
    public async Task AllNamespacesMatchesKubectlTopExactly()
    {
        var ours = await Read(ns: null, all: true);
        var kubectl = await Top("-A");
        Assert.Contains(ours, r => r.Namespace != Ns);
        Assert.Equal(kubectl.Select(c => string.Join(' ', c)), ours.Select(r => $"{r.Namespace} {r.Name} {r.Cpu} {r.Memory}"));
    }

    [Fact]
    public async Task ContainersMatchKubectlTopContainersExactly()
    {
        var ours = await Read(containers: true);
        var kubectl = await Top("-n", Ns, "--containers");
        Assert.All(ours, r => Assert.NotNull(r.Container));
        Assert.Equal(kubectl.Select(c => string.Join(' ', c)), ours.Select(r => $"{r.Name} {r.Container} {r.Cpu} {r.Memory}"));

        var all = await Read(ns: null, all: true, containers: true, sort: ResourceUsageSort.Memory);
        var kubectlAll = await Top("-A", "--containers", "--sort-by=memory");
        Assert.Equal(kubectlAll.Select(c => c[4]), all.Select(r => r.Memory));
        Assert.Equal(kubectlAll.Select(c => string.Join(' ', c)).Order(), all.Select(r => $"{r.Namespace} {r.Name} {r.Container} {r.Cpu} {r.Memory}").Order());
    }

    [Theory]
    [InlineData("memory", ResourceUsageSort.Memory)]
    [InlineData("cpu", ResourceUsageSort.Cpu)]
    public async Task SortByMatchesKubectlOrder(string kubectlSort, ResourceUsageSort sort)
    {
        var ours = await Read(ns: null, all: true, sort: sort);
        var kubectl = await Top("-A", $"--sort-by={kubectlSort}");
        // kubectl's sort is unstable among equal values; the value sequence and the rows must be identical.
        var column = sort == ResourceUsageSort.Memory ? 3 : 2;
        Assert.Equal(kubectl.Select(c => c[column]), ours.Select(r => sort == ResourceUsageSort.Memory ? r.Memory : r.Cpu));
        Assert.Equal(kubectl.Select(c => string.Join(' ', c)).Order(), ours.Select(r => $"{r.Namespace} {r.Name} {r.Cpu} {r.Memory}").Order());
        var values = ours.Select(r => sort == ResourceUsageSort.Memory ? r.MemoryBytes : r.CpuMillicores).ToList();
        Assert.Equal(values.OrderDescending(), values);
    }

    [Fact]
    public async Task SelectorAndNamesFilterLikeKubectl()
    {
        var ours = await Read(selector: "app=backend");
        var kubectl = await Top("-n", Ns, "-l", "app=backend");
        Assert.NotEmpty(ours);
        Assert.Equal(kubectl.Select(c => c[0]), ours.Select(r => r.Name));

        var first = ours[0].Name;
        using var session = Open();
        var reader = new ResourceUsageReader(session);
        var named = await reader.ReadAsync(new ResourceUsageQuery(Ns, false, null, new NameFilter(new[] { first, "no-such-pod", "zz-nothing-*" })), CancellationToken.None);
        Assert.Equal(first, Assert.Single(named).Name);
        Assert.Equal(new[] { "no-such-pod" }, reader.MissingNames);
    }

    [Fact]
    public async Task RequestsAndLimitsComeFromThePodSpecs()
    {
        var ours = await Read();
        using var client = SandboxClients.Client(sandbox.Server);
        var pods = await client.CoreV1.ListNamespacedPodAsync(Ns);
        var checkedOne = false;
        foreach (var row in ours)
        {
            var pod = pods.Items.Single(p => p.Metadata.Name == row.Name);
            var spec = PodResources.FromPod(pod);
            Assert.Equal(ResourceUsageCalculator.SumOrNull(spec.Containers, c => c.CpuRequest)?.ToString(), row.CpuRequest);
            Assert.Equal(ResourceUsageCalculator.SumOrNull(spec.Containers, c => c.MemoryLimit)?.ToString(), row.MemoryLimit);
            if (row.MemoryLimit is not null)
            {
                var limit = Quantity.Parse(row.MemoryLimit).Nanos / 1_000_000_000;
                Assert.Equal(Math.Round(row.MemoryBytes * 100.0 / (double)limit, 1), row.MemoryLimitPercent!.Value, 1);
                checkedOne = true;
            }
        }

        Assert.True(checkedOne, "no pod of the scenario has a memory limit");
    }

    [Fact]
    public async Task NoMetricsGroupIsMetricsApiUnavailableLikeKubectl()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "unhealthy", EnableMetrics = false });
        using var session = ClusterSession.Open(new ClusterTarget(server.KubeconfigPath, null, Ns));
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new ResourceUsageReader(session)
            .ReadAsync(new ResourceUsageQuery(Ns, false, null, new NameFilter(null)), CancellationToken.None));
        Assert.Equal(("MetricsApiUnavailable", FailureCategory.ResourceUnavailable), (ex.ErrorId, ex.Category));
        Assert.StartsWith("Metrics API not available", ex.Message, StringComparison.Ordinal);

        var kubectl = await Sandbox.Kubectl.RunAsync(server, sandbox.CacheDir + "-nometrics", "top", "pods", "-n", Ns);
        Assert.NotEqual(0, kubectl.ExitCode);
        Assert.Contains("Metrics API not available", kubectl.Stderr, StringComparison.Ordinal);
    }
}
