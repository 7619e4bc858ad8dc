namespace Seekapa.Ops;

/// <summary>TLS for a PostgreSQL connection, as libpq's sslmode names it.</summary>
public enum DatabaseSslMode
{
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCA,
    VerifyFull,
}

/// <summary>How a DatabaseConnection proves who it is.</summary>
public enum DatabaseAuthentication
{
    /// <summary>No password given: the server trusts the client, or ~/.pgpass / PGPASSWORD supplies one.</summary>
    None,

    /// <summary>A password (from -Credential or the connection string).</summary>
    Password,

    /// <summary>An Entra access token given with -AccessToken, sent as the password; it is not refreshed.</summary>
    AccessToken,

    /// <summary>An Entra token obtained through Azure.Identity (-Identity) for every new connection.</summary>
    AzureIdentity,
}

/// <summary>
/// A PostgreSQL server to work on: what Connect-SeekapaDatabase returns and every database cmdlet uses. It shows where
/// and as whom, never the password or token.
/// </summary>
public sealed class DatabaseConnection
{
    public DatabaseConnection(string host, int port, string database, string user, DatabaseSslMode sslMode,
        DatabaseAuthentication authentication)
    {
        Host = host;
        Port = port;
        Database = database;
        User = user;
        SslMode = sslMode;
        Authentication = authentication;
    }

    /// <summary>The host name or address (a comma-separated list for multi-host connection strings).</summary>
    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    /// <summary>The role name used to log in.</summary>
    public string User { get; }

    public DatabaseSslMode SslMode { get; }

    public DatabaseAuthentication Authentication { get; }

    /// <summary>The server's version (server_version), filled in when the connection was verified.</summary>
    public string? ServerVersion { get; internal set; }

    /// <summary>The live session; lives in the private load context, so only Core and the cmdlets touch it.</summary>
    internal object? Handle { get; set; }

    public override string ToString() => $"{User}@{Host}:{Port}/{Database}";
}
