using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

/// <summary>
/// Review row E1: a kubeconfig whose client certificate or key is corrupt surfaced as a raw CryptographicException with an
/// empty message (the client parses them when it is built). Now it is KubeconfigInvalid naming the context and the field.
/// </summary>
public sealed class CorruptClientKeyTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"seekapa-kc-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_path);

    private static (string Certificate, string Key) Pem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=oncall", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private void Write(string certificate, string key) => File.WriteAllText(_path, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: https://127.0.0.1:6443
          name: c1
        contexts:
        - context:
            cluster: c1
            user: oncall
          name: prod-ctx
        current-context: prod-ctx
        users:
        - name: oncall
          user:
            client-certificate-data: {B64(certificate)}
            client-key-data: {B64(key)}
        """);

    [Fact]
    public void ACorruptClientKeyIsKubeconfigInvalidNamingTheContextAndTheField()
    {
        var (certificate, _) = Pem();
        // Valid PEM armour and base64, but the DER inside is not a private key.
        Write(certificate, "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(Encoding.ASCII.GetBytes("not a key, just some bytes")) + "\n-----END PRIVATE KEY-----\n");

        var ex = Assert.Throws<SeekapaException>(() => ClusterSession.Open(new ClusterTarget(_path, "prod-ctx")));

        Assert.Equal(("KubeconfigInvalid", FailureCategory.InvalidData), (ex.ErrorId, ex.Category));
        Assert.Contains("Context 'prod-ctx'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("client key (client-key-data)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("user 'oncall'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptClientCertificateIsNamedAsSuch()
    {
        var (_, key) = Pem();
        Write("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", key);

        var ex = Assert.Throws<SeekapaException>(() => ClusterSession.Open(new ClusterTarget(_path, "prod-ctx")));

        Assert.Equal("KubeconfigInvalid", ex.ErrorId);
        Assert.Contains("client certificate (client-certificate-data)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValidCertificateAndKeyStillBuildAClient()
    {
        var (certificate, key) = Pem();
        Write(certificate, key);

        using var session = ClusterSession.Open(new ClusterTarget(_path, "prod-ctx"));

        Assert.Equal("prod-ctx", session.Connection.Context);
    }
}
