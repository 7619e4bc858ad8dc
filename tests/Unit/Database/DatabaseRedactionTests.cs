using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>
/// Every PostgreSQL cmdlet, run with -Verbose -Debug on success and on failure, with a known password and a known token:
/// neither appears in the output (as formatted), errors, warnings, verbose, debug or information streams.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseRedactionTests(PostgresServer server) : DatabaseCmdletTest(server)
{
    private const string WrongPassword = "Wrong-Known-Pa55word-31337";

    [Fact]
    public async Task NoStreamShowsThePasswordOrTheToken()
    {
        var token = "eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJvcHNAY29ycCJ9." + Guid.NewGuid().ToString("N");
        await Server.CreateRoleAsync("entra_redact", token, "pg_monitor", "pg_signal_backend");
        await Server.ExecuteAsync("DROP SCHEMA IF EXISTS redaction CASCADE; CREATE SCHEMA redaction; CREATE TABLE redaction.t (id int)");
        await using var sleeper = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var victim = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        var uri = $"postgresql://postgres:{Uri.EscapeDataString(Server.Password)}@127.0.0.1:{Server.Port}/postgres?sslmode=require";
        var variables = new Dictionary<string, object?>
        {
            ["port"] = Server.Port,
            ["token"] = token,
            ["password"] = Server.Password,
            ["wrong"] = WrongPassword,
            ["uri"] = uri,
            ["sleeper"] = sleeper.Pid,
            ["victim"] = victim.Pid,
        };
        string[] scripts =
        [
            "Connect-SeekapaDatabase -ConnectionString $cs",
            "Connect-SeekapaDatabase -ConnectionString $uri",
            "Connect-SeekapaDatabase -ConnectionString \"$cs;Pasword=$password\"",
            "Connect-SeekapaDatabase 127.0.0.1 -Port $port -Credential ([pscredential]::new('postgres', (ConvertTo-SecureString $wrong -AsPlainText -Force))) -SslMode Disable",
            "Connect-SeekapaDatabase -ConnectionString ($cs -replace [regex]::Escape($password), $wrong)",
            "Connect-SeekapaDatabase 127.0.0.1 -Port $port -User postgres -AccessToken $token -SslMode Require",
            "Connect-SeekapaDatabase 127.0.0.1 -Port $port -Credential ([pscredential]::new('postgres', (ConvertTo-SecureString $password -AsPlainText -Force))) -SslMode Require",
            "Test-SeekapaDatabaseConnection",
            "Get-SeekapaDatabaseActivity -ExcludeIdle:$false",
            "Get-SeekapaDatabaseActivity -Summary",
            "Get-SeekapaTableSize -Schema redaction, missing_schema",
            "Stop-SeekapaDatabaseQuery -Pid $sleeper -WhatIf",
            "Stop-SeekapaDatabaseQuery -Pid $sleeper -Cancel -Confirm:$false",
            "Stop-SeekapaDatabaseQuery -Pid 2147483000 -Confirm:$false",
            "Set-SeekapaDatabaseSetting work_mem 12MB -Confirm:$false",
            "Set-SeekapaDatabaseSetting work_mem \"x'$password\" -Confirm:$false",
            "Set-SeekapaDatabaseSetting \"work_mem;$password\" 1 -Confirm:$false",
            "Invoke-SeekapaSqlScript -Sql 'SELECT count(*) FROM redaction.t' -Confirm:$false",
            "Invoke-SeekapaSqlScript -Sql \"SELECT 1; SELECT '$password' FROM nowhere\" -Confirm:$false",
            "Connect-SeekapaDatabase 127.0.0.1 -Port $port -User entra_redact -AccessToken $token -SslMode Require",
            "Test-SeekapaDatabaseConnection",
            "Get-SeekapaDatabaseActivity -MinDuration 0",
            "Get-SeekapaDatabaseActivity -Summary",
            "Stop-SeekapaDatabaseQuery -Pid $victim -Confirm:$false",
            "Set-SeekapaDatabaseSetting max_connections 500 -Confirm:$false",
            "Invoke-SeekapaSqlScript -Sql 'CREATE TABLE redaction.denied (id int)' -Confirm:$false",
            "Get-SeekapaTableSize -Top 3",
        ];

        try
        {
            foreach (var script in scripts)
            {
                var result = Run($"$DebugPreference = 'Continue'; $InformationPreference = 'Continue'; {script} -Verbose -Debug", variables);
                var text = result.AllText(Shell);
                Assert.False(string.IsNullOrWhiteSpace(text), $"'{script}' produced nothing to check");
                Assert.DoesNotContain(Server.Password, text, StringComparison.Ordinal);
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(WrongPassword, text, StringComparison.Ordinal);
            }
        }
        finally
        {
            await Server.ExecuteAsync("ALTER SYSTEM RESET ALL; DROP SCHEMA IF EXISTS redaction CASCADE");
            await Server.ExecuteAsync("SELECT pg_reload_conf()");
        }
    }
}
