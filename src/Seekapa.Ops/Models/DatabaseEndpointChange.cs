namespace Seekapa.Ops;

/// <summary>Whether Set-SeekapaDatabaseEndpoint wrote the Secret, or found it already pointing at the server (nothing written).</summary>
public enum DatabaseEndpointOutcome
{
    Updated,
    Unchanged,
}

/// <summary>How the connection string in the Secret is written.</summary>
public enum ConnectionStringFormat
{
    /// <summary>postgres://user:password@host:port/database?sslmode=require</summary>
    Url,

    /// <summary>libpq keyword/value: host=... port=... dbname=... user=... password='...'</summary>
    KeywordValue,

    /// <summary>ADO.NET / Npgsql: Host=...;Port=...;Database=...;Username=...;Password=...</summary>
    AdoNet,
}

/// <summary>
/// What Set-SeekapaDatabaseEndpoint did: the server the Secret key pointed at before and after, and the restart of the
/// workload that reads it. Hosts, ports and database names only: never the user, the password or the connection string.
/// </summary>
public sealed class DatabaseEndpointChange
{
    public string Namespace { get; init; } = string.Empty;
    public string Secret { get; init; } = string.Empty;
    public string Key { get; init; } = string.Empty;
    public ConnectionStringFormat Format { get; init; }
    public DatabaseEndpointOutcome Outcome { get; init; }

    public string OldHost { get; init; } = string.Empty;
    public string NewHost { get; init; } = string.Empty;

    /// <summary>The port written in the value, if any (null: the client's default, 5432).</summary>
    public int? OldPort { get; init; }
    public int? NewPort { get; init; }

    public string? OldDatabase { get; init; }
    public string? NewDatabase { get; init; }

    /// <summary>The Secret's resourceVersion after the write (the one read, when Unchanged).</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The workload restarted to pick up the new value, e.g. deployment/backend-deployment (with -Restart).</summary>
    public string? RestartedWorkload { get; init; }

    /// <summary>The restart's rollout once it finished (with -Restart -Wait).</summary>
    public RolloutStatus? Rollout { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"secret/{Secret} {Key}: {OldHost} -> {NewHost} ({Outcome})";
}
