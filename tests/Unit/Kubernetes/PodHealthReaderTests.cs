using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public sealed class PodHealthReaderTests : IClassFixture<UnhealthySandbox>, IClassFixture<LargeSandbox>
{
    private readonly UnhealthySandbox _sandbox;
    private readonly LargeSandbox _large;

    public PodHealthReaderTests(UnhealthySandbox sandbox, LargeSandbox large)
    {
        _sandbox = sandbox;
        _large = large;
    }

    private static async Task<List<PodHealth>> ReadAll(PodHealthReader reader, PodQuery query)
    {
        var list = new List<PodHealth>();
        await foreach (var pod in reader.ReadAsync(query, CancellationToken.None))
        {
            list.Add(pod);
        }

        return list;
    }

    [Fact]
    public async Task PagesThroughEveryPodExactlyOnce()
    {
        using var session = ClusterSession.Open(new ClusterTarget(_large.Server.KubeconfigPath));
        var pods = await ReadAll(new PodHealthReader(session), new PodQuery(null, true, null, new NameFilter(null), PageSize: 500));
        Assert.Equal(LargeSandbox.PodCount, pods.Count);
        Assert.Equal(LargeSandbox.PodCount, pods.Select(p => $"{p.Namespace}/{p.Name}").Distinct().Count());
        Assert.Contains(pods, p => !p.Healthy);
        Assert.All(pods.Where(p => p.OwnerKind is not null), p => Assert.Equal("Deployment", p.OwnerKind));
    }

    [Fact]
    public async Task SelectorIsAppliedByTheServer()
    {
        using var session = _sandbox.Open();
        var backend = await ReadAll(new PodHealthReader(session), new PodQuery(null, false, LabelSelector.Parse("app=backend"), new NameFilter(null)));
        Assert.NotEmpty(backend);
        Assert.All(backend, p => Assert.Equal("backend", p.Labels["app"]));
        var all = await ReadAll(new PodHealthReader(session), new PodQuery(null, false, null, new NameFilter(null)));
        Assert.True(all.Count > backend.Count);
        Assert.All(all, p => Assert.Equal("seekapa-production", p.Namespace));
    }

    [Fact]
    public async Task MissingExplicitNamesAreReportedAndWildcardsAreSilent()
    {
        using var session = _sandbox.Open();
        var reader = new PodHealthReader(session);
        var any = (await ReadAll(reader, new PodQuery(null, false, null, new NameFilter(null))))[0].Name;
        var found = await ReadAll(reader, new PodQuery(null, false, null, new NameFilter(new[] { any, "nope-*", "missing-pod" })));
        Assert.Equal(new[] { any }, found.Select(p => p.Name));
        Assert.Equal(new[] { "missing-pod" }, reader.MissingNames);
    }

    [Fact]
    public async Task MissingNamespaceIsNamespaceNotFound()
    {
        using var session = _sandbox.Open();
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => ReadAll(new PodHealthReader(session), new PodQuery("no-such-namespace", false, null, new NameFilter(null))));
        Assert.Equal("NamespaceNotFound", ex.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, ex.Category);
    }

    [Fact]
    public async Task ForbiddenNamesTheVerbAndResource()
    {
        using var session = _sandbox.Open("seekapa-sandbox-viewer");
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => ReadAll(new PodHealthReader(session), new PodQuery(null, true, null, new NameFilter(null))));
        Assert.Equal("Forbidden", ex.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, ex.Category);
        Assert.Contains("list pods at the cluster scope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongTokenIsClusterAuthenticationFailed()
    {
        var kubeconfig = Path.GetTempFileName();
        try
        {
            var text = await File.ReadAllTextAsync(_sandbox.Kubeconfig);
            await File.WriteAllTextAsync(kubeconfig, text.Replace(_sandbox.Server.AdminToken, "wrong-token-value", StringComparison.Ordinal));
            using var session = ClusterSession.Open(new ClusterTarget(kubeconfig));
            var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None));
            Assert.Equal("ClusterAuthenticationFailed", ex.ErrorId);
            Assert.DoesNotContain("wrong-token-value", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
