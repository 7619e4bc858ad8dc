using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

public class SqlScriptTests
{
    private static IReadOnlyList<string> Split(string text) => SqlScript.Parse("test.sql", text).Statements.Select(s => s.Text).ToList();

    [Fact]
    public void SplitsAtSemicolonsAndDropsEmptyStatements()
    {
        Assert.Equal(new[] { "SELECT 1", "SELECT 2", "SELECT 3" }, Split("SELECT 1; ;SELECT 2;\n\n;  SELECT 3"));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES ('a;b'); SELECT 2", "INSERT INTO t VALUES ('a;b')")]
    [InlineData("INSERT INTO t VALUES ('it''s; here'); SELECT 2", "INSERT INTO t VALUES ('it''s; here')")]
    [InlineData("SELECT E'a\\';b'; SELECT 2", "SELECT E'a\\';b'")]
    [InlineData("SELECT 'a\\'; SELECT 2", "SELECT 'a\\'")]
    [InlineData("SELECT \"odd;name\" FROM t; SELECT 2", "SELECT \"odd;name\" FROM t")]
    [InlineData("SELECT $$a;b$$; SELECT 2", "SELECT $$a;b$$")]
    [InlineData("SELECT $fn$ a; $$ still; $fn$; SELECT 2", "SELECT $fn$ a; $$ still; $fn$")]
    [InlineData("SELECT 1 -- a; comment\n; SELECT 2", "SELECT 1")]
    [InlineData("SELECT /* a; /* nested; */ still; */ 1; SELECT 2", "SELECT /* a; /* nested; */ still; */ 1")]
    [InlineData("SELECT foo$bar, $1 FROM t WHERE x = ';'; SELECT 2", "SELECT foo$bar, $1 FROM t WHERE x = ';'")]
    [InlineData("CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b); SELECT 2", "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)")]
    public void SemicolonsInsideLiteralsCommentsAndParenthesesDoNotSplit(string text, string first)
    {
        var statements = Split(text);
        Assert.Equal(2, statements.Count);
        Assert.Equal(first, statements[0]);
        Assert.Equal("SELECT 2", statements[1]);
    }

    [Fact]
    public void ASqlStandardFunctionBodyIsOneStatementAsInPsql()
    {
        const string text = """
            CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;
              SELECT x + 1;
            END;
            CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;
            SELECT f(1);
            """;
        var statements = Split(text);
        Assert.Equal(3, statements.Count);
        Assert.EndsWith("END", statements[0], StringComparison.Ordinal);
        Assert.StartsWith("CREATE PROCEDURE", statements[1], StringComparison.Ordinal);
        Assert.Equal("SELECT f(1)", statements[2]);
    }

    [Fact]
    public void APlpgsqlBodyInDollarQuotesIsOneStatement()
    {
        const string text = """
            CREATE FUNCTION g() RETURNS trigger AS $body$
            BEGIN
              IF NEW.x IS NULL THEN RAISE EXCEPTION 'x; missing'; END IF;
              RETURN NEW;
            END;
            $body$ LANGUAGE plpgsql;
            DROP FUNCTION g();
            """;
        Assert.Equal(2, Split(text).Count);
    }

    [Fact]
    public void StatementsKnowTheirLineAndColumn()
    {
        var script = SqlScript.Parse("test.sql", "-- header\nSELECT 1;\n  /* c */ UPDATE t\n  SET x = 1;");
        Assert.Equal((2, 1), (script.Statements[0].Line, script.Statements[0].Column));
        Assert.Equal((3, 11), (script.Statements[1].Line, script.Statements[1].Column));
        Assert.Equal("UPDATE t\n  SET x = 1", script.Statements[1].Text);
        Assert.Equal(2, script.Statements[1].Number);
    }

    [Fact]
    public void APositionInsideAStatementMapsToTheFile()
    {
        var script = SqlScript.Parse("test.sql", "SELECT 1;\nSELECT 'é😀', x\n  FROM nope;");
        var second = script.Statements[1];
        // Position 18 (1-based, in characters as the server counts them) is the F of FROM: the emoji is one character.
        Assert.Equal((3, 3), script.Locate(second, 18));
    }

    [Fact]
    public void CopyFromStdinTakesItsDataUpToTheTerminator()
    {
        const string text = "COPY t (a, b) FROM stdin;\n1\tit's; fine\n2\t$$\n\\.\nSELECT count(*) FROM t;\n";
        var script = SqlScript.Parse("dump.sql", text);
        Assert.Equal(2, script.Statements.Count);
        Assert.Equal("COPY t (a, b) FROM stdin", script.Statements[0].Text);
        Assert.Equal("1\tit's; fine\n2\t$$\n", script.Statements[0].CopyData);
        Assert.Equal("SELECT count(*) FROM t", script.Statements[1].Text);
        Assert.Null(script.Statements[1].CopyData);
    }

    [Theory]
    [InlineData("SELECT 1;\n\\connect other\nSELECT 2;", 2, "\\connect")]
    [InlineData("SELECT 'unterminated;\nSELECT 2;", 1, "quoted string")]
    [InlineData("SELECT $x$ body;", 1, "dollar-quoted")]
    [InlineData("SELECT 1; /* open", 1, "comment")]
    [InlineData("SELECT \"open", 1, "quoted identifier")]
    public void WhatPsqlWouldRejectOrNotUnderstandIsRefusedWithItsLine(string text, int line, string why)
    {
        var ex = Assert.Throws<SeekapaException>(() => SqlScript.Parse("bad.sql", text));
        Assert.Equal("InvalidSqlScript", ex.ErrorId);
        Assert.Contains($"line {line}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrappingBeginAndCommitAreAbsorbedIntoTheScriptTransaction()
    {
        var plan = SqlScriptRunner.Plan(SqlScript.Parse("t.sql", "BEGIN;\nUPDATE t SET x = 1;\nDELETE FROM u;\nCOMMIT;"));
        Assert.Equal(new[] { "UPDATE t SET x = 1", "DELETE FROM u" }, plan.Select(s => s.Text));
        Assert.Equal(new[] { 2, 3 }, plan.Select(s => s.Number));
    }

    [Fact]
    public void BeginOptionsBecomeSetTransaction()
    {
        var plan = SqlScriptRunner.Plan(SqlScript.Parse("t.sql", "BEGIN ISOLATION LEVEL SERIALIZABLE;\nUPDATE t SET x = 1;\nEND;"));
        Assert.Equal(new[] { "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "UPDATE t SET x = 1" }, plan.Select(s => s.Text));
    }

    [Theory]
    [InlineData("UPDATE t SET x = 1;\nCOMMIT;\nUPDATE t SET x = 2;", 2)]
    [InlineData("UPDATE t SET x = 1;\nROLLBACK;", 2)]
    [InlineData("BEGIN;\nUPDATE t SET x = 1;\nBEGIN;\nSELECT 1;", 3)]
    [InlineData("SELECT 1;\nSTART TRANSACTION;", 2)]
    public void TransactionControlInsideTheScriptIsRefusedBeforeAnythingRuns(string text, int statement)
    {
        var ex = Assert.Throws<SeekapaException>(() => SqlScriptRunner.Plan(SqlScript.Parse("t.sql", text)));
        Assert.Equal("SqlScriptTransactionControl", ex.ErrorId);
        Assert.Contains($"statement {statement}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavepointsStayAllowed()
    {
        var plan = SqlScriptRunner.Plan(SqlScript.Parse("t.sql", "SAVEPOINT a;\nUPDATE t SET x = 1;\nROLLBACK TO SAVEPOINT a;\nRELEASE a;"));
        Assert.Equal(4, plan.Count);
    }

    [Fact]
    public void AScriptWithoutStatementsIsRefused()
    {
        var ex = Assert.Throws<SeekapaException>(() => SqlScriptRunner.Plan(SqlScript.Parse("t.sql", "-- nothing\n;\n/* here */")));
        Assert.Equal("InvalidSqlScript", ex.ErrorId);
    }
}
