using System.Numerics;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

public sealed class ResourceUsageCalculatorTests
{
    private static BigInteger N(string quantity) => Quantity.Parse(quantity).Nanos;

    [Theory]
    [InlineData("1n", 1)]
    [InlineData("999999n", 1)]
    [InlineData("1000000n", 1)]
    [InlineData("1000001n", 2)]
    [InlineData("1500000n", 2)]
    [InlineData("0", 0)]
    [InlineData("250m", 250)]
    [InlineData("12345678n", 13)]
    [InlineData("1", 1000)]
    [InlineData("2500u", 3)]
    public void CpuIsMillicoresRoundedUp(string usage, long millicores)
    {
        Assert.Equal(millicores, ResourceUsageCalculator.Millicores(N(usage)));
        Assert.Equal($"{millicores}m", ResourceUsageCalculator.FormatCpu(ResourceUsageCalculator.Millicores(N(usage))));
    }

    [Theory]
    [InlineData("1048575", "0Mi")]
    [InlineData("1048576", "1Mi")]
    [InlineData("123456Ki", "120Mi")]
    [InlineData("1Gi", "1024Mi")]
    [InlineData("1500M", "1430Mi")]
    [InlineData("0", "0Mi")]
    [InlineData("1m", "0Mi")]
    public void MemoryIsWholeMiBRoundedDown(string usage, string expected) =>
        Assert.Equal(expected, ResourceUsageCalculator.FormatMemory(ResourceUsageCalculator.Bytes(N(usage))));

    [Fact]
    public void FractionalBytesRoundUpToAWholeByteLikeValue() =>
        Assert.Equal(1, ResourceUsageCalculator.Bytes(N("1m")));

    [Fact]
    public void ContainersAreSummedExactlyBeforeRounding()
    {
        // Each container alone rounds to 1m; kubectl sums first: 3 x 400000n = 1.2m -> 2m, not 3m.
        var sample = Sample("ns", "p", ("a", "400000n", "700Ki"), ("b", "400000n", "700Ki"), ("c", "400000n", "700Ki"));
        var row = Assert.Single(ResourceUsageCalculator.Build(new[] { sample }, null, ResourceUsageSort.Name, perContainer: false));
        Assert.Equal(("2m", 2L, 1200000L), (row.Cpu, row.CpuMillicores, row.CpuNanocores));
        // 3 x 700Ki = 2100Ki = 2150400 bytes -> 2Mi (each alone would be 0Mi).
        Assert.Equal(("2Mi", 2150400L), (row.Memory, row.MemoryBytes));
        Assert.Null(row.Container);
    }

    [Fact]
    public void PercentsAreUsageOverSpecToOneDecimal()
    {
        Assert.Equal(50.0, ResourceUsageCalculator.Percent(N("125m"), Quantity.Parse("250m")));
        Assert.Equal(33.3, ResourceUsageCalculator.Percent(N("1"), Quantity.Parse("3")));
        Assert.Equal(66.7, ResourceUsageCalculator.Percent(N("2"), Quantity.Parse("3")));
        Assert.Equal(0.1, ResourceUsageCalculator.Percent(N("1"), Quantity.Parse("2000")));  // 0.05 rounds half away from zero
        Assert.Equal(250.0, ResourceUsageCalculator.Percent(N("1280Mi"), Quantity.Parse("512Mi")));
        Assert.Null(ResourceUsageCalculator.Percent(N("1"), null));
        Assert.Null(ResourceUsageCalculator.Percent(N("1"), Quantity.Parse("0")));
    }

    [Fact]
    public void PodSpecValuesAreSummedAndNullWhenAnyContainerLacksOne()
    {
        var spec = new PodResources("ns", "p", new[]
        {
            new ContainerResources("app", Q("250m"), Q("1"), Q("512Mi"), Q("2Gi")),
            new ContainerResources("sidecar", Q("50m"), null, Q("128Mi"), Q("128Mi")),
        });
        var sample = Sample("ns", "p", ("app", "150m", "256Mi"), ("sidecar", "15m", "64Mi"));
        var specs = new Dictionary<(string, string), PodResources> { [("ns", "p")] = spec };
        var row = Assert.Single(ResourceUsageCalculator.Build(new[] { sample }, specs, ResourceUsageSort.Name, false));
        Assert.Equal(("300m", (string?)null, "640Mi", "2176Mi"), (row.CpuRequest, row.CpuLimit, row.MemoryRequest, row.MemoryLimit));
        Assert.Equal(55.0, row.CpuRequestPercent);         // 165m / 300m
        Assert.Null(row.CpuLimitPercent);                   // the sidecar has no CPU limit: the pod is unbounded
        Assert.Equal(50.0, row.MemoryRequestPercent);      // 320Mi / 640Mi
        Assert.Equal(14.7, row.MemoryLimitPercent);        // 320Mi / 2176Mi = 14.70...

        var rows = ResourceUsageCalculator.Build(new[] { sample }, specs, ResourceUsageSort.Name, perContainer: true);
        Assert.Equal(new[] { "app", "sidecar" }, rows.Select(r => r.Container));
        Assert.Equal((60.0, 15.0), (rows[0].CpuRequestPercent!.Value, rows[0].CpuLimitPercent!.Value));
        Assert.Equal(("50m", (string?)null, 30.0), (rows[1].CpuRequest, rows[1].CpuLimit, rows[1].CpuRequestPercent!.Value));
        Assert.All(rows, r => Assert.Equal("p", r.Name));
    }

    [Fact]
    public void PodMissingFromTheSpecsHasNullRequestsAndLimits()
    {
        var row = Assert.Single(ResourceUsageCalculator.Build(new[] { Sample("ns", "gone", ("a", "1m", "1Mi")) },
            new Dictionary<(string, string), PodResources>(), ResourceUsageSort.Name, false));
        Assert.Null(row.CpuRequest);
        Assert.Null(row.MemoryLimitPercent);
    }

    [Fact]
    public void DefaultOrderIsNamespaceThenNameAndContainersByName()
    {
        var samples = new[]
        {
            Sample("b", "x", ("z", "1m", "1Mi"), ("a", "5m", "1Mi")),
            Sample("a", "y", ("c", "1m", "1Mi")),
            Sample("a", "b", ("c", "1m", "1Mi")),
        };
        var pods = ResourceUsageCalculator.Build(samples, null, ResourceUsageSort.Name, false);
        Assert.Equal(new[] { "a/b", "a/y", "b/x" }, pods.Select(r => r.ToString()));
        var containers = ResourceUsageCalculator.Build(samples, null, ResourceUsageSort.Name, true);
        Assert.Equal(new[] { "a/b/c", "a/y/c", "b/x/a", "b/x/z" }, containers.Select(r => r.ToString()));
    }

    [Fact]
    public void SortByCpuAndMemoryIsDescendingOnKubectlsRoundedValuesWithNameAsTieBreak()
    {
        var samples = new[]
        {
            Sample("ns", "small", ("a", "100m", "900Mi")),
            Sample("ns", "big", ("a", "300m", "100Mi"), ("b", "200m", "100Mi")),
            // 100.0001m rounds to 101m: above "small" although nearly equal.
            Sample("ns", "almost", ("a", "100000100n", "1Gi")),
            Sample("ns", "also-small", ("a", "100m", "10Mi")),
        };
        Assert.Equal(new[] { "big", "almost", "also-small", "small" },
            ResourceUsageCalculator.Build(samples, null, ResourceUsageSort.Cpu, false).Select(r => r.Name));
        Assert.Equal(new[] { "almost", "small", "big", "also-small" },
            ResourceUsageCalculator.Build(samples, null, ResourceUsageSort.Memory, false).Select(r => r.Name));

        // With containers: pods by their sums, the containers of each pod by their own value.
        var rows = ResourceUsageCalculator.Build(samples, null, ResourceUsageSort.Cpu, true);
        Assert.Equal(new[] { "big/a", "big/b", "almost/a", "also-small/a", "small/a" }, rows.Select(r => $"{r.Name}/{r.Container}"));
    }

    [Fact]
    public void ParsesMetricsServerJson()
    {
        const string json = """
            {"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[
              {"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1beta1",
               "metadata":{"name":"backend-1","namespace":"seekapa-production","creationTimestamp":"2026-11-28T00:00:05Z","labels":{"app":"backend"}},
               "timestamp":"2026-11-28T00:00:00Z","window":"15s",
               "containers":[{"name":"backend","usage":{"cpu":"12345678n","memory":"123456Ki"}},
                             {"name":"log-shipper","usage":{"cpu":"1500000n","memory":"20Mi"}}]}]}
            """;
        var sample = Assert.Single(PodMetricsParser.ParseList(json));
        Assert.Equal(("seekapa-production", "backend-1"), (sample.Namespace, sample.Name));
        Assert.Equal(TimeSpan.FromSeconds(15), sample.Window);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), sample.Timestamp);
        var row = Assert.Single(ResourceUsageCalculator.Build(new[] { sample }, null, ResourceUsageSort.Name, false));
        // 12345678n + 1500000n = 13845678n -> 14m; 123456Ki + 20Mi = 146936832 bytes -> 140Mi.
        Assert.Equal(("14m", "140Mi"), (row.Cpu, row.Memory));
    }

    [Theory]
    [InlineData("15s", 15.0)]
    [InlineData("1m0s", 60.0)]
    [InlineData("1m30.5s", 90.5)]
    [InlineData("500ms", 0.5)]
    [InlineData("1h", 3600.0)]
    public void ParsesGoDurations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), PodMetricsParser.GoDuration(text));

    [Fact]
    public void SidecarInitContainersCountButOrdinaryInitContainersDoNot()
    {
        var pod = new k8s.Models.V1Pod
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "p", NamespaceProperty = "ns" },
            Spec = new k8s.Models.V1PodSpec
            {
                InitContainers = new List<k8s.Models.V1Container>
                {
                    new() { Name = "migrate", Resources = Req("1", "1Gi") },
                    new() { Name = "proxy", RestartPolicy = "Always", Resources = Req("100m", "64Mi") },
                },
                Containers = new List<k8s.Models.V1Container> { new() { Name = "app", Resources = Req("250m", "512Mi") } },
            },
        };
        var resources = PodResources.FromPod(pod);
        Assert.Equal(new[] { "proxy", "app" }, resources.Containers.Select(c => c.Name));
        Assert.Equal("350m", ResourceUsageCalculator.SumOrNull(resources.Containers, c => c.CpuRequest)!.ToString());
        Assert.Equal("576Mi", ResourceUsageCalculator.SumOrNull(resources.Containers, c => c.MemoryRequest)!.ToString());
    }

    private static k8s.Models.V1ResourceRequirements Req(string cpu, string memory) => new()
    {
        Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
    };

    private static Quantity Q(string text) => Quantity.Parse(text);

    private static PodMetricsSample Sample(string ns, string name, params (string Name, string Cpu, string Memory)[] containers) =>
        new(ns, name, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(15),
            containers.Select(c => new ContainerUsage(c.Name, N(c.Cpu), N(c.Memory))).ToList());
}
