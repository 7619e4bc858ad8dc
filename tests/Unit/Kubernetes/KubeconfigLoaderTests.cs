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

    [Fact]
    public void ReadFileReadsEverythingKubernetesClientReads()
    {
        // KubeconfigLoader parses kubeconfigs itself (not through k8s.KubernetesYaml, which is slow to start): every
        // field a kubeconfig can carry must come out as KubernetesClient's own loader reads it.
        var path = Path.Combine(_dir, "rich");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            preferences:
              colors: true
            clusters:
            - name: aks
              cluster:
                server: https://aks.example:443
                certificate-authority-data: Q0FEQVRB
                insecure-skip-tls-verify: false
                tls-server-name: api.internal
                proxy-url: http://proxy:3128
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension:
                    audience: 6dae42f8
            users:
            - name: exec-user
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: kubelogin
                  args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8"]
                  env:
                  - name: AAD_LOGIN_METHOD
                    value: azurecli
                  provideClusterInfo: false
            - name: cert-user
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
                username: admin
                password: not-a-real-password
            - name: oidc-user
              user:
                auth-provider:
                  name: oidc
                  config:
                    client-id: kubernetes
                    id-token: not-a-real-id-token
            contexts:
            - name: prod
              context:
                cluster: aks
                user: exec-user
                namespace: seekapa-production
            - name: admin
              context: {cluster: aks, user: cert-user}
            current-context: prod
            """);

        var ours = KubeconfigLoader.ReadFile(path);
        var theirs = k8s.KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: true);

        Assert.Equal(k8s.KubernetesYaml.Serialize(theirs), k8s.KubernetesYaml.Serialize(ours));
        Assert.Equal(theirs.FileName, ours.FileName);
        Assert.Equal("prod", ours.CurrentContext);
        var exec = ours.Users.First(u => u.Name == "exec-user").UserCredentials.ExternalExecution;
        Assert.Equal("kubelogin", exec.Command);
        Assert.Equal(new[] { "get-token", "--login", "azurecli", "--server-id", "6dae42f8" }, exec.Arguments);
        Assert.Equal("azurecli", exec.EnvironmentVariables.Single()["value"]);
        Assert.Equal("certs/client.key", ours.Users.First(u => u.Name == "cert-user").UserCredentials.ClientKey);
        Assert.Equal("not-a-real-id-token", ours.Users.First(u => u.Name == "oidc-user").UserCredentials.AuthProvider.Config["id-token"]);
        Assert.Equal("api.internal", ours.Clusters.Single().ClusterEndpoint.TlsServerName);
        Assert.Equal("seekapa-production", ours.Contexts.First().ContextDetails.Namespace);
    }

    [Fact]
    public void RelativeCertificateAuthorityIsTakenFromTheKubeconfigFolder()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        File.WriteAllText(Path.Combine(_dir, "pki", "ca.crt"), ca.ExportCertificatePem());
        var path = Path.Combine(_dir, "relative");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443", certificate-authority: pki/ca.crt}
            users:
            - name: u
              user: {token: not-a-real-token}
            contexts:
            - name: ctx
              context: {cluster: c, user: u}
            current-context: ctx
            """);

        var loaded = KubeconfigLoader.Load(path, null);
        var config = k8s.KubernetesClientConfiguration.BuildConfigFromConfigObject(loaded.Config, loaded.Context);

        Assert.Equal(ca.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void EmptyFileIsKubeconfigInvalid()
    {
        var path = Path.Combine(_dir, "empty");
        File.WriteAllText(path, string.Empty);
        var ex = Assert.Throws<SeekapaException>(() => KubeconfigLoader.Load(path, null));
        Assert.Equal("KubeconfigInvalid", ex.ErrorId);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
