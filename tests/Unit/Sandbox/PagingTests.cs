using k8s;
using k8s.Models;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>limit + continue over 1,200 generated pods, with the real KubernetesClient.</summary>
public sealed class PagingTests(GeneratedSandboxFixture sandbox) : IClassFixture<GeneratedSandboxFixture>
{
    [Fact]
    public async Task PagesOf500ReturnEveryPodExactlyOnceInStableOrder()
    {
        using var client = SandboxClients.Client(sandbox.Server);
        var pages = new List<V1PodList>();
        string? token = null;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 500, continueParameter: token);
            pages.Add(page);
            token = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal([500, 500, 200], pages.Select(p => p.Items.Count));
        Assert.Equal([700L, 200L, null], pages.Select(p => p.Metadata.RemainingItemCount));
        Assert.Single(pages.Select(p => p.Metadata.ResourceVersion).Distinct());

        var keys = pages.SelectMany(p => p.Items).Select(p => (p.Metadata.NamespaceProperty, p.Metadata.Name)).ToList();
        Assert.Equal(GeneratedSandboxFixture.PodCount, keys.Count);
        Assert.Equal(GeneratedSandboxFixture.PodCount, keys.Distinct().Count());
        var sorted = keys.OrderBy(k => k.NamespaceProperty, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, keys);
        Assert.Equal(["ns-0", "ns-1", "ns-2"], keys.Select(k => k.NamespaceProperty).Distinct());
    }

    [Fact]
    public async Task LaterPagesComeFromTheFirstPagesSnapshot()
    {
        using var client = SandboxClients.Client(sandbox.Server);
        var first = await client.CoreV1.ListNamespacedPodAsync("ns-1", limit: 100);
        Assert.Equal(100, first.Items.Count);

        // Changes after the first page must not show up in (or shift) the rest of the list.
        await sandbox.Server.CreateAsync("pods", KubectlAcceptanceTests.Probe("zz-added-mid-list", "probe", "ns-1"));
        var firstName = first.Items[0].Metadata.Name;
        var victim = (await client.CoreV1.ListNamespacedPodAsync("ns-1")).Items.Last(p => p.Metadata.Name != "zz-added-mid-list").Metadata.Name;
        var victimObject = await sandbox.Server.GetAsync("pods", "ns-1", victim);
        await sandbox.Server.DeleteAsync("pods", "ns-1", victim);
        try
        {
            var rest = new List<V1Pod>(first.Items);
            var token = first.Metadata.ContinueProperty;
            while (!string.IsNullOrEmpty(token))
            {
                var page = await client.CoreV1.ListNamespacedPodAsync("ns-1", limit: 100, continueParameter: token);
                Assert.Equal(first.Metadata.ResourceVersion, page.Metadata.ResourceVersion);
                rest.AddRange(page.Items);
                token = page.Metadata.ContinueProperty;
            }
            Assert.Equal(GeneratedSandboxFixture.PodCount / 3, rest.Count);
            Assert.DoesNotContain(rest, p => p.Metadata.Name == "zz-added-mid-list");
            Assert.Contains(rest, p => p.Metadata.Name == victim);
            Assert.Equal(firstName, rest[0].Metadata.Name);
        }
        finally
        {
            await sandbox.Server.DeleteAsync("pods", "ns-1", "zz-added-mid-list");
            await sandbox.Server.CreateAsync("pods", victimObject!);
        }
    }

    [Fact]
    public async Task PagingWithALabelSelectorHasNoRemainingCount()
    {
        using var client = SandboxClients.Client(sandbox.Server);
        var all = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app in (app-0,app-1,app-2,app-3)");
        Assert.Equal(40, all.Items.Count);

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app in (app-0,app-1,app-2,app-3)", limit: 15, continueParameter: token);
            Assert.Null(page.Metadata.RemainingItemCount);
            names.AddRange(page.Items.Select(p => p.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));
        Assert.Equal(all.Items.Select(p => p.Metadata.Name), names);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task GeneratedWorkloadsAreConsistent()
    {
        using var client = SandboxClients.Client(sandbox.Server);
        var pods = (await client.CoreV1.ListPodForAllNamespacesAsync()).Items;
        var replicaSets = (await client.AppsV1.ListReplicaSetForAllNamespacesAsync()).Items;
        var deployments = (await client.AppsV1.ListDeploymentForAllNamespacesAsync()).Items;
        Assert.Equal(GeneratedSandboxFixture.PodCount / 10, replicaSets.Count);
        Assert.Equal(replicaSets.Count, deployments.Count);

        var rsByUid = replicaSets.ToDictionary(r => r.Metadata.Uid);
        var deployByUid = deployments.ToDictionary(d => d.Metadata.Uid);
        Assert.All(pods, p =>
        {
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.True(owner.Controller);
            Assert.Equal("ReplicaSet", owner.Kind);
            var rs = rsByUid[owner.Uid];
            Assert.Equal(rs.Metadata.Name, owner.Name);
            Assert.Equal(rs.Metadata.NamespaceProperty, p.Metadata.NamespaceProperty);
            Assert.True(deployByUid.ContainsKey(rs.Metadata.OwnerReferences.Single().Uid));
        });
        // A ReplicaSet counts its active pods only (an Evicted pod is Failed and no longer one of its replicas).
        Assert.All(replicaSets, rs => Assert.Equal(rs.Spec.Replicas, pods.Count(p => p.Metadata.OwnerReferences[0].Uid == rs.Metadata.Uid && p.Status.Phase is not ("Failed" or "Succeeded"))));

        var unhealthy = pods.Count(p => p.Status.Phase != "Running" || p.Status.ContainerStatuses?.Any(c => !c.Ready) == true);
        Assert.InRange(unhealthy, 1, GeneratedSandboxFixture.PodCount / 10);
        Assert.True(pods.Select(p => p.Status.Reason ?? p.Status.Phase).Distinct().Count() >= 3, "varied kinds of problems");
    }
}
