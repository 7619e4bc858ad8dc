using Npgsql;

namespace Seekapa.Ops.Core.Database;

/// <summary>Another role's session whose state, times and query the connected role may not see.</summary>
public sealed record HiddenSession(int Pid, string User);

/// <summary>max_connections and the slots ordinary roles cannot use.</summary>
public sealed record ConnectionLimits(int MaxConnections, int SuperuserReserved, int Reserved)
{
    /// <summary>superuser_reserved_connections + reserved_connections (PostgreSQL 16+; 0 before).</summary>
    public int ReservedTotal => SuperuserReserved + Reserved;

    /// <summary>What a role without superuser (or pg_use_reserved_connections) can open.</summary>
    public int Usable => Math.Max(0, MaxConnections - ReservedTotal);
}

/// <summary>
/// The client sessions of a server at one instant, as the connected role may see them. <see cref="Sessions"/> excludes
/// the reader's own session (<see cref="OwnPid"/>); sessions of other roles whose details this role may not see
/// (no pg_read_all_stats) are only listed by pid and role, in <see cref="Hidden"/>.
/// </summary>
public sealed record DatabaseActivitySnapshot(
    IReadOnlyList<DatabaseActivity> Sessions,
    int OwnPid,
    string CurrentUser,
    IReadOnlyList<HiddenSession> Hidden,
    DateTimeOffset ServerTime)
{
    /// <summary>A sentence for the operator when some sessions are hidden; null when every session is visible.</summary>
    public string? VisibilityWarning => Hidden.Count == 0
        ? null
        : $"{Hidden.Count} session(s) of other roles ({string.Join(", ", Hidden.Select(h => h.User).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}) " +
          $"are hidden: role '{CurrentUser}' may not see " +
          "their state, duration or query, so filters and -Summary cannot classify them. Grant it pg_monitor (or " +
          "pg_read_all_stats) to see every session, as Azure Database for PostgreSQL allows.";
}

/// <summary>
/// Reads pg_stat_activity and the connection limits on an open connection: the sessions (what Get-SeekapaDatabaseActivity
/// lists and Stop-SeekapaDatabaseQuery selects from) and the summary of connections against the usable maximum (what
/// -Summary and triage report). Works for any role; complete for superusers and members of pg_monitor.
/// </summary>
public static class DatabaseActivityReader
{
    /// <summary>What PostgreSQL shows instead of the query of a session the caller may not see.</summary>
    public const string InsufficientPrivilege = "<insufficient privilege>";

    // Client backends only: background workers, autovacuum and WAL senders do not use max_connections slots and are not
    // sessions to stop. A hidden row (another role's, without pg_read_all_stats) has a null backend_type; one with a
    // database and a role is another role's session. pg_blocking_pids takes the lock manager's locks: asked only for
    // sessions waiting on a lock.
    private const string SessionsSql = """
        SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.datname, a.state,
               a.backend_start, a.xact_start, a.query_start, a.state_change, a.wait_event_type, a.wait_event,
               CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END, a.query,
               clock_timestamp(), pg_backend_pid(), current_user::text
        FROM pg_stat_activity a
        WHERE a.backend_type = 'client backend'
           OR (a.backend_type IS NULL AND a.datname IS NOT NULL AND a.usename IS NOT NULL)
        """;

    private const string LimitsSql = """
        SELECT name, setting::int FROM pg_settings
        WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')
        """;

    /// <summary>The client sessions. <paramref name="source"/> is set on each session so that it can be piped to Stop-SeekapaDatabaseQuery.</summary>
    public static async Task<DatabaseActivitySnapshot> ReadSessionsAsync(NpgsqlConnection connection, DatabaseConnection? source,
        CancellationToken ct)
    {
        var rows = new List<Row>();
        DateTimeOffset now = default;
        var own = 0;
        var user = string.Empty;
        await using (var command = new NpgsqlCommand(SessionsSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                now = reader.GetFieldValue<DateTimeOffset>(14);
                own = reader.GetInt32(15);
                user = reader.GetString(16);
                rows.Add(new Row(
                    reader.GetInt32(0),
                    Text(reader, 1),
                    Text(reader, 2),
                    Text(reader, 3),
                    Text(reader, 4),
                    Text(reader, 5),
                    Time(reader, 6),
                    Time(reader, 7),
                    Time(reader, 8),
                    Time(reader, 9),
                    Text(reader, 10),
                    Text(reader, 11),
                    reader.IsDBNull(12) ? Array.Empty<int>() : reader.GetFieldValue<int[]>(12),
                    Text(reader, 13)));
            }
        }

        var hidden = rows.Where(r => r.Query == InsufficientPrivilege && r.State is null).ToList();
        var visible = rows.Except(hidden).ToList();
        var blocking = visible.SelectMany(r => r.BlockedBy.Select(blocker => (Blocker: blocker, Waiter: r.Pid)))
            .ToLookup(p => p.Blocker, p => p.Waiter);
        var sessions = visible.Where(r => r.Pid != own)
            .Select(r => r.ToActivity(now, blocking[r.Pid].Order().ToArray(), source))
            .OrderByDescending(s => s.QueryDuration ?? TimeSpan.Zero)
            .ToList();
        return new DatabaseActivitySnapshot(sessions, own, user, hidden.Select(r => new HiddenSession(r.Pid, r.User!)).ToList(), now);
    }

    public static async Task<ConnectionLimits> ReadLimitsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(LimitsSql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            values[reader.GetString(0)] = reader.GetInt32(1);
        }

        return new ConnectionLimits(values.GetValueOrDefault("max_connections"), values.GetValueOrDefault("superuser_reserved_connections"),
            values.GetValueOrDefault("reserved_connections"));
    }

    /// <summary>Connections by state against max_connections minus the reserved slots.</summary>
    public static async Task<DatabaseActivitySummary> ReadSummaryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var snapshot = await ReadSessionsAsync(connection, null, ct).ConfigureAwait(false);
        var limits = await ReadLimitsAsync(connection, ct).ConfigureAwait(false);
        return Summarize(snapshot, limits, connection.Host ?? string.Empty);
    }

    /// <summary>The summary of a snapshot; the reader's own session counts as one active connection.</summary>
    public static DatabaseActivitySummary Summarize(DatabaseActivitySnapshot snapshot, ConnectionLimits limits, string host)
    {
        var sessions = snapshot.Sessions;
        int Count(DatabaseSessionState state) => sessions.Count(s => s.State == state);
        var total = sessions.Count + 1 + snapshot.Hidden.Count;
        var known = new[] { DatabaseSessionState.Active, DatabaseSessionState.Idle, DatabaseSessionState.IdleInTransaction,
            DatabaseSessionState.IdleInTransactionAborted };
        return new DatabaseActivitySummary
        {
            Host = host,
            Total = total,
            Active = Count(DatabaseSessionState.Active) + 1,
            Idle = Count(DatabaseSessionState.Idle),
            IdleInTransaction = Count(DatabaseSessionState.IdleInTransaction),
            IdleInTransactionAborted = Count(DatabaseSessionState.IdleInTransactionAborted),
            Other = sessions.Count(s => !known.Contains(s.State)),
            Hidden = snapshot.Hidden.Count,
            Blocked = sessions.Count(s => s.BlockedBy.Count > 0),
            MaxConnections = limits.MaxConnections,
            ReservedConnections = limits.ReservedTotal,
            UsableConnections = limits.Usable,
            Available = limits.Usable - total,
            PercentUsed = limits.Usable == 0 ? 100 : Math.Round(100.0 * total / limits.Usable, 1),
            LongestQuery = sessions.Where(s => s.State == DatabaseSessionState.Active).Max(s => s.QueryDuration),
            LongestTransaction = sessions.Max(s => s.TransactionDuration),
            Time = snapshot.ServerTime,
        };
    }

    public static DatabaseSessionState ParseState(string? state) => state switch
    {
        "active" => DatabaseSessionState.Active,
        "idle" => DatabaseSessionState.Idle,
        "idle in transaction" => DatabaseSessionState.IdleInTransaction,
        "idle in transaction (aborted)" => DatabaseSessionState.IdleInTransactionAborted,
        "fastpath function call" => DatabaseSessionState.FastpathFunctionCall,
        "disabled" => DatabaseSessionState.Disabled,
        _ => DatabaseSessionState.Unknown,
    };

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);

    private sealed record Row(int Pid, string? User, string? Application, string? ClientAddress, string? Database, string? State,
        DateTimeOffset? BackendStart, DateTimeOffset? TransactionStart, DateTimeOffset? QueryStart, DateTimeOffset? StateChange,
        string? WaitEventType, string? WaitEvent, int[] BlockedBy, string? Query)
    {
        public DatabaseActivity ToActivity(DateTimeOffset now, int[] blocking, DatabaseConnection? source)
        {
            // The row's times and clock_timestamp() can differ by microseconds: never a negative duration.
            TimeSpan? Since(DateTimeOffset? start) => start is { } s ? (s > now ? TimeSpan.Zero : now - s) : null;
            return new DatabaseActivity
            {
                Pid = Pid,
                User = User,
                Application = Application,
                ClientAddress = ClientAddress,
                Database = Database,
                State = ParseState(State),
                QueryDuration = Since(QueryStart),
                TransactionDuration = Since(TransactionStart),
                BackendDuration = Since(BackendStart),
                StateDuration = Since(StateChange),
                QueryStart = QueryStart,
                TransactionStart = TransactionStart,
                BackendStart = BackendStart,
                WaitEventType = WaitEventType,
                WaitEvent = WaitEvent,
                BlockedBy = BlockedBy,
                Blocking = blocking,
                Query = Query,
                Connection = source,
            };
        }
    }
}
