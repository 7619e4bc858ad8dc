namespace Seekapa.Ops;

/// <summary>What happened to one session Stop-SeekapaDatabaseQuery was asked to stop.</summary>
public enum DatabaseStopOutcome
{
    /// <summary>pg_terminate_backend signalled the session: its connection is closed.</summary>
    Terminated,

    /// <summary>pg_cancel_backend signalled the session: its current query is cancelled, the connection stays.</summary>
    Cancelled,

    /// <summary>No client session with that pid (it ended, or the pid now belongs to a newer session).</summary>
    NotFound,

    /// <summary>Not allowed: a superuser's session, another role's session without pg_signal_backend, or the cmdlet's own.</summary>
    Denied,
}

/// <summary>The result for one pid of Stop-SeekapaDatabaseQuery.</summary>
public sealed class DatabaseQueryStop
{
    public int Pid { get; init; }
    public string? User { get; init; }
    public string? Database { get; init; }
    public string? Application { get; init; }
    public DatabaseStopOutcome Outcome { get; init; }

    /// <summary>How long the query had been running when it was stopped.</summary>
    public TimeSpan? QueryDuration { get; init; }

    /// <summary>The session's query.</summary>
    public string? Query { get; init; }

    /// <summary>Why it was NotFound or Denied (the server's reason).</summary>
    public string? Message { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Pid} {Outcome}";
}
