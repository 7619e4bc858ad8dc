using System.Data.Common;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Npgsql;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// Where and how to connect, validated before anything is sent: a connection string (Npgsql keywords or a
/// postgres:// URI), or server parts with a password, an Entra access token, or a TokenCredential. TLS is required for
/// every host that is not the local machine, and by default it authenticates the server (VerifyFull: a certificate
/// for the host's name from a trusted root, the system's or -SslRootCertificate's). Require (encrypt without verifying)
/// is an explicit choice that warns, and an Entra token is never sent to a remote server that is not verified.
/// </summary>
public sealed class DatabaseTarget
{
    public const int DefaultPort = 5432;
    public const string DefaultDatabase = "postgres";
    public const string DefaultApplicationName = "Seekapa.Ops";

    /// <summary>As a root certificate: the system's trusted roots (libpq's sslrootcert=system).</summary>
    public const string SystemRoots = "system";

    private DatabaseTarget(NpgsqlConnectionStringBuilder builder, DatabaseSslMode sslMode, DatabaseAuthentication authentication,
        TokenCredential? credential, IReadOnlyList<string> warnings)
    {
        Builder = builder;
        SslMode = sslMode;
        Authentication = authentication;
        Credential = credential;
        Warnings = warnings;
    }

    public string Host => Builder.Host ?? string.Empty;
    public int Port => Builder.Port;
    public string Database => Builder.Database ?? DefaultDatabase;
    public string User => Builder.Username ?? string.Empty;
    public DatabaseSslMode SslMode { get; }
    public DatabaseAuthentication Authentication { get; }

    /// <summary>The CA certificate file the server's certificate must chain to (-SslRootCertificate); null: the system's roots.</summary>
    public string? SslRootCertificate => Builder.RootCertificate;

    /// <summary>What the operator should know before connecting (a remote server that is not verified), for WriteWarning.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Set for -Identity: every new connection asks it for a token.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>The full connection string settings, password included: never shown.</summary>
    internal NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>A connection string: Npgsql keywords ("Host=...;Username=...") or a URI (postgresql://user:pw@host:5432/db?sslmode=require).</summary>
    public static DatabaseTarget FromConnectionString(string connectionString, DatabaseSslMode? sslMode = null, string? sslRootCertificate = null)
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
        return Complete(builder, sslMode ?? given, auth, null, sslRootCertificate ?? NullIfEmpty(builder.RootCertificate));
    }

    /// <summary>-Server/-Port/-Database with an optional user and password (-Credential).</summary>
    public static DatabaseTarget FromServer(string server, int? port, string? database, string? user, string? password,
        DatabaseSslMode? sslMode = null, string? sslRootCertificate = null)
    {
        var builder = Parts(server, port, database, user);
        builder.Password = string.IsNullOrEmpty(password) ? null : password;
        return Complete(builder, sslMode, password is { Length: > 0 } ? DatabaseAuthentication.Password : DatabaseAuthentication.None, null,
            sslRootCertificate);
    }

    /// <summary>An Entra access token used as the password (Azure Database for PostgreSQL with Entra authentication).</summary>
    public static DatabaseTarget FromAccessToken(string server, int? port, string? database, string user, string accessToken,
        DatabaseSslMode? sslMode = null, string? sslRootCertificate = null)
    {
        if (string.IsNullOrWhiteSpace(accessToken))
        {
            throw new SeekapaException("InvalidAccessToken", FailureCategory.InvalidArgument, "-AccessToken is empty.", server);
        }

        var builder = Parts(server, port, database, RequireUser(user, server));
        builder.Password = accessToken.Trim();
        return Complete(builder, sslMode, DatabaseAuthentication.AccessToken, null, sslRootCertificate);
    }

    /// <summary>Entra tokens from Azure.Identity (managed identity, or DefaultAzureCredential's chain) for every new connection.</summary>
    public static DatabaseTarget FromTokenCredential(string server, int? port, string? database, string user, TokenCredential credential,
        DatabaseSslMode? sslMode = null, string? sslRootCertificate = null) =>
        Complete(Parts(server, port, database, RequireUser(user, server)), sslMode, DatabaseAuthentication.AzureIdentity, credential,
            sslRootCertificate);

    /// <summary>Every host is this machine: a loopback name or address, or a Unix-socket directory.</summary>
    public static bool IsLocal(string hosts) => hosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .All(h => IsLocalHost(StripPort(h)));

    private static bool IsLocalHost(string host) =>
        host.StartsWith('/') || host.StartsWith('@') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address)
            && (IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()))));

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
        DatabaseAuthentication authentication, TokenCredential? credential, string? rootCertificate)
    {
        var local = IsLocal(builder.Host!);
        // "system" is libpq's (16+) word for the system's trusted roots.
        var root = rootCertificate is null || rootCertificate.Trim().Equals(SystemRoots, StringComparison.OrdinalIgnoreCase)
            ? null
            : LoadRootCertificate(rootCertificate, builder.Host!);
        // A remote server is authenticated unless the operator says otherwise: VerifyFull (the certificate is for this
        // host name and chains to a trusted root), as a browser does. Azure's flexible servers chain to public roots, so
        // the system's roots verify them; a private CA is given with -SslRootCertificate. On this machine nothing crosses
        // a network, so Prefer stays the default there, unless a root certificate asks for verification.
        var mode = requested ?? (local && root is null ? DatabaseSslMode.Prefer : DatabaseSslMode.VerifyFull);
        if (root is not null && mode < DatabaseSslMode.VerifyCA)
        {
            throw new SeekapaException("InvalidParameterCombination", FailureCategory.InvalidArgument,
                $"A root certificate ({root}) is for verifying the server, but SSL mode {mode} does not verify it.", builder.Host,
                "Leave out -SslMode (VerifyFull is the default with a root certificate), or give -SslMode VerifyFull or VerifyCA.");
        }

        if (!local && mode < DatabaseSslMode.Require)
        {
            throw new SeekapaException("InsecureSslMode", FailureCategory.InvalidArgument,
                $"SSL mode {mode} would send the credentials to {builder.Host} unencrypted: only VerifyFull (the default), VerifyCA and Require are allowed for a host that is not this machine.",
                builder.Host,
                "Leave out -SslMode (VerifyFull), with -SslRootCertificate <ca.crt> for a server whose certificate comes from a private CA. " +
                "For a server without TLS inside a cluster, forward it to this machine (kubectl port-forward svc/postgres-service 5432) and connect to 127.0.0.1.");
        }

        // VerifyCA checks the issuer but not the name: with the system's roots any holder of a public certificate passes.
        var verified = mode == DatabaseSslMode.VerifyFull || (mode == DatabaseSslMode.VerifyCA && root is not null);
        if (!local && !verified && authentication is DatabaseAuthentication.AccessToken or DatabaseAuthentication.AzureIdentity)
        {
            // The token is the password: whoever answers an unverified connection gets it, valid for about an hour on every
            // server the identity may reach. Refused before anything is sent.
            throw new SeekapaException("InsecureTokenTransport", FailureCategory.InvalidArgument,
                $"An Entra access token is sent as the password, and SSL mode {mode}{(mode == DatabaseSslMode.VerifyCA ? " with the system's roots" : string.Empty)} " +
                $"does not verify that {builder.Host} is the server it claims to be: the token was not sent.",
                builder.Host,
                "Leave out -SslMode (VerifyFull, the default; Azure Database for PostgreSQL servers verify with the system's roots), " +
                "with -SslRootCertificate <ca.crt> if the server's certificate comes from a private CA.");
        }

        var warnings = new List<string>();
        if (!local && !verified)
        {
            warnings.Add($"SSL mode {mode} encrypts the connection to {builder.Host} but does not verify the server's certificate" +
                         (mode == DatabaseSslMode.VerifyCA ? " name (any server with a certificate from a trusted root passes)" : string.Empty) +
                         ": a server or proxy in between can impersonate it and read the password. Leave out -SslMode to verify it (VerifyFull), " +
                         "with -SslRootCertificate <ca.crt> for a private CA.");
        }

        builder.SslMode = Enum.Parse<Npgsql.SslMode>(mode.ToString());
        builder.RootCertificate = root;
        builder.Database ??= DefaultDatabase;
        builder.Username ??= Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } pgUser ? pgUser : Environment.UserName;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = DefaultApplicationName;
        }

        // No pool: each command opens its connection and closes it, so the module never holds idle sessions on a server
        // whose connection slots may be exactly what is running out.
        builder.Pooling = false;
        // Server error details (who holds a lock, why a signal was refused) are what the operator needs. Details that
        // echo row data (Key (col)=(value), Failing row contains (...)) are masked where they are shown (DatabaseErrors).
        builder.IncludeErrorDetail = true;
        return new DatabaseTarget(builder, mode, authentication, credential, warnings);
    }

    /// <summary>
    /// The full path of a CA certificate file (PEM, possibly several certificates, or DER), checked before anything is
    /// sent: a missing or unreadable file would otherwise only surface as a rejected handshake.
    /// </summary>
    private static string LoadRootCertificate(string path, string host)
    {
        var full = Path.GetFullPath(path.Trim());
        if (!File.Exists(full))
        {
            throw new SeekapaException("SslRootCertificateNotFound", FailureCategory.ObjectNotFound,
                $"The root certificate file '{full}' does not exist.", host,
                "Give the path of the CA certificate (PEM) that issued the server's certificate.");
        }

        try
        {
            // As Npgsql reads it: PEM (one or more certificates), else DER or PFX without a password.
            var certificates = new X509Certificate2Collection();
            if (!Path.GetExtension(full).Equals(".pfx", StringComparison.OrdinalIgnoreCase))
            {
                certificates.ImportFromPemFile(full);
            }

            if (certificates.Count == 0)
            {
                certificates.Add(new X509Certificate2(full));
            }

            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SeekapaException("SslRootCertificateInvalid", FailureCategory.InvalidData,
                $"'{full}' is not a readable certificate file (PEM or DER): {ex.Message}", host,
                "Give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----).", ex);
        }

        return full;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

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
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout" when int.TryParse(value, out var seconds) && seconds >= 0:
                    builder.Timeout = seconds;
                    break;
                default:
                    throw Invalid($"the URI parameter '{key}' is not supported (sslmode, sslrootcert, application_name and connect_timeout are)");
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
