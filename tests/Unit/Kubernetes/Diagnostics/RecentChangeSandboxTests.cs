using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>RecentChangeReader against the 'bad-deploy' scenario: backend-deployment 2.13.0 -> 2.14.0 -> 2.14.1 (recent, failed).</summary>
public sealed class RecentChangeSandboxTests(BadDeploySandbox sandbox) : IClassFixture<BadDeploySandbox>
{
    private const string Ns = "seekapa-production";

    private ClusterSession Open() => ClusterSession.Open(new ClusterTarget(sandbox.Kubeconfig, null, Ns));

    [Fact]
    public async Task TheBadDeployIsTheRecentChange()
    {
        using var session = Open();
        var reader = new RecentChangeReader(session);
        var changes = await reader.ReadAsync(new RecentChangeQuery(Ns, false, TimeSpan.FromHours(2), new NameFilter(new[] { "backend-deployment" })),
            CancellationToken.None);
        Assert.Empty(reader.MissingNames);
        var bad = changes.First();
        Assert.Equal(("backend-deployment", WorkloadKind.Deployment), (bad.Name, bad.Kind));
        Assert.True(bad.Revision >= 3);
        Assert.DoesNotContain(changes, c => c.Revision < 3);

        var three = Assert.Single(changes, c => c.Revision == 3);
        Assert.Equal("deploy 2.14.1 (ci run 4821)", three.ChangeCause);
        Assert.Equal(new[] { "seekapa.azurecr.io/seekapa-backend:2.14.0" }, three.ImagesBefore.Take(1));
        Assert.Equal(new[] { "seekapa.azurecr.io/seekapa-backend:2.14.1" }, three.ImagesAfter.Take(1));
        Assert.Equal(RecentChangeBuilder.ReplicaSetCreated, three.TimeSource);
        if (three.IsCurrent)
        {
            Assert.Equal(RolloutState.Failed, three.RolloutState);
        }

        // The 90-day-old revisions and the statefulset's 14-day-old revision are outside a two-hour window, inside a year.
        var year = await new RecentChangeReader(session).ReadAsync(new RecentChangeQuery(Ns, false, TimeSpan.FromDays(365), new NameFilter(null)),
            CancellationToken.None);
        Assert.Contains(year, c => c.Name == "backend-deployment" && c.Revision == 1 && c.ImagesBefore.Count == 0);
        var sts = Assert.Single(year, c => c.Kind == WorkloadKind.StatefulSet && c.Revision == 2);
        Assert.Equal(("postgres-read", "postgres:15.4", "postgres:15.3"), (sts.Name, sts.ImagesAfter[0], sts.ImagesBefore[0]));
        Assert.Equal(year.OrderByDescending(c => c.Time).Select(c => c.Time), year.Select(c => c.Time));
    }

    [Fact]
    public async Task ATriggeredRolloutIsTheNewestChange()
    {
        var name = "recent-" + Guid.NewGuid().ToString("N")[..8];
        await sandbox.Server.CreateAsync("deployments", System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"{{name}}","namespace":"{{Ns}}"},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"{{name}}"} },
               "template":{"metadata":{"labels":{"app":"{{name}}"} },"spec":{"containers":[{"name":"app","image":"registry/app:1"}]} } } }
            """)!.AsObject());
        await WaitForRevisionAsync(name, 1);
        await sandbox.Server.PatchAsync("deployments", Ns, name, "strategic", """
            {"metadata":{"annotations":{"kubernetes.io/change-cause":"set image app=registry/app:2"}},
             "spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry/app:2"}]}}}}
            """);
        await WaitForRevisionAsync(name, 2);

        using var session = Open();
        var changes = await new RecentChangeReader(session).ReadAsync(new RecentChangeQuery(Ns, false, TimeSpan.FromMinutes(10), new NameFilter(null)),
            CancellationToken.None);
        // Timestamps have second precision: another workload created in the same second may share the first place.
        var newest = changes.First(c => c.Name == name);
        Assert.Equal(2, newest.Revision);
        Assert.DoesNotContain(changes, c => c.Time > newest.Time);
        Assert.Equal(new[] { "registry/app:1" }, newest.ImagesBefore);
        Assert.Equal(new[] { "registry/app:2" }, newest.ImagesAfter);
        Assert.Equal("set image app=registry/app:2", newest.ChangeCause);
        Assert.True(newest.IsCurrent);
        Assert.NotNull(newest.RolloutState);
        Assert.Contains(changes, c => c.Name == name && c.Revision == 1 && !c.IsCurrent && c.RolloutState is null);
    }

    [Fact]
    public async Task MissingExplicitNamesAreReported()
    {
        using var session = Open();
        var reader = new RecentChangeReader(session);
        var changes = await reader.ReadAsync(new RecentChangeQuery(Ns, false, TimeSpan.FromHours(2), new NameFilter(new[] { "no-such-workload", "nothing-*" })),
            CancellationToken.None);
        Assert.Empty(changes);
        Assert.Equal(new[] { "no-such-workload" }, reader.MissingNames);
    }

    private async Task WaitForRevisionAsync(string name, int revision)
    {
        for (var i = 0; i < 200; i++)
        {
            var sets = await sandbox.Server.ListAsync("replicasets", Ns);
            if (sets.Any(rs => ((string?)rs["metadata"]?["name"])?.StartsWith(name + "-", StringComparison.Ordinal) == true
                && (string?)rs["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] == revision.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"revision {revision} of {name} did not appear");
    }
}
