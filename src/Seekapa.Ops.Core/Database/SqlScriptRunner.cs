using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// Runs a script in one transaction: every statement or none. The script's own BEGIN (first) and COMMIT (last) are
/// absorbed into that transaction (BEGIN's options become SET TRANSACTION); any other transaction control is refused
/// before anything runs, since it would break the all-or-nothing promise.
/// </summary>
public sealed partial class SqlScriptRunner(DatabaseSession session)
{
    [GeneratedRegex(@"^\s*(?:begin(?:\s+(?:work|transaction)\b)?|start\s+transaction\b)(?<options>.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex BeginPattern();

    [GeneratedRegex(@"^\s*(?:commit|end)(?:\s+(?:work|transaction))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CommitPattern();

    [GeneratedRegex(@"^\s*(?:begin|start\s+transaction|commit|end|abort|rollback(?!\s+(?:work\s+|transaction\s+)?to\b)|prepare\s+transaction)\b", RegexOptions.IgnoreCase)]
    private static partial Regex TransactionControlPattern();

    /// <summary>The statements that will run, in order (the script's wrapping BEGIN/COMMIT absorbed); validates first.</summary>
    public static IReadOnlyList<SqlStatement> Plan(SqlScript script)
    {
        var statements = script.Statements.ToList();
        if (statements.Count == 0)
        {
            throw new SeekapaException("InvalidSqlScript", FailureCategory.InvalidData,
                $"{script.Source} contains no SQL statement.", script.Source);
        }

        if (BeginPattern().Match(statements[0].Text) is { Success: true } begin)
        {
            var options = begin.Groups["options"].Value.Trim();
            statements[0] = statements[0] with { Text = "SET TRANSACTION " + options };
            if (options.Length == 0)
            {
                statements.RemoveAt(0);
            }
        }

        if (statements.Count > 0 && CommitPattern().IsMatch(statements[^1].Text))
        {
            statements.RemoveAt(statements.Count - 1);
        }

        if (statements.FirstOrDefault(s => TransactionControlPattern().IsMatch(s.Text)) is { } control)
        {
            throw new SeekapaException("SqlScriptTransactionControl", FailureCategory.InvalidData,
                $"{script.Source}, statement {control.Number} (line {control.Line}): '{SqlText.Summarize(control.Text, 40)}' would end or " +
                "start a transaction in the middle of the script, which runs in one transaction. Nothing was run.", script.Source,
                "Remove the transaction control statements (a BEGIN first and a COMMIT last are accepted), or split the script.");
        }

        return statements;
    }

    /// <summary>
    /// Runs the planned statements in one transaction and commits; on any error rolls back and throws SqlScriptFailed
    /// (or SqlScriptTimeout) naming the statement and where in the script it failed. Server notices go to <paramref name="notices"/>.
    /// </summary>
    public async Task<SqlScriptResult> RunAsync(SqlScript script, TimeSpan? timeout, Action<string>? notices, CancellationToken ct)
    {
        var statements = Plan(script);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        var watch = Stopwatch.StartNew();
        await using var connection = await session.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (notices is not null)
        {
            connection.Notice += (_, e) => notices(session.Redact($"{e.Notice.Severity}: {e.Notice.MessageText}"));
        }

        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        long rows = 0;
        SqlStatement? current = null;
        try
        {
            foreach (var statement in statements)
            {
                current = statement;
                rows += await RunStatementAsync(connection, transaction, statement, deadline.Token).ConfigureAwait(false);
            }

            current = null;
            await transaction.CommitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RollBackAsync(transaction).ConfigureAwait(false);
            throw session.Scrub(Failure(script, statements.Count, current, ex, timeout, deadline.IsCancellationRequested));
        }
        catch (OperationCanceledException)
        {
            await RollBackAsync(transaction).ConfigureAwait(false);
            throw;
        }

        return new SqlScriptResult
        {
            Source = script.Source,
            Database = session.Connection.Database,
            Statements = statements.Count,
            RowsAffected = rows,
            Duration = watch.Elapsed,
            Time = DateTimeOffset.UtcNow,
        };
    }

    private static async Task<long> RunStatementAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SqlStatement statement,
        CancellationToken ct)
    {
        if (statement.CopyData is { } data)
        {
            await using (var writer = await connection.BeginTextImportAsync(statement.Text, ct).ConfigureAwait(false))
            {
                await writer.WriteAsync(data.AsMemory(), ct).ConfigureAwait(false);
            }

            return data.Split('\n').Count(line => line.Length > 0);
        }

        // No per-statement timeout: -Timeout bounds the whole script, and Ctrl+C cancels it.
        await using var command = new NpgsqlCommand(statement.Text, connection, transaction) { CommandTimeout = 0 };
        var affected = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return Math.Max(affected, 0);
    }

    private static async Task RollBackAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
        {
            // The connection is gone: the server rolls the transaction back itself when the session ends.
        }
    }

    private SeekapaException Failure(SqlScript script, int count, SqlStatement? statement, Exception ex, TimeSpan? timeout, bool timedOut)
    {
        var where = statement is null
            ? "at COMMIT"
            : $"at statement {statement.Number} of {script.Statements.Count} (line {statement.Line}, column {statement.Column})";
        if (timedOut && timeout is { } limit)
        {
            return new SeekapaException("SqlScriptTimeout", FailureCategory.OperationTimeout,
                $"{script.Source} did not finish within {limit} ({where}: {SqlText.Summarize(statement?.Text)}); the transaction was rolled back, nothing was changed.",
                script.Source, "Run it again with a larger -Timeout, or none.", ex);
        }

        if (ex is PostgresException pg)
        {
            var position = statement is not null && pg.Position > 0 ? script.Locate(statement, pg.Position) : ((int, int)?)null;
            var at = position is { } p ? $" at line {p.Item1}, column {p.Item2}" : string.Empty;
            return new SeekapaException("SqlScriptFailed", FailureCategory.InvalidOperation,
                $"{script.Source} failed {where}{at}: {session.Redact(DatabaseErrors.Describe(pg))}. Statement: " +
                $"{SqlText.Summarize(statement?.Text)}. The transaction was rolled back: none of the {count} statements took effect.",
                new SqlScriptFailure(script.Source, statement?.Number, position?.Item1, position?.Item2), null, ex);
        }

        var translated = DatabaseErrors.Translate(session, ex, opening: false);
        return new SeekapaException(translated.ErrorId, translated.Category,
            $"{script.Source} failed {where}: {translated.Message} The transaction was rolled back.", script.Source,
            translated.RecommendedAction, ex);
    }
}
