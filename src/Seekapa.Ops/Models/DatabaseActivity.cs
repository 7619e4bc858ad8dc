namespace Seekapa.Ops;

/// <summary>pg_stat_activity.state.</summary>
public enum DatabaseSessionState
{
    Active,
    Idle,
    IdleInTransaction,
    IdleInTransactionAborted,
    FastpathFunctionCall,
    Disabled,

    /// <summary>Not reported (a state the server added after this module was written).</summary>
    Unknown,
}

/// <summary>
/// One client session of pg_stat_activity. The durations are measured on the server's clock. Pid, BackendStart and
/// Connection bind by property name to Stop-SeekapaDatabaseQuery.
/// </summary>
public sealed class DatabaseActivity
{
    public int Pid { get; init; }
    public string? User { get; init; }
    public string? Application { get; init; }

    /// <summary>The client's IP address; empty for a Unix-socket connection.</summary>
    public string? ClientAddress { get; init; }

    public string? Database { get; init; }
    public DatabaseSessionState State { get; init; }

    /// <summary>Since the current query started (for an idle session: since its last query started).</summary>
    public TimeSpan? QueryDuration { get; init; }

    /// <summary>Since the current transaction started; empty outside a transaction.</summary>
    public TimeSpan? TransactionDuration { get; init; }

    /// <summary>Since the client connected.</summary>
    public TimeSpan? BackendDuration { get; init; }

    /// <summary>Since the state last changed (for an idle-in-transaction session: how long it has been idle).</summary>
    public TimeSpan? StateDuration { get; init; }

    public DateTimeOffset? QueryStart { get; init; }
    public DateTimeOffset? TransactionStart { get; init; }

    /// <summary>When the client connected; with Pid it identifies the session (a pid can be reused later).</summary>
    public DateTimeOffset? BackendStart { get; init; }

    public string? WaitEventType { get; init; }
    public string? WaitEvent { get; init; }

    /// <summary>The pids this session waits for (pg_blocking_pids).</summary>
    public IReadOnlyList<int> BlockedBy { get; init; } = Array.Empty<int>();

    /// <summary>The pids waiting for this session.</summary>
    public IReadOnlyList<int> Blocking { get; init; } = Array.Empty<int>();

    /// <summary>The query text as the server tracks it (truncated by the server at track_activity_query_size).</summary>
    public string? Query { get; init; }

    /// <summary>The connection this session was read through, so that Stop-SeekapaDatabaseQuery acts on the same server.</summary>
    public DatabaseConnection? Connection { get; init; }

    public override string ToString() => $"{Pid} {User} {State}";
}
