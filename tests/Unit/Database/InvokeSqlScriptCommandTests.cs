using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class InvokeSqlScriptCommandTests : DatabaseCmdletTest, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "seekapa-sql-" + Guid.NewGuid().ToString("N"));

    public InvokeSqlScriptCommandTests(PostgresServer server) : base(server)
    {
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await Server.ExecuteAsync("DROP SCHEMA IF EXISTS recovery CASCADE");
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        await Server.ExecuteAsync("DROP SCHEMA IF EXISTS recovery CASCADE");
    }

    private Task<bool> ExistsAsync(string table) => Server.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", table);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task AScriptFileRunsAndCommitsAsOneTransaction()
    {
        ConnectAsSuperuser();
        var path = Write("recovery.sql", """
            -- restore the orders
            CREATE SCHEMA recovery;
            CREATE TABLE recovery.orders (id int PRIMARY KEY, note text);
            INSERT INTO recovery.orders VALUES (1, 'a; b'), (2, $$it's; fine$$);
            CREATE FUNCTION recovery.touch() RETURNS int LANGUAGE plpgsql AS $fn$
            BEGIN
              UPDATE recovery.orders SET note = note || ';';
              RETURN 1;
            END;
            $fn$;
            SELECT recovery.touch();
            UPDATE recovery.orders SET note = upper(note) WHERE id = 2;
            """);

        var result = Run("Invoke-SeekapaSqlScript -Path $p -Confirm:$false -Verbose", new Dictionary<string, object?> { ["p"] = path }).NoErrors();

        var run = Assert.Single(result.Objects<SqlScriptResult>());
        Assert.Equal((path, 6, 3L, "postgres"), (run.Source, run.Statements, run.RowsAffected, run.Database));
        Assert.Equal("IT'S; FINE;", await Server.ScalarAsync<string>("SELECT note FROM recovery.orders WHERE id = 2"));
        Assert.Contains(result.Verbose, v => v.Contains("Run 6 statement(s) from " + path + " in one transaction", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("RunSqlScript", StringComparison.Ordinal) && v.Contains("Committed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailingStatementRollsEverythingBackAndSaysWhereItFailed()
    {
        ConnectAsSuperuser();
        var path = Write("broken.sql", "CREATE SCHEMA recovery;\nCREATE TABLE recovery.kept (id int);\nINSERT INTO recovery.kept VALUES (1);\nSELECT id\n  FROM recovery.missing_table;\nINSERT INTO recovery.kept VALUES (2);\n");

        var result = Run("Invoke-SeekapaSqlScript $p -Confirm:$false -Verbose", new Dictionary<string, object?> { ["p"] = path });

        var error = result.SingleError("SqlScriptFailed");
        var failure = Assert.IsType<SqlScriptFailure>(error.TargetObject);
        Assert.Equal((4, 5, 8), (failure.Statement, failure.Line, failure.Column));
        Assert.Contains("statement 4 of 5 (line 4, column 1)", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("at line 5, column 8", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.False(await ExistsAsync("recovery.kept"));
        Assert.Contains(result.Verbose, v => v.StartsWith("RunSqlScript", StringComparison.Ordinal) && v.Contains("RolledBack", StringComparison.Ordinal)
            && v.Contains("statement 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTimeoutCancelsAndRollsBack()
    {
        ConnectAsSuperuser();
        var error = Run("Invoke-SeekapaSqlScript -Sql 'CREATE SCHEMA recovery; SELECT pg_sleep(60);' -Timeout 1 -Confirm:$false").SingleError("SqlScriptTimeout");
        Assert.Contains("statement 2 of 2", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(await Server.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'recovery')"));
    }

    [Fact]
    public async Task WhatIfRunsNothing()
    {
        ConnectAsSuperuser();
        var result = Run("Invoke-SeekapaSqlScript -Sql 'CREATE SCHEMA recovery; CREATE TABLE recovery.t (id int);' -WhatIf").NoErrors();
        Assert.Empty(result.Output);
        Assert.False(await Server.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'recovery')"));
    }

    [Fact]
    public async Task CopyFromStdinAndAWrappingTransactionWorkAsInPsql()
    {
        ConnectAsSuperuser();
        var path = Write("dump.sql", "BEGIN;\nCREATE SCHEMA recovery;\nCREATE TABLE recovery.items (id int, name text);\nCOPY recovery.items (id, name) FROM stdin;\n1\tone; with semicolon\n2\tit's two\n\\.\nCOMMIT;\n");

        var run = Assert.Single(Run("Invoke-SeekapaSqlScript $p -Confirm:$false", new Dictionary<string, object?> { ["p"] = path }).NoErrors().Objects<SqlScriptResult>());

        Assert.Equal((3, 2L), (run.Statements, run.RowsAffected));
        Assert.Equal("it's two", await Server.ScalarAsync<string>("SELECT name FROM recovery.items WHERE id = 2"));
    }

    [Fact]
    public async Task TransactionControlInsideTheScriptIsRefusedBeforeAnythingRuns()
    {
        ConnectAsSuperuser();
        Run("Invoke-SeekapaSqlScript -Sql 'CREATE SCHEMA recovery; COMMIT; DROP TABLE canary;' -Confirm:$false").SingleError("SqlScriptTransactionControl");
        Assert.False(await Server.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'recovery')"));
    }

    [Fact]
    public void ServerNoticesGoToVerbose()
    {
        ConnectAsSuperuser();
        var result = Run("Invoke-SeekapaSqlScript -Sql 'DO $$ BEGIN RAISE NOTICE ''restored % rows'', 42; END $$;' -Confirm:$false -Verbose").NoErrors();
        Assert.Contains("NOTICE: restored 42 rows", result.Verbose);
    }

    [Fact]
    public void AMissingFileIsScriptNotFound()
    {
        ConnectAsSuperuser();
        Run("Invoke-SeekapaSqlScript (Join-Path $d nothing.sql) -Confirm:$false", new Dictionary<string, object?> { ["d"] = _directory }).SingleError("ScriptNotFound");
    }
}
