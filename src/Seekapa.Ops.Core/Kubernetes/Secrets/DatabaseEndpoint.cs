using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Secrets;

/// <summary>The server a connection string names: host (decoded), the port if one is written, the database if one is written.</summary>
public sealed record DatabaseEndpoint(string Host, int? Port, string? Database)
{
    /// <summary>Whether both name the same server: hosts compare case-insensitively (DNS names do), ports and databases exactly.</summary>
    public bool SameAs(DatabaseEndpoint other) =>
        string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase) && Port == other.Port &&
        string.Equals(Database, other.Database, StringComparison.Ordinal);

    public override string ToString() =>
        Host + (Port is { } p ? ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty) +
        (Database is null ? string.Empty : "/" + Database);
}

/// <summary>
/// Where to point a connection string, validated before anything is read or sent: a DNS name or an IP address (never
/// text that could smuggle a user, a path or a parameter into the value), an optional port and database.
/// </summary>
public sealed partial record EndpointTarget
{
    private EndpointTarget(string host, bool isIPv6, int? port, string? database)
    {
        Host = host;
        IsIPv6 = isIPv6;
        Port = port;
        Database = database;
    }

    /// <summary>The host name or address, without brackets.</summary>
    public string Host { get; }

    /// <summary>An IPv6 literal: URLs need it in brackets.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The port to write; null keeps the value's own.</summary>
    public int? Port { get; }

    /// <summary>The database to write; null keeps the value's own.</summary>
    public string? Database { get; }

    [GeneratedRegex(@"^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$")]
    private static partial Regex HostName();

    /// <summary>Validates the target. Errors: InvalidServer, InvalidPort, InvalidDatabase (InvalidArgument).</summary>
    public static EndpointTarget Create(string server, int? port = null, string? database = null)
    {
        var host = server;
        var isIPv6 = false;
        var bracketed = host.Length > 2 && host[0] == '[' && host[^1] == ']';
        var literal = bracketed ? host[1..^1] : host;
        if (literal.Contains(':', StringComparison.Ordinal))
        {
            isIPv6 = IPAddress.TryParse(literal, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 &&
                     !literal.Contains('%', StringComparison.Ordinal);
            host = literal;
        }

        if (!isIPv6 && (bracketed || host.Length > 253 || !HostName().IsMatch(host)))
        {
            throw new SeekapaException("InvalidServer", FailureCategory.InvalidArgument,
                $"'{server}' is not a server name: give a DNS name (seekapa-postgres-restored.postgres.database.azure.com), an IPv4 address or an IPv6 address, with no user, port, path or parameters.",
                server, "Pass the port with -Port and the database with -Database.");
        }

        if (port is < 1 or > 65535)
        {
            throw new SeekapaException("InvalidPort", FailureCategory.InvalidArgument,
                $"-Port {port} is not a TCP port (1-65535).", port);
        }

        if (database is not null && (database.Length == 0 || Encoding.UTF8.GetByteCount(database) > 63 || database.Any(char.IsControl)))
        {
            throw new SeekapaException("InvalidDatabase", FailureCategory.InvalidArgument,
                $"-Database '{database}' is not a PostgreSQL database name: 1 to 63 bytes, no control characters.", database);
        }

        return new EndpointTarget(host, isIPv6, port, database);
    }

    public override string ToString() => new DatabaseEndpoint(Host, Port, Database).ToString();
}
