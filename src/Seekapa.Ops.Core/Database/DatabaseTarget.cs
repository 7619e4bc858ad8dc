using System.Data.Common;
using System.Net;
using Azure.Core;
using Npgsql;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// Where and how to connect, validated before anything is sent: a connection string (Npgsql keywords or a
/// postgres:// URI), or server parts with a password, an Entra access token, or a TokenCredential. TLS is required for
/// every host that is not the local machine.
/// </summary>
public sealed class DatabaseTarget
{
    public const int DefaultPort = 5432;
    public const string DefaultDatabase = "postgres";
    public const string DefaultApplicationName = "Seekapa.Ops";

    private DatabaseTarget(NpgsqlConnectionStringBuilder builder, DatabaseSslMode sslMode, DatabaseAuthentication authentication,
        TokenCredential? credential)
    {
        Builder = builder;
        SslMode = sslMode;
        Authentication = authentication;
        Credential = credential;
    }

    public string Host => Builder.Host ?? string.Empty;
    public int Port => Builder.Port;
    public string Database => Builder.Database ?? DefaultDatabase;
    public string User => Builder.Username ?? string.Empty;
    public DatabaseSslMode SslMode { get; }
    public DatabaseAuthentication Authentication { get; }

    /// <summary>Set for -Identity: every new connection asks it for a token.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>The full connection string settings, password included: never shown.</summary>
    internal NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>A connection string: Npgsql keywords ("Host=...;Username=...") or a URI (postgresql://user:pw@host:5432/db?sslmode=require).</summary>
    public static DatabaseTarget FromConnectionString(string connectionString, DatabaseSslMode? sslMode = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid("it is empty");
        }

        var text = connectionString.Trim();
        NpgsqlConnectionStringBuilder builder;
        bool sslGiven;
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            (builder, sslGiven) = FromUri(text);
        }
        else
        {
            try
            {
                builder = new NpgsqlConnectionStringBuilder(text);
                // Npgsql reports every keyword as present; the generic parser lists only those the string sets.
                var present = new DbConnectionStringBuilder { ConnectionString = text };
                sslGiven = present.Keys.Cast<string>().Any(k => Normalize(k) == "sslmode");
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                // The parser's message names the keyword, never the value; it is redacted all the same.
                throw Invalid(Redactor.Redact(ex.Message), ex);
            }
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw Invalid("it has no Host");
        }

        DatabaseSslMode? given = sslGiven ? Enum.Parse<DatabaseSslMode>(builder.SslMode.ToString()) : null;
        var auth = string.IsNullOrEmpty(builder.Password) ? DatabaseAuthentication.None : DatabaseAuthentication.Password;
        return Complete(builder, sslMode ?? given, auth, null);
    }

    /// <summary>-Server/-Port/-Database with an optional user and password (-Credential).</summary>
    public static DatabaseTarget FromServer(string server, int? port, string? database, string? user, string? password,
        DatabaseSslMode? sslMode = null)
    {
        var builder = Parts(server, port, database, user);
        builder.Password = string.IsNullOrEmpty(password) ? null : password;
        return Complete(builder, sslMode, password is { Length: > 0 } ? DatabaseAuthentication.Password : DatabaseAuthentication.None, null);
    }

    /// <summary>An Entra access token used as the password (Azure Database for PostgreSQL with Entra authentication).</summary>
    public static DatabaseTarget FromAccessToken(string server, int? port, string? database, string user, string accessToken,
        DatabaseSslMode? sslMode = null)
    {
        if (string.IsNullOrWhiteSpace(accessToken))
        {
            throw new SeekapaException("InvalidAccessToken", FailureCategory.InvalidArgument, "-AccessToken is empty.", server);
        }

        var builder = Parts(server, port, database, RequireUser(user, server));
        builder.Password = accessToken.Trim();
        return Complete(builder, sslMode, DatabaseAuthentication.AccessToken, null);
    }

    /// <summary>Entra tokens from Azure.Identity (managed identity, or DefaultAzureCredential's chain) for every new connection.</summary>
    public static DatabaseTarget FromTokenCredential(string server, int? port, string? database, string user, TokenCredential credential,
        DatabaseSslMode? sslMode = null) =>
        Complete(Parts(server, port, database, RequireUser(user, server)), sslMode, DatabaseAuthentication.AzureIdentity, credential);

    /// <summary>Every host is this machine: a loopback name or address, or a Unix-socket directory.</summary>
    public static bool IsLocal(string hosts) => hosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .All(h => IsLocalHost(StripPort(h)));

    private static bool IsLocalHost(string host) =>
        host.StartsWith('/') || host.StartsWith('@') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? host[1..end] : host;
        }

        // host:port; an IPv6 literal without brackets has several colons and no port.
        return host.Count(c => c == ':') == 1 ? host[..host.IndexOf(':', StringComparison.Ordinal)] : host;
    }

    private static NpgsqlConnectionStringBuilder Parts(string server, int? port, string? database, string? user)
    {
        if (string.IsNullOrWhiteSpace(server) || server.Any(c => char.IsWhiteSpace(c) || c is ';' or '='))
        {
            throw new SeekapaException("InvalidServer", FailureCategory.InvalidArgument,
                $"'{server}' is not a host name or address.", server);
        }

        if (port is < 1 or > 65535)
        {
            throw new SeekapaException("InvalidPort", FailureCategory.InvalidArgument, $"Port {port} is outside 1-65535.", port);
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = server.Trim(),
            Port = port ?? DefaultPort,
            Database = string.IsNullOrWhiteSpace(database) ? DefaultDatabase : database,
            Username = string.IsNullOrWhiteSpace(user) ? null : user,
        };
    }

    private static string RequireUser(string? user, string server) => string.IsNullOrWhiteSpace(user)
        ? throw new SeekapaException("UserRequired", FailureCategory.InvalidArgument,
            "Entra authentication needs the PostgreSQL role name of the user, group or managed identity: give -User.", server)
        : user;

    private static DatabaseTarget Complete(NpgsqlConnectionStringBuilder builder, DatabaseSslMode? requested,
        DatabaseAuthentication authentication, TokenCredential? credential)
    {
        var local = IsLocal(builder.Host!);
        var mode = requested ?? (local ? DatabaseSslMode.Prefer : DatabaseSslMode.Require);
        if (!local && mode < DatabaseSslMode.Require)
        {
            throw new SeekapaException("InsecureSslMode", FailureCategory.InvalidArgument,
                $"SSL mode {mode} would send the credentials to {builder.Host} unencrypted: only Require, VerifyCA and VerifyFull are allowed for a host that is not this machine.",
                builder.Host,
                "Use -SslMode Require (or VerifyFull). For a server without TLS inside a cluster, forward it to this machine " +
                "(kubectl port-forward svc/postgres-service 5432) and connect to 127.0.0.1.");
        }

        builder.SslMode = Enum.Parse<Npgsql.SslMode>(mode.ToString());
        builder.Database ??= DefaultDatabase;
        builder.Username ??= Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } pgUser ? pgUser : Environment.UserName;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = DefaultApplicationName;
        }

        // No pool: each command opens its connection and closes it, so the module never holds idle sessions on a server
        // whose connection slots may be exactly what is running out.
        builder.Pooling = false;
        // Server error details (who holds a lock, why a signal was refused) are what the operator needs; they are the
        // operator's own data, and anything secret of ours is redacted before it is shown.
        builder.IncludeErrorDetail = true;
        return new DatabaseTarget(builder, mode, authentication, credential);
    }

    private static (NpgsqlConnectionStringBuilder Builder, bool SslGiven) FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("the URI cannot be parsed (one host only; escape special characters in the password as %XX)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : null,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            builder.Password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var sslGiven = false;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => Npgsql.SslMode.Disable,
                        "allow" => Npgsql.SslMode.Allow,
                        "prefer" => Npgsql.SslMode.Prefer,
                        "require" => Npgsql.SslMode.Require,
                        "verify-ca" => Npgsql.SslMode.VerifyCA,
                        "verify-full" => Npgsql.SslMode.VerifyFull,
                        _ => throw Invalid($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                    };
                    sslGiven = true;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout" when int.TryParse(value, out var seconds) && seconds >= 0:
                    builder.Timeout = seconds;
                    break;
                default:
                    throw Invalid($"the URI parameter '{key}' is not supported (sslmode, application_name and connect_timeout are)");
            }
        }

        return (builder, sslGiven);
    }

    private static string Normalize(string key) => key.Replace(" ", string.Empty, StringComparison.Ordinal)
        .Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static SeekapaException Invalid(string why, Exception? inner = null) => new("InvalidConnectionString",
        FailureCategory.InvalidArgument, $"The connection string is not valid: {why}.", null,
        "Use Npgsql keywords (Host=db;Port=5432;Database=seekapa;Username=app;Password=...) or a URI (postgresql://app@db:5432/seekapa).",
        inner);
}
