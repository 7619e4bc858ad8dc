namespace Seekapa.Ops;

/// <summary>Client connections by state against what the server allows (Get-SeekapaDatabaseActivity -Summary).</summary>
public sealed class DatabaseActivitySummary
{
    public string Host { get; init; } = string.Empty;

    /// <summary>Every client connection, in every database, the caller's own and hidden ones included.</summary>
    public int Total { get; init; }

    public int Active { get; init; }
    public int Idle { get; init; }
    public int IdleInTransaction { get; init; }
    public int IdleInTransactionAborted { get; init; }

    /// <summary>Fastpath function call, disabled or unreported states.</summary>
    public int Other { get; init; }

    /// <summary>Sessions of other roles whose state this role may not see (it lacks pg_read_all_stats / pg_monitor).</summary>
    public int Hidden { get; init; }

    /// <summary>Sessions waiting for a lock held by another session.</summary>
    public int Blocked { get; init; }

    /// <summary>max_connections.</summary>
    public int MaxConnections { get; init; }

    /// <summary>superuser_reserved_connections, plus reserved_connections on PostgreSQL 16 and later.</summary>
    public int ReservedConnections { get; init; }

    /// <summary>MaxConnections minus ReservedConnections: what ordinary roles can open.</summary>
    public int UsableConnections { get; init; }

    /// <summary>UsableConnections minus Total (negative when superusers are using the reserved slots).</summary>
    public int Available { get; init; }

    /// <summary>Total as a percentage of UsableConnections.</summary>
    public double PercentUsed { get; init; }

    /// <summary>The longest running active query.</summary>
    public TimeSpan? LongestQuery { get; init; }

    /// <summary>The oldest open transaction.</summary>
    public TimeSpan? LongestTransaction { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Total}/{UsableConnections} connections ({Active} active, {IdleInTransaction} idle in transaction)";
}
