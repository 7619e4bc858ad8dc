using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.PowerShell.Cmdlets.Database;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>
/// TLS against the real server reached the way a remote server is: under <see cref="PostgresServer.RemoteName"/>, which
/// the loopback rule treats as remote and DatabaseSession.ResolveOverrides maps to 127.0.0.1 (curl --resolve style);
/// the certificate is still checked against that name. The server's certificate comes from the fixture's private CA.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseTlsTests : DatabaseCmdletTest
{
    private const string OtherName = "other-name.seekapa.invalid";

    public DatabaseTlsTests(PostgresServer server) : base(server)
    {
        DatabaseSession.ResolveOverrides[PostgresServer.RemoteName] = PostgresServer.Host;
        DatabaseSession.ResolveOverrides[OtherName] = PostgresServer.Host;
    }

    private PSCredential Credential => new(PostgresServer.Superuser, SecretTransformationAttribute.ToSecureString(Server.Password));

    private DatabaseShell.Result Connect(string arguments, IDictionary<string, object?>? more = null)
    {
        var variables = new Dictionary<string, object?>
        {
            ["port"] = Server.Port,
            ["cred"] = Credential,
            ["ca"] = Server.CaCertificatePath,
            ["remote"] = PostgresServer.RemoteName,
        };
        foreach (var (name, value) in more ?? new Dictionary<string, object?>())
        {
            variables[name] = value;
        }

        return Run($"Connect-SeekapaDatabase {arguments}", variables);
    }

    [Fact]
    public void ByDefaultARemoteServerWhoseCertificateCannotBeVerifiedIsRefused()
    {
        var result = Connect("$remote -Port $port -Credential $cred");

        var error = result.SingleError("DatabaseCertificateRejected");
        Assert.Empty(result.Output);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("VerifyFull", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.RemoteName, error.ErrorDetails.Message, StringComparison.Ordinal);
        // Why: the probe looked at the certificate (the name is right, the issuer is unknown).
        Assert.Contains("certificate (subject CN=postgres.seekapa.invalid, issued by CN=Seekapa test CA, valid until ", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("does not chain to the system's trusted roots", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is not for the name", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("-SslRootCertificate", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("-SslMode Require", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, result.AllText(Shell), StringComparison.Ordinal);
        // Nothing became the session default.
        Run("Test-SeekapaDatabaseConnection").SingleError("DatabaseNotConnected");
    }

    [Fact]
    public void TheServersCaGivenWithSslRootCertificateVerifiesIt()
    {
        var result = Connect("$remote -Port $port -Credential $cred -SslRootCertificate $ca; Test-SeekapaDatabaseConnection").NoErrors();

        Assert.Empty(result.Warnings);
        var connection = Assert.Single(result.Objects<DatabaseConnection>());
        Assert.Equal((PostgresServer.RemoteName, DatabaseSslMode.VerifyFull), (connection.Host, connection.SslMode));
        var test = Assert.Single(result.Objects<DatabaseConnectionTest>());
        Assert.Equal((true, DatabaseSslMode.VerifyFull), (test.Tls, test.SslMode));
    }

    [Fact]
    public void VerifyFullChecksTheNameAndVerifyCaOnlyTheIssuer()
    {
        // The certificate does not name other-name.seekapa.invalid: the right CA is not enough for VerifyFull.
        var error = Connect($"{OtherName} -Port $port -Credential $cred -SslRootCertificate $ca").SingleError("DatabaseCertificateRejected");
        Assert.Contains($"is not for the name '{OtherName}' (it names ", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.RemoteName, error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("does not chain", error.ErrorDetails.Message, StringComparison.Ordinal);

        var result = Connect($"{OtherName} -Port $port -Credential $cred -SslRootCertificate $ca -SslMode VerifyCA").NoErrors();
        Assert.Equal(DatabaseSslMode.VerifyCA, Assert.Single(result.Objects<DatabaseConnection>()).SslMode);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void AnotherCaDoesNotVerifyTheServer()
    {
        using var other = TestCa.Write();
        var error = Connect("$remote -Port $port -Credential $cred -SslRootCertificate $other",
            new Dictionary<string, object?> { ["other"] = other.Path }).SingleError("DatabaseCertificateRejected");
        Assert.Contains($"does not chain to the CA in {other.Path}", error.ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireConnectsWithoutVerifyingAndSaysSo()
    {
        var result = Connect("$remote -Port $port -Credential $cred -SslMode Require").NoErrors();

        Assert.Equal(DatabaseSslMode.Require, Assert.Single(result.Objects<DatabaseConnection>()).SslMode);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("does not verify", warning, StringComparison.Ordinal);

        // A connection string that says SSL Mode=Require is the same explicit choice.
        var fromString = Run("Connect-SeekapaDatabase -ConnectionString $c", new Dictionary<string, object?>
        {
            ["c"] = $"Host={PostgresServer.RemoteName};Port={Server.Port};Username=postgres;Password={Server.Password};SSL Mode=Require",
        }).NoErrors();
        Assert.Single(fromString.Objects<DatabaseConnection>());
        Assert.Contains("does not verify", Assert.Single(fromString.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEntraTokenIsRefusedWithoutAnyConnectionUnlessTheServerIsVerified()
    {
        // A listener that counts the connections it is offered (and closes them), under the remote name.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ0bHMifQ." + Guid.NewGuid().ToString("N");
        var variables = new Dictionary<string, object?> { ["lport"] = port, ["token"] = token };

        try
        {
            var refused = Connect("$remote -Port $lport -User entra_tls -AccessToken $token -SslMode Require", variables);
            var error = refused.SingleError("InsecureTokenTransport");
            Assert.Contains("not sent", error.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, refused.AllText(Shell), StringComparison.Ordinal);
            Connect("$remote -Port $lport -User entra_tls -AccessToken $token -SslMode VerifyCA", variables).SingleError("InsecureTokenTransport");
            Assert.Equal(0, Volatile.Read(ref accepted));

            // The same command with verification does reach the listener (which is not PostgreSQL): the count above can fail.
            Connect("$remote -Port $lport -User entra_tls -AccessToken $token", variables).SingleError("DatabaseUnreachable");
            Assert.True(Volatile.Read(ref accepted) >= 1);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            try
            {
                await accepting;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    [Fact]
    public async Task AnEntraTokenLogsInToAVerifiedServer()
    {
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ2ZiJ9." + Guid.NewGuid().ToString("N");
        await Server.CreateRoleAsync("entra_verified", token);

        var result = Connect("$remote -Port $port -User entra_verified -AccessToken $token -SslRootCertificate $ca | Test-SeekapaDatabaseConnection",
            new Dictionary<string, object?> { ["token"] = token }).NoErrors();

        var test = Assert.Single(result.Objects<DatabaseConnectionTest>());
        Assert.Equal(("entra_verified", true), (test.User, test.Tls));
        Assert.DoesNotContain(token, result.AllText(Shell), StringComparison.Ordinal);
    }

    [Fact]
    public void LoopbackKeepsWorkingWithoutTls()
    {
        var result = Connect("127.0.0.1 -Port $port -Credential $cred -SslMode Disable; Test-SeekapaDatabaseConnection").NoErrors();
        Assert.Empty(result.Warnings);
        Assert.False(Assert.Single(result.Objects<DatabaseConnectionTest>()).Tls);
        var preferred = Connect("127.0.0.1 -Port $port -Credential $cred").NoErrors();
        Assert.Equal(DatabaseSslMode.Prefer, Assert.Single(preferred.Objects<DatabaseConnection>()).SslMode);
        Assert.Empty(preferred.Warnings);
    }
}
