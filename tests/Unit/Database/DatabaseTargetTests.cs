using System.Reflection;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

public class DatabaseTargetTests
{
    private const string Secret = "Pa55-word;with=odd'chars";

    [Theory]
    [InlineData("seekapa-postgres.postgres.database.azure.com", DatabaseSslMode.VerifyFull)]
    [InlineData("10.0.0.5", DatabaseSslMode.VerifyFull)]
    [InlineData("localhost.", DatabaseSslMode.VerifyFull)]
    [InlineData("127.0.0.1", DatabaseSslMode.Prefer)]
    [InlineData("127.0.0.2", DatabaseSslMode.Prefer)]
    [InlineData("localhost", DatabaseSslMode.Prefer)]
    [InlineData("::1", DatabaseSslMode.Prefer)]
    [InlineData("::ffff:127.0.0.1", DatabaseSslMode.Prefer)]
    [InlineData("/var/run/postgresql", DatabaseSslMode.Prefer)]
    public void SslModeDefaultsToVerifyFullForEveryHostButThisMachine(string host, DatabaseSslMode expected)
    {
        var target = DatabaseTarget.FromServer(host, null, null, "app", Secret);
        Assert.Equal(expected, target.SslMode);
        Assert.Equal(expected.ToString(), target.Builder.SslMode.ToString());
        Assert.Empty(target.Warnings);
        Assert.Null(target.SslRootCertificate);
    }

    [Fact]
    public void RequireForARemoteHostIsAllowedButWarnsThatTheServerIsNotVerified()
    {
        var target = DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, DatabaseSslMode.Require);
        Assert.Equal(DatabaseSslMode.Require, target.SslMode);
        var warning = Assert.Single(target.Warnings);
        Assert.Contains("does not verify", warning, StringComparison.Ordinal);
        Assert.Contains("-SslRootCertificate", warning, StringComparison.Ordinal);
        // The connection string's own SSL Mode=Require is the same explicit choice.
        Assert.Single(DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app;SSL Mode=Require").Warnings);
        Assert.Single(DatabaseTarget.FromConnectionString("postgresql://app@db.example.com/x?sslmode=require").Warnings);
        // VerifyCA with the system's roots does not check the name: any public certificate passes.
        Assert.Single(DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, DatabaseSslMode.VerifyCA).Warnings);
        // On this machine nothing crosses a network: no warning.
        Assert.Empty(DatabaseTarget.FromServer("127.0.0.1", null, null, "app", Secret, DatabaseSslMode.Require).Warnings);
    }

    [Theory]
    [InlineData(DatabaseSslMode.Require)]
    [InlineData(DatabaseSslMode.VerifyCA)]
    public void AnEntraTokenIsNeverSentToARemoteServerThatIsNotVerified(DatabaseSslMode mode)
    {
        var ex = Assert.Throws<SeekapaException>(() => DatabaseTarget.FromAccessToken("db.example.com", null, null, "ops", "eyJ0.token", mode));
        Assert.Equal("InsecureTokenTransport", ex.ErrorId);
        Assert.Contains("not sent", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ0.token", ex.Message + ex.RecommendedAction, StringComparison.Ordinal);

        var credential = new RecordingCredential(("never-asked", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal("InsecureTokenTransport", Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromTokenCredential("db.example.com", null, null, "ops", credential, mode)).ErrorId);
        Assert.Empty(credential.Requests);
    }

    [Fact]
    public void AnEntraTokenGoesToAVerifiedServerOrToThisMachine()
    {
        Assert.Equal(DatabaseSslMode.VerifyFull, DatabaseTarget.FromAccessToken("db.example.com", null, null, "ops", "eyJ0.token").SslMode);
        using var ca = TestCa.Write();
        Assert.Equal(DatabaseSslMode.VerifyCA,
            DatabaseTarget.FromAccessToken("db.example.com", null, null, "ops", "eyJ0.token", DatabaseSslMode.VerifyCA, ca.Path).SslMode);
        Assert.Equal(DatabaseSslMode.Require, DatabaseTarget.FromAccessToken("127.0.0.1", null, null, "ops", "eyJ0.token", DatabaseSslMode.Require).SslMode);
    }

    [Fact]
    public void ARootCertificateIsCheckedBeforeAnythingIsSentAndMeansVerifyFull()
    {
        using var ca = TestCa.Write();
        var target = DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, null, ca.Path);
        Assert.Equal(DatabaseSslMode.VerifyFull, target.SslMode);
        Assert.Equal(ca.Path, target.SslRootCertificate);
        Assert.Equal(ca.Path, target.Builder.RootCertificate);
        // Even on this machine a root certificate asks for verification.
        Assert.Equal(DatabaseSslMode.VerifyFull, DatabaseTarget.FromServer("127.0.0.1", null, null, "app", Secret, null, ca.Path).SslMode);
        // From the connection string, in Npgsql's keyword or libpq's URI parameter.
        Assert.Equal(ca.Path, DatabaseTarget.FromConnectionString($"Host=db.example.com;Username=app;Root Certificate={ca.Path}").SslRootCertificate);
        Assert.Equal(ca.Path, DatabaseTarget.FromConnectionString($"postgresql://app@db.example.com/x?sslrootcert={Uri.EscapeDataString(ca.Path)}").SslRootCertificate);

        // libpq's sslrootcert=system: the system's roots, verified.
        var system = DatabaseTarget.FromConnectionString("postgresql://app@db.example.com/x?sslrootcert=system");
        Assert.Equal((DatabaseSslMode.VerifyFull, (string?)null), (system.SslMode, system.SslRootCertificate));

        Assert.Equal("SslRootCertificateNotFound", Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, null, ca.Path + ".missing")).ErrorId);
        File.WriteAllText(ca.Path + ".txt", "not a certificate");
        Assert.Equal("SslRootCertificateInvalid", Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, null, ca.Path + ".txt")).ErrorId);
        var unused = Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromServer("db.example.com", null, null, "app", Secret, DatabaseSslMode.Require, ca.Path));
        Assert.Equal("InvalidParameterCombination", unused.ErrorId);
    }

    [Theory]
    [InlineData(DatabaseSslMode.Disable)]
    [InlineData(DatabaseSslMode.Allow)]
    [InlineData(DatabaseSslMode.Prefer)]
    public void AWeakSslModeForARemoteHostIsRefused(DatabaseSslMode mode)
    {
        var ex = Assert.Throws<SeekapaException>(() => DatabaseTarget.FromServer("db.example.com", 5432, "seekapa", "app", Secret, mode));
        Assert.Equal("InsecureSslMode", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.Contains("port-forward", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakModesAreAllowedOnLoopback()
    {
        Assert.Equal(DatabaseSslMode.Disable, DatabaseTarget.FromServer("127.0.0.1", 5432, null, "app", null, DatabaseSslMode.Disable).SslMode);
    }

    [Fact]
    public void TheConnectionStringsOwnSslModeIsCheckedToo()
    {
        var ex = Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromConnectionString($"Host=db.example.com;Username=app;Password=x;SSL Mode=Disable"));
        Assert.Equal("InsecureSslMode", ex.ErrorId);
        Assert.Equal(DatabaseSslMode.VerifyFull,
            DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app;sslmode=VerifyFull").SslMode);
        Assert.Equal(DatabaseSslMode.VerifyFull, DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app").SslMode);
        Assert.Equal(DatabaseSslMode.Require, DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app;SSL Mode=Require").SslMode);
    }

    [Fact]
    public void AUriIsReadLikeLibpqDoes()
    {
        var target = DatabaseTarget.FromConnectionString("postgresql://app%40corp:p%40ss%3Bword@db.example.com:6432/seek%20apa?sslmode=verify-full&application_name=ops");
        Assert.Equal("db.example.com", target.Host);
        Assert.Equal(6432, target.Port);
        Assert.Equal("seek apa", target.Database);
        Assert.Equal("app@corp", target.User);
        Assert.Equal("p@ss;word", target.Builder.Password);
        Assert.Equal(DatabaseSslMode.VerifyFull, target.SslMode);
        Assert.Equal("ops", target.Builder.ApplicationName);
        Assert.Equal(DatabaseAuthentication.Password, target.Authentication);
    }

    [Fact]
    public void DefaultsAreFilledAndThePoolIsOff()
    {
        var target = DatabaseTarget.FromServer("127.0.0.1", null, null, "app", Secret);
        Assert.Equal(5432, target.Port);
        Assert.Equal("postgres", target.Database);
        Assert.Equal("Seekapa.Ops", target.Builder.ApplicationName);
        Assert.False(target.Builder.Pooling);
        Assert.Equal(DatabaseAuthentication.Password, target.Authentication);
        Assert.Equal(DatabaseAuthentication.None, DatabaseTarget.FromServer("127.0.0.1", null, null, "app", null).Authentication);
    }

    [Theory]
    [InlineData("Host=db;Pasword=" + Secret)]
    [InlineData("Host=db;Port=notaport;Password=" + Secret)]
    [InlineData("Username=app;Password=" + Secret)]
    [InlineData("postgresql://app:" + "pw-in-uri@db/x?unknown=1")]
    public void AnInvalidConnectionStringIsRefusedWithoutItsSecret(string connectionString)
    {
        var ex = Assert.Throws<SeekapaException>(() => DatabaseTarget.FromConnectionString(connectionString));
        Assert.Equal("InvalidConnectionString", ex.ErrorId);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-in-uri", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db host")]
    [InlineData("db;Password=x")]
    [InlineData("")]
    public void AServerThatIsNotAHostIsRefused(string server)
    {
        Assert.Equal("InvalidServer", Assert.Throws<SeekapaException>(() => DatabaseTarget.FromServer(server, null, null, "app", null)).ErrorId);
    }

    [Fact]
    public void EntraAuthenticationNeedsTheRoleName()
    {
        Assert.Equal("UserRequired", Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromAccessToken("db.example.com", null, null, "", "token")).ErrorId);
        var target = DatabaseTarget.FromAccessToken("db.example.com", null, "seekapa", "ops@corp.example", "eyJ0.token");
        Assert.Equal(DatabaseAuthentication.AccessToken, target.Authentication);
        Assert.Equal(DatabaseSslMode.VerifyFull, target.SslMode);
    }

    [Fact]
    public void TheConnectionObjectNeverHoldsOrShowsTheSecret()
    {
        var session = DatabaseSession.Open(DatabaseTarget.FromServer("db.example.com", 5432, "seekapa", "app", Secret));
        var connection = session.Connection;
        Assert.Equal("app@db.example.com:5432/seekapa", connection.ToString());
        foreach (var property in typeof(DatabaseConnection).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.DoesNotContain(Secret, property.GetValue(connection)?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }

        Assert.Equal("login with *** failed", session.Redact($"login with {Secret} failed"));
    }

    [Fact]
    public void ADeserializedConnectionIsRefused()
    {
        var copy = new DatabaseConnection("db", 5432, "seekapa", "app", DatabaseSslMode.Require, DatabaseAuthentication.Password);
        Assert.Equal("ConnectionInvalid", Assert.Throws<SeekapaException>(() => DatabaseSession.FromConnection(copy)).ErrorId);
    }
}

/// <summary>A throwaway CA certificate file (PEM) in a temporary directory, deleted when disposed.</summary>
internal sealed class TestCa : IDisposable
{
    private readonly string _directory;

    private TestCa(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public static TestCa Write()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "seekapa-ca-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Other CA", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = System.IO.Path.Combine(directory, "ca.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return new TestCa(directory, path);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
