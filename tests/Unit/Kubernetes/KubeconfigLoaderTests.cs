using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seekapa-kc-").FullName;

    private string Write(string name, string context, string server, string? current = null, string? ns = null)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {context}-cluster
              cluster:
                server: {server}
            users:
            - name: {context}-user
              user:
                token: not-a-real-token-{context}
            contexts:
            - name: {context}
              context:
                cluster: {context}-cluster
                user: {context}-user
                {(ns is null ? string.Empty : "namespace: " + ns)}
            current-context: {current ?? string.Empty}
            """);
        return path;
    }

    [Fact]
    public void ExplicitPathWinsOverKubeconfigVariable()
    {
        var paths = KubeconfigLoader.ResolvePaths("/x/explicit", "/a:/b", "/home/u");
        Assert.Equal(new[] { "/x/explicit" }, paths);
    }

    [Fact]
    public void KubeconfigVariableIsSplitLikeKubectl()
    {
        var paths = KubeconfigLoader.ResolvePaths(null, $"/a{Path.PathSeparator}/b{Path.PathSeparator}/a", "/home/u");
        Assert.Equal(new[] { "/a", "/b" }, paths);
    }

    [Fact]
    public void DefaultIsHomeKubeConfig()
    {
        Assert.Equal(new[] { "/home/u/.kube/config" }, KubeconfigLoader.ResolvePaths(null, null, "/home/u"));
        Assert.Equal(new[] { "/home/u/.kube/k" }, KubeconfigLoader.ResolvePaths("~/.kube/k", null, "/home/u"));
    }

    [Fact]
    public void MissingExplicitFileIsKubeconfigNotFound()
    {
        var ex = Assert.Throws<SeekapaException>(() => KubeconfigLoader.Load(Path.Combine(_dir, "nope"), null));
        Assert.Equal("KubeconfigNotFound", ex.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, ex.Category);
    }

    [Fact]
    public void UnknownContextIsContextNotFoundAndListsTheKnownOnes()
    {
        var path = Write("one", "prod", "https://127.0.0.1:6443", current: "prod");
        var ex = Assert.Throws<SeekapaException>(() => KubeconfigLoader.Load(path, "staging"));
        Assert.Equal("ContextNotFound", ex.ErrorId);
        Assert.Contains("prod", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentContextIsUsedWhenNoneIsGiven()
    {
        var path = Write("two", "prod", "https://127.0.0.1:6443", current: "prod", ns: "seekapa-production");
        var loaded = KubeconfigLoader.Load(path, null);
        Assert.Equal("prod", loaded.Context);
    }

    [Fact]
    public void SessionTakesTheContextNamespaceAndExplicitNamespaceWins()
    {
        var path = Write("three", "prod", "https://127.0.0.1:6443", current: "prod", ns: "seekapa-production");
        using var fromContext = ClusterSession.Open(new ClusterTarget(path));
        Assert.Equal("seekapa-production", fromContext.DefaultNamespace);
        Assert.Equal("prod-user", fromContext.Connection.User);
        using var explicitNs = ClusterSession.Open(new ClusterTarget(path, Namespace: "monitoring"));
        Assert.Equal("monitoring", explicitNs.DefaultNamespace);
        var bad = Assert.Throws<SeekapaException>(() => ClusterSession.Open(new ClusterTarget(path, Namespace: "Not_Valid")));
        Assert.Equal("InvalidNamespace", bad.ErrorId);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
