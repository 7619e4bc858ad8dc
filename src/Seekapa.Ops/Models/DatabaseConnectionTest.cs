namespace Seekapa.Ops;

/// <summary>What Test-SeekapaDatabaseConnection found: reachability, who we are, TLS, role and load of the server.</summary>
public sealed class DatabaseConnectionTest
{
    public string Host { get; init; } = string.Empty;
    public int Port { get; init; }
    public string Database { get; init; } = string.Empty;

    /// <summary>current_user on the server (the role the checks run as).</summary>
    public string User { get; init; } = string.Empty;

    /// <summary>Whether that role is a superuser (false on Azure flexible server, where the admin is azure_pg_admin).</summary>
    public bool Superuser { get; init; }

    /// <summary>server_version, e.g. "15.8".</summary>
    public string ServerVersion { get; init; } = string.Empty;

    /// <summary>Time to open the connection (TCP, TLS and authentication).</summary>
    public TimeSpan ConnectTime { get; init; }

    /// <summary>The best of three round trips of SELECT 1 on the open connection.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Whether the connection is encrypted, as the server sees it (pg_stat_ssl).</summary>
    public bool Tls { get; init; }

    /// <summary>The TLS protocol version (e.g. TLSv1.3), when Tls.</summary>
    public string? TlsVersion { get; init; }

    /// <summary>
    /// How the connection treats the server's certificate: VerifyFull (name and issuer checked), VerifyCA (issuer only),
    /// Require (encrypted, server not verified), or Prefer/Allow/Disable (this machine only).
    /// </summary>
    public DatabaseSslMode SslMode { get; init; }

    /// <summary>pg_is_in_recovery(): true on a read replica or a server still replaying WAL.</summary>
    public bool InRecovery { get; init; }

    /// <summary>Client connections open now (this one included).</summary>
    public int Connections { get; init; }

    public int MaxConnections { get; init; }

    /// <summary>max_connections minus the slots reserved for superusers (and for pg_use_reserved_connections, PostgreSQL 16+).</summary>
    public int UsableConnections { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{User}@{Host}:{Port}/{Database} {ServerVersion} {Latency.TotalMilliseconds:0.#} ms";
}
