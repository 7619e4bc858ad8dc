using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>
/// The security review's cases: a secret setting value in Set-SeekapaDatabaseSetting's output object, and row data the
/// server echoes in an error's DETAIL (Key (token)=(value) already exists). Neither may reach any stream, the error
/// record, its inner exceptions or Get-Error.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseRowDataTests : DatabaseCmdletTest, IAsyncLifetime
{
    private const string RowSecret = "TopSecretValue42";
    private const string ConnInfoPassword = "ConnInfoPw_999";

    public DatabaseRowDataTests(PostgresServer server) : base(server)
    {
    }

    public Task InitializeAsync() => Server.ExecuteAsync($"""
        DROP SCHEMA IF EXISTS leak CASCADE;
        CREATE SCHEMA leak;
        CREATE TABLE leak.creds (id int PRIMARY KEY, token text UNIQUE, note text NOT NULL);
        CREATE TABLE leak.uses (cred_token text REFERENCES leak.creds (token));
        INSERT INTO leak.creds VALUES (1, '{RowSecret}', 'first');
        """);

    public async Task DisposeAsync()
    {
        await Server.ExecuteAsync("DROP SCHEMA IF EXISTS leak CASCADE");
        await Server.ExecuteAsync("ALTER SYSTEM RESET primary_conninfo");
        await Server.ExecuteAsync("SELECT pg_reload_conf()");
    }

    /// <summary>Runs the failing command and shows its error every way a user can: the record, Format-List * -Force, Get-Error.</summary>
    /// <remarks>The SQL is passed in a variable: PowerShell's own echo of a literal command line is not the module's output.</remarks>
    private (DatabaseShell.Result Result, string Text) Fail(string sql)
    {
        ConnectAsSuperuser();
        var result = Run("""
            try { Invoke-SeekapaSqlScript -Sql $sql -Confirm:$false -ErrorAction Stop }
            catch {
                $_ | Format-List * -Force | Out-String -Width 400
                $_.Exception | Format-List * -Force | Out-String -Width 400
                $_ | Get-Error | Out-String -Width 400
                "innerType: [$(if ($_.Exception.InnerException) { $_.Exception.InnerException.GetType().Name })]"
            }
            """, new Dictionary<string, object?> { ["sql"] = sql });
        return (result, result.AllText(Shell));
    }

    [Theory]
    [InlineData("INSERT INTO leak.creds VALUES (2, 'TopSecretValue42', 'x')", "Key (token)=(***) already exists")]
    [InlineData("INSERT INTO leak.uses VALUES ('TopSecretValue42x')", "Key (cred_token)=(***) is not present in table")]
    [InlineData("INSERT INTO leak.uses VALUES ('TopSecretValue42'); DELETE FROM leak.creds", "Key (token)=(***) is still referenced from table")]
    [InlineData("INSERT INTO leak.creds VALUES (3, 'TopSecretValue42b', NULL)", "Failing row contains (***)")]
    public void AServerErrorDetailShowsWhatFailedButNotTheRowData(string sql, string expected)
    {
        var (result, text) = Fail(sql);

        Assert.Empty(result.Errors);
        Assert.Contains("SqlScriptFailed", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain(RowSecret, text, StringComparison.Ordinal);
        Assert.Contains("innerType: []", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecretSettingValueIsRedactedInTheOutputObject()
    {
        ConnectAsSuperuser();
        var value = $"host=10.0.0.9 user=rep password={ConnInfoPassword}";
        var result = Run("Set-SeekapaDatabaseSetting primary_conninfo $v -Confirm:$false -Verbose", new Dictionary<string, object?> { ["v"] = value })
            .NoErrors();

        var change = Assert.Single(result.Objects<DatabaseSettingChange>());
        Assert.Equal("host=10.0.0.9 user=rep password=***", change.RequestedValue);
        Assert.Equal("host=10.0.0.9 user=rep password=***", change.NewValue);
        Assert.DoesNotContain(ConnInfoPassword, result.AllText(Shell), StringComparison.Ordinal);
        // The server got the real value: only what is shown is masked.
        Assert.Contains(ConnInfoPassword, File.ReadAllText(Server.AutoConfPath), StringComparison.Ordinal);

        // Changed again, the old value (the one with the password) is masked too.
        var again = Run("Set-SeekapaDatabaseSetting primary_conninfo 'host=10.0.0.10' -Confirm:$false").NoErrors();
        Assert.Equal("host=10.0.0.9 user=rep password=***", Assert.Single(again.Objects<DatabaseSettingChange>()).OldValue);
        Assert.DoesNotContain(ConnInfoPassword, again.AllText(Shell), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Key (token)=(TopSecretValue42) already exists.", "Key (token)=(***) already exists.")]
    [InlineData("Key (lower(email::text))=(a@b.c) already exists.", "Key (lower(email::text))=(***) already exists.")]
    [InlineData("Key (a, b)=(1, x) already exists) already exists.", "Key (a, b)=(***) already exists.")]
    [InlineData("Key (cred)=(s3cret) is not present in table \"creds\".", "Key (cred)=(***) is not present in table \"creds\".")]
    [InlineData("Key (id)=(42) is still referenced from table \"uses\".", "Key (id)=(***) is still referenced from table \"uses\".")]
    [InlineData("Key (token)=(dup) is duplicated.", "Key (token)=(***) is duplicated.")]
    [InlineData("Key (r)=([1,5)) conflicts with existing key (r)=([2,3)).", "Key (r)=(***).")]
    [InlineData("Failing row contains (3, s3cret, null).", "Failing row contains (***).")]
    [InlineData("Partition key of the failing row contains (region) = (s3cret).", "Partition key of the failing row contains (region) = (***).")]
    [InlineData("There are 2 other sessions using the database.", "There are 2 other sessions using the database.")]
    public void MaskRowDataKeepsTheShapeAndMasksTheValues(string detail, string expected)
    {
        Assert.Equal(expected, DatabaseErrors.MaskRowData(detail));
    }

    [Fact]
    public void ADeadlockReportKeepsThePidsAndMasksTheQueriesLiterals()
    {
        const string detail = "Process 11 waits for ShareLock on transaction 7; blocked by process 12.\n" +
                              "Process 12 waits for ShareLock on transaction 8; blocked by process 11.\n" +
                              "Process 11: UPDATE creds SET token = 's3cret-a' WHERE id = 1\n" +
                              "Process 12: UPDATE creds SET token = 's3cret-b' WHERE id = 2";
        var masked = DatabaseErrors.MaskRowData(detail);
        Assert.Contains("blocked by process 12.", masked, StringComparison.Ordinal);
        Assert.Contains("Process 11: UPDATE creds SET token = '***' WHERE id = 1", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", masked, StringComparison.Ordinal);
    }
}
