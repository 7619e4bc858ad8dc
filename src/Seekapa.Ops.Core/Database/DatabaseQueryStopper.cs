using Npgsql;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// pg_terminate_backend / pg_cancel_backend for one pid, with the outcome as a value: never the caller's own session,
/// only client sessions, and, when the session's start time is known, only that very session (a pid is reused by later
/// connections, so the check and the signal are one statement).
/// </summary>
public static class DatabaseQueryStopper
{
    private const string GuardedSql = """
        SELECT CASE WHEN $3 THEN pg_cancel_backend(a.pid) ELSE pg_terminate_backend(a.pid) END
        FROM pg_stat_activity a
        WHERE a.pid = $1 AND a.backend_start = $2 AND a.backend_type = 'client backend'
        """;

    private const string UnguardedSql = "SELECT CASE WHEN $2 THEN pg_cancel_backend($1) ELSE pg_terminate_backend($1) END";

    /// <summary>
    /// Signals <paramref name="pid"/> as found in <paramref name="snapshot"/>. <paramref name="backendStart"/> (from a piped
    /// session) must still match the session's; otherwise the pid now belongs to someone else and is NotFound.
    /// </summary>
    public static async Task<DatabaseQueryStop> StopAsync(NpgsqlConnection connection, DatabaseActivitySnapshot snapshot, int pid,
        DateTimeOffset? backendStart, bool cancel, CancellationToken ct)
    {
        var session = snapshot.Sessions.FirstOrDefault(s => s.Pid == pid);
        var hidden = snapshot.Hidden.FirstOrDefault(h => h.Pid == pid);
        DatabaseQueryStop Result(DatabaseStopOutcome outcome, string? message = null) => new()
        {
            Pid = pid,
            User = session?.User ?? hidden?.User,
            Database = session?.Database,
            Application = session?.Application,
            QueryDuration = session?.QueryDuration,
            Query = session?.Query,
            Outcome = outcome,
            Message = message,
            Time = DateTimeOffset.UtcNow,
        };

        if (pid == snapshot.OwnPid)
        {
            return Result(DatabaseStopOutcome.Denied, $"pid {pid} is this command's own session.");
        }

        if (session is null && hidden is null)
        {
            return Result(DatabaseStopOutcome.NotFound, $"No client session has pid {pid}: it has ended, or the pid is not a client session.");
        }

        if (backendStart is { } expected && session?.BackendStart is { } actual && actual != expected)
        {
            return Result(DatabaseStopOutcome.NotFound,
                $"pid {pid} now belongs to a newer session (connected at {actual:u}, not {expected:u}): the session asked for has ended.");
        }

        bool? signalled;
        try
        {
            signalled = session?.BackendStart is { } start
                ? await SignalAsync(connection, GuardedSql, ct, pid, start.ToUniversalTime(), cancel).ConfigureAwait(false)
                : await SignalAsync(connection, UnguardedSql, ct, pid, cancel).ConfigureAwait(false);
        }
        catch (PostgresException pg) when (pg.SqlState == "42501")
        {
            return Result(DatabaseStopOutcome.Denied, DatabaseErrors.Describe(pg));
        }

        return signalled == true
            ? Result(cancel ? DatabaseStopOutcome.Cancelled : DatabaseStopOutcome.Terminated)
            : Result(DatabaseStopOutcome.NotFound, $"The session with pid {pid} ended before it could be signalled.");
    }

    private static async Task<bool?> SignalAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as bool?;
    }

    /// <summary>The refusal to run with nothing selected: Stop-SeekapaDatabaseQuery never means "every session".</summary>
    public static SeekapaException NothingSelected() => new("NothingSelected", FailureCategory.InvalidArgument,
        "No session was selected: give -Pid, or -MinDuration (with -State, -User, -Database, -Blocking), or pipe sessions from Get-SeekapaDatabaseActivity.");
}
