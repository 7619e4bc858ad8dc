using System.Text.Json;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>EventReader against the in-process sandbox ('unhealthy' scenario), and parity with the real kubectl.</summary>
public sealed class EventSandboxTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    private const string Ns = "seekapa-production";

    private ClusterSession Open() => ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath, null, Ns));

    [Fact]
    public async Task ScenarioEventsSortedNewestFirst()
    {
        using var session = Open();
        var events = await new EventReader(session).ReadAsync(new EventQuery(Namespace: Ns, PageSize: 3), CancellationToken.None);
        Assert.Contains(events, e => e.Reason == "BackOff" && e.ObjectKind == "Pod");
        Assert.Contains(events, e => e.Reason == "FailedScheduling");
        Assert.All(events, e => Assert.Equal(Ns, e.Namespace));
        var times = events.Where(e => e.LastSeen is not null).Select(e => e.LastSeen!.Value).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task NodeOomEventsNeedAllNamespacesOrANodeFor()
    {
        using var session = Open();
        var reader = new EventReader(session);
        var inNs = await reader.ReadAsync(new EventQuery(Namespace: Ns, Reasons: new[] { "OOMKilling" }), CancellationToken.None);
        Assert.Empty(inNs);

        var all = await reader.ReadAsync(new EventQuery(AllNamespaces: true, Reasons: new[] { "backoff", "OOMKilling" }), CancellationToken.None);
        var oom = Assert.Single(all, e => e.Reason == "OOMKilling");
        Assert.Equal(("default", "Node"), (oom.Namespace, oom.ObjectKind));
        Assert.Contains(all, e => e.Reason == "BackOff");
        Assert.All(all, e => Assert.Contains(e.Reason, new[] { "BackOff", "OOMKilling" }));

        var forNode = await reader.ReadAsync(new EventQuery(For: new[] { EventObjectReference.Parse($"node/{oom.ObjectName}") }), CancellationToken.None);
        Assert.Contains(forNode, e => e.Reason == "OOMKilling");
    }

    [Fact]
    public async Task SameReasonsObjectsAndCountsAsKubectl()
    {
        using var session = Open();
        var reader = new EventReader(session);
        HashSet<(string, string, int)>? ours = null;
        HashSet<(string, string, int)>? theirs = null;
        // The sandbox's controllers keep recording (counts go up): compare reads close together, a few times if needed.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            ours = (await reader.ReadAsync(new EventQuery(Namespace: Ns), CancellationToken.None))
                .Select(e => (e.Reason, e.Object, e.Count)).ToHashSet();
            var result = await sandbox.Kubectl("get", "events", "-n", Ns, "-o", "json");
            Assert.True(result.ExitCode == 0, result.ToString());
            theirs = KubectlTriples(result.Stdout);
            if (ours.SetEquals(theirs))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.NotEmpty(theirs!);
        Assert.Equal(theirs!.OrderBy(t => t.ToString()), ours!.OrderBy(t => t.ToString()));
    }

    /// <summary>(reason, kubectl OBJECT, COUNT) from kubectl's JSON, with kubectl's own fallbacks (series.count, count, 1).</summary>
    private static HashSet<(string, string, int)> KubectlTriples(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var set = new HashSet<(string, string, int)>();
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var involved = item.GetProperty("involvedObject");
            var kind = involved.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
            var name = involved.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            var count = item.TryGetProperty("series", out var series) && series.ValueKind == JsonValueKind.Object && series.TryGetProperty("count", out var sc) ? sc.GetInt32()
                : item.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number && c.GetInt32() > 0 ? c.GetInt32()
                : 1;
            set.Add((item.GetProperty("reason").GetString() ?? "", name.Length == 0 ? kind.ToLowerInvariant() : $"{kind.ToLowerInvariant()}/{name}", count));
        }

        return set;
    }
}
