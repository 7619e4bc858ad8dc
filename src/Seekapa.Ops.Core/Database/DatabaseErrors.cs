using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Npgsql;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Database;

/// <summary>Turns what Npgsql and the server say into SeekapaExceptions with stable ErrorIds, secrets redacted.</summary>
public static partial class DatabaseErrors
{
    /// <summary>The cmdlet that changes server parameters of Azure Database for PostgreSQL (no superuser there).</summary>
    public const string AzureParameterCmdlet = "Set-SeekapaAzureDatabaseParameter";

    public static SeekapaException NotConnected() => new("DatabaseNotConnected", FailureCategory.InvalidOperation,
        "No database connection: this session has no default and no -Connection was given.", null,
        "Run Connect-SeekapaDatabase first, or pass -Connection with the object it returned.");

    /// <summary>The server's error, classified. <paramref name="opening"/>: the failure happened while connecting.</summary>
    public static SeekapaException Translate(DatabaseSession session, Exception ex, bool opening) =>
        session.Scrub(Classify(session, ex, opening));

    private static SeekapaException Classify(DatabaseSession session, Exception ex, bool opening)
    {
        if (ex is SeekapaException seekapa)
        {
            return seekapa;
        }

        var target = session.Connection.ToString();
        var where = $"{session.Connection.Host}:{session.Connection.Port}";
        if (ex is PostgresException pg)
        {
            var text = session.Redact(Describe(pg));
            return pg.SqlState switch
            {
                "28P01" or "28000" => new SeekapaException("DatabaseAuthenticationFailed", FailureCategory.AuthenticationError,
                    $"PostgreSQL at {where} rejected the login of role '{session.Connection.User}': {text}", target,
                    session.Connection.Authentication is DatabaseAuthentication.AccessToken
                        ? "Entra tokens expire after about an hour: get a new one (az account get-access-token --resource-type oss-rdbms) and connect again."
                        : "Check the user name and password (and pg_hba.conf, or the server's firewall rules on Azure), then connect again.",
                    ex),
                "3D000" => new SeekapaException("DatabaseNotFound", FailureCategory.ObjectNotFound,
                    $"PostgreSQL at {where}: {text}", target, "Connect with -Database naming an existing database.", ex),
                "53300" => new SeekapaException("DatabaseTooManyConnections", FailureCategory.ResourceUnavailable,
                    $"PostgreSQL at {where} accepts no more connections: {text}", target,
                    "The remaining slots are reserved for superusers (or pg_use_reserved_connections): connect as such a role " +
                    "to look (Get-SeekapaDatabaseActivity -Summary) and stop idle or stuck sessions (Stop-SeekapaDatabaseQuery).", ex),
                "42501" => new SeekapaException("PermissionDenied", FailureCategory.PermissionDenied,
                    $"Permission denied for role '{session.Connection.User}' on {where}: {text}", target, null, ex),
                "57014" => new SeekapaException("DatabaseTimeout", FailureCategory.OperationTimeout,
                    $"The statement was cancelled on {where}: {text}", target, null, ex),
                _ when IsConnectionLoss(pg) => new SeekapaException("DatabaseConnectionLost", FailureCategory.ConnectionError,
                    $"The connection to PostgreSQL at {where} was lost: {text}", target,
                    "The server may be restarting or failing over: run the command again in a moment.", ex),
                _ => new SeekapaException("DatabaseError", FailureCategory.InvalidOperation, $"PostgreSQL at {where}: {text}", target, null, ex),
            };
        }

        var reason = session.Redact(Reason(ex));
        if (ex is TimeoutException || ex.InnerException is TimeoutException)
        {
            return opening
                ? new SeekapaException("DatabaseUnreachable", FailureCategory.ConnectionError,
                    $"Cannot connect to PostgreSQL at {where}: no answer in time ({reason}).", target,
                    "Check the host name, the port and the firewall (on Azure, the server's networking rules).", ex)
                : new SeekapaException("DatabaseTimeout", FailureCategory.OperationTimeout,
                    $"PostgreSQL at {where} did not answer in time: {reason}", target, null, ex);
        }

        // Npgsql's check refused the server's certificate (a TLS protocol failure is not this, and is reported as unreachable).
        if (opening && Find<AuthenticationException>(ex) is { } tls
            && tls.Message.Contains(nameof(System.Net.Security.RemoteCertificateValidationCallback), StringComparison.Ordinal))
        {
            var mode = session.Connection.SslMode;
            var roots = session.SslRootCertificate is { } root ? $"the CA certificate in {root}" : "the system's trusted roots";
            var name = mode == DatabaseSslMode.VerifyFull ? $" for the name '{session.Connection.Host}'" : string.Empty;
            var why = session.Connection.Host.Contains(',', StringComparison.Ordinal)
                ? null
                : CertificateProbe.Explain(session.ConnectHost, session.Connection.Host, session.Connection.Port, session.SslRootCertificate,
                    checkName: mode == DatabaseSslMode.VerifyFull);
            return new SeekapaException("DatabaseCertificateRejected", FailureCategory.AuthenticationError,
                $"PostgreSQL at {where} could not be verified, so no login was attempted: SSL mode {mode} accepts only a certificate{name} " +
                $"issued by {roots}; " + (why is null ? "the server's certificate is not one." : $"{session.Redact(why)}."), target,
                "If the server's certificate comes from a private CA, give the CA's certificate with -SslRootCertificate <ca.crt>; connect " +
                "with the host name the certificate names. -SslMode Require encrypts without verifying the server (it warns, and an Entra " +
                "token is never sent that way). If the certificate changed unexpectedly, something may be impersonating the server.", ex);
        }

        if (ex is NpgsqlException npgsql && npgsql.Message.Contains("password", StringComparison.OrdinalIgnoreCase) && ex.InnerException is null)
        {
            return new SeekapaException("DatabaseAuthenticationFailed", FailureCategory.AuthenticationError,
                $"PostgreSQL at {where} asks role '{session.Connection.User}' for a password: {reason}", target,
                "Connect with -Credential, -AccessToken or -Identity, or a connection string with a password.", ex);
        }

        if (ex is NpgsqlException or SocketException or IOException)
        {
            return opening
                ? new SeekapaException("DatabaseUnreachable", FailureCategory.ConnectionError,
                    $"Cannot connect to PostgreSQL at {where}: {reason}", target,
                    "Check that the server is running and reachable (host, port, firewall) and the -SslMode it expects.", ex)
                : new SeekapaException("DatabaseConnectionLost", FailureCategory.ConnectionError,
                    $"The connection to PostgreSQL at {where} was lost: {reason}", target,
                    "The server may be restarting or failing over: run the command again in a moment.", ex);
        }

        return new SeekapaException("DatabaseError", FailureCategory.NotSpecified, $"PostgreSQL at {where}: {reason}", target, null, ex);
    }

    /// <summary>The failure means the connection itself broke (network, server shutdown or restart), not the statement.</summary>
    public static bool IsConnectionLoss(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // admin_shutdown, crash_shutdown, cannot_connect_now, and class 08 (connection exception).
                    return pg.SqlState is "57P01" or "57P02" or "57P03" || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case SocketException or EndOfStreamException:
                    return true;
                case IOException when e.InnerException is null or SocketException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>"SQLSTATE: message", then the server's detail (row data masked) and hint when it gives them.</summary>
    public static string Describe(PostgresException pg)
    {
        var text = $"{pg.SqlState}: {pg.MessageText}";
        if (!string.IsNullOrEmpty(pg.Detail))
        {
            text += $" ({MaskRowData(pg.Detail)})";
        }

        if (!string.IsNullOrEmpty(pg.Hint))
        {
            text += $" Hint: {pg.Hint}";
        }

        return text;
    }

    /// <summary>
    /// A server DETAIL with the row data it echoes replaced by ***: the values of "Key (col)=(value) already exists",
    /// "is not present in table", "is still referenced", "is duplicated", "conflicts with"; the tuple of "Failing row
    /// contains (...)" and of a partition key; the literals of the queries a deadlock report quotes. The column names,
    /// tables and what went wrong stay: that is what the operator needs, and the values may be a password or a token.
    /// </summary>
    public static string MaskRowData(string? detail)
    {
        if (string.IsNullOrEmpty(detail))
        {
            return detail ?? string.Empty;
        }

        // Greedy to the last possible end: a value that itself contains ") already exists" is masked whole (over-masking
        // an exclusion detail's second key is the safe side).
        var masked = KeyValuesPattern().Replace(detail, m => m.Groups["head"].Value + Security.Redactor.Mask + m.Groups["tail"].Value);
        masked = FailingRowPattern().Replace(masked, m => m.Groups["head"].Value + Security.Redactor.Mask + m.Groups["tail"].Value);
        return DeadlockQueryPattern().Replace(masked, m => m.Groups["head"].Value + SqlText.Summarize(m.Groups["sql"].Value, 200));
    }

    [GeneratedRegex(@"(?<head>\b[Kk]ey \((?:[^()]|\([^()]*\))*\)\s?=\s?\()(?<values>.*)(?<tail>\)(?: already exists| is not present| is still referenced| is duplicated| conflicts with|\.?\s*$))", RegexOptions.Singleline)]
    private static partial Regex KeyValuesPattern();

    [GeneratedRegex(@"(?<head>(?:Failing row contains|failing row contains \((?:[^()]|\([^()]*\))*\) =) \()(?<values>.*)(?<tail>\)\.?\s*$)", RegexOptions.Singleline)]
    private static partial Regex FailingRowPattern();

    [GeneratedRegex(@"(?m)^(?<head>Process \d+: )(?<sql>.*)$")]
    private static partial Regex DeadlockQueryPattern();

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Reason(Exception ex)
    {
        // Npgsql wraps the socket error; its own message alone ("Failed to connect to 127.0.0.1:1") hides the cause.
        var inner = ex.InnerException;
        return inner is null || ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? ex.Message
            : $"{ex.Message.TrimEnd('.')}: {inner.Message}";
    }
}
