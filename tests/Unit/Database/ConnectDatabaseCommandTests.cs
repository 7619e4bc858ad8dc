using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class ConnectDatabaseCommandTests(PostgresServer server) : DatabaseCmdletTest(server)
{
    private PSCredential Credential => new(PostgresServer.Superuser, Seekapa.Ops.PowerShell.Cmdlets.Database.SecretTransformationAttribute.ToSecureString(Server.Password));

    [Fact]
    public void ConnectReturnsTheConnectionAndMakesItTheSessionDefault()
    {
        var result = Run("Connect-SeekapaDatabase -Server 127.0.0.1 -Port $port -Credential $cred -SslMode Require; Test-SeekapaDatabaseConnection",
            new Dictionary<string, object?> { ["port"] = Server.Port, ["cred"] = Credential }).NoErrors();

        var connection = Assert.Single(result.Objects<DatabaseConnection>());
        Assert.Equal(("127.0.0.1", Server.Port, "postgres", "postgres", DatabaseSslMode.Require, DatabaseAuthentication.Password),
            (connection.Host, connection.Port, connection.Database, connection.User, connection.SslMode, connection.Authentication));
        Assert.False(string.IsNullOrEmpty(connection.ServerVersion));
        var test = Assert.Single(result.Objects<DatabaseConnectionTest>());
        Assert.True(test.Tls);
        Assert.StartsWith("TLSv1.", test.TlsVersion, StringComparison.Ordinal);
        Assert.Equal("postgres", test.User);
        Assert.True(test.Superuser);
        Assert.False(test.InRecovery);
        Assert.Equal(connection.ServerVersion, test.ServerVersion);
        Assert.True(test.Connections >= 1);
        Assert.True(test.Latency > TimeSpan.Zero);
    }

    [Fact]
    public async Task TestReportsTheLimitsTheServerHas()
    {
        var max = int.Parse(await Server.ScalarAsync<string>("SHOW max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        var reserved = int.Parse(await Server.ScalarAsync<string>("SHOW superuser_reserved_connections"), System.Globalization.CultureInfo.InvariantCulture);

        var test = Assert.Single(Run("Connect-SeekapaDatabase -ConnectionString $cs | Test-SeekapaDatabaseConnection").NoErrors().Objects<DatabaseConnectionTest>());

        Assert.Equal(max, test.MaxConnections);
        Assert.Equal(max - reserved, test.UsableConnections);
        Assert.False(test.Tls);
    }

    [Fact]
    public void EveryDatabaseCmdletWithoutAConnectionSaysHowToGetOne()
    {
        foreach (var command in new[] { "Test-SeekapaDatabaseConnection", "Get-SeekapaDatabaseActivity", "Get-SeekapaTableSize",
                     "Stop-SeekapaDatabaseQuery -Pid 1 -Confirm:$false", "Set-SeekapaDatabaseSetting work_mem 8MB -Confirm:$false",
                     "Invoke-SeekapaSqlScript -Sql 'SELECT 1' -Confirm:$false" })
        {
            var error = Run(command).SingleError("DatabaseNotConnected");
            Assert.Contains("Connect-SeekapaDatabase", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConnectionOverridesTheDefaultPerCommand()
    {
        await Server.ExecuteAsync("DROP DATABASE IF EXISTS seekapa_other");
        await Server.ExecuteAsync("CREATE DATABASE seekapa_other");
        await using (var other = await Server.OpenAsync(Server.ConnectionStringFor(PostgresServer.Superuser, Server.Password, "seekapa_other")))
        {
            await using var create = new Npgsql.NpgsqlCommand("CREATE TABLE only_in_other (id int)", other);
            await create.ExecuteNonQueryAsync();
        }

        var result = Run("""
            $other = Connect-SeekapaDatabase -Server 127.0.0.1 -Port $port -Database seekapa_other -Credential $cred -SslMode Disable
            $null = Connect-SeekapaDatabase -ConnectionString $cs
            Get-SeekapaTableSize -Connection $other | ForEach-Object Table
            '---'
            Get-SeekapaTableSize | ForEach-Object Table
            """, new Dictionary<string, object?> { ["port"] = Server.Port, ["cred"] = Credential }).NoErrors();

        var lines = result.Output.Select(o => o.ToString()).ToList();
        var split = lines.IndexOf("---");
        Assert.Contains("only_in_other", lines.Take(split));
        Assert.DoesNotContain("only_in_other", lines.Skip(split));
    }

    [Fact]
    public void AFailedConnectStopsAndKeepsTheDefault()
    {
        ConnectAsSuperuser();
        var result = Run("Connect-SeekapaDatabase -Server 127.0.0.1 -Port $port -Credential $bad -SslMode Disable",
            new Dictionary<string, object?>
            {
                ["port"] = Server.Port,
                ["bad"] = new PSCredential("postgres", Seekapa.Ops.PowerShell.Cmdlets.Database.SecretTransformationAttribute.ToSecureString("wrong-password-1")),
            });

        result.SingleError("DatabaseAuthenticationFailed");
        Assert.Empty(result.Output);
        Assert.Equal("postgres", Assert.Single(Run("Test-SeekapaDatabaseConnection").NoErrors().Objects<DatabaseConnectionTest>()).User);
    }

    [Fact]
    public void AConnectionStringCanBeASecureStringOrAUri()
    {
        var uri = $"postgresql://postgres:{Uri.EscapeDataString(Server.Password)}@127.0.0.1:{Server.Port}/postgres?sslmode=require";
        var result = Run("""
            Connect-SeekapaDatabase -ConnectionString (ConvertTo-SecureString $cs -AsPlainText -Force)
            Connect-SeekapaDatabase -ConnectionString $uri
            """, new Dictionary<string, object?> { ["uri"] = uri }).NoErrors();
        var connections = result.Objects<DatabaseConnection>().ToList();
        Assert.Equal(2, connections.Count);
        Assert.Equal(DatabaseSslMode.Disable, connections[0].SslMode);
        Assert.Equal(DatabaseSslMode.Require, connections[1].SslMode);
    }

    [Fact]
    public async Task AnAccessTokenLogsInAsTheEntraRole()
    {
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0." + Guid.NewGuid().ToString("N");
        await Server.CreateRoleAsync("entra_connect", token);
        var result = Run("$c = Connect-SeekapaDatabase 127.0.0.1 -Port $port -User entra_connect -AccessToken $token; $c; $c | Test-SeekapaDatabaseConnection",
            new Dictionary<string, object?> { ["port"] = Server.Port, ["token"] = token }).NoErrors();
        Assert.Equal(DatabaseAuthentication.AccessToken, Assert.Single(result.Objects<DatabaseConnection>()).Authentication);
        Assert.Equal("entra_connect", Assert.Single(result.Objects<DatabaseConnectionTest>()).User);
    }

    [Fact]
    public void ARemoteHostWithoutTlsIsRefusedBeforeAnyConnection()
    {
        var error = Run("Connect-SeekapaDatabase db.example.invalid -Credential $cred -SslMode Disable",
            new Dictionary<string, object?> { ["cred"] = Credential }).SingleError("InsecureSslMode");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void TheConnectionAsDisplayedShowsWhereAndWhoButNoSecret()
    {
        var result = Run("Connect-SeekapaDatabase -ConnectionString $cs").NoErrors();
        var text = Shell.Format(Assert.Single(result.Output));
        Assert.Contains("127.0.0.1", text, StringComparison.Ordinal);
        Assert.Contains("postgres", text, StringComparison.Ordinal);
        Assert.Contains("Disable", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, text, StringComparison.Ordinal);
    }
}
