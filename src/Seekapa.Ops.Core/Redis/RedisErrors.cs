using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;
using StackExchange.Redis;

namespace Seekapa.Ops.Core.Redis;

/// <summary>
/// Turns StackExchange.Redis failures for one endpoint into SeekapaExceptions with stable ErrorIds. It also judges the
/// server's TLS certificate, remembering why one was refused: the client library only reports "could not connect".
/// Messages are redacted with the connection's password; inner exceptions are not attached, so that no library text
/// reaches an ErrorRecord unfiltered.
/// </summary>
internal sealed class RedisErrors(string endpoint, string? password)
{
    private volatile string? _certificateProblem;

    public bool CheckCertificate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? ca)
    {
        if (certificate is null)
        {
            _certificateProblem = "the server sent no certificate";
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _certificateProblem = $"the certificate ({leaf.Subject}) is not issued for the host name";
            return false;
        }

        if (ca is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            _certificateProblem = $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) is not trusted by this machine";
            return false;
        }

        // With -CaCertificatePath that CA is the only trust anchor, as with redis-cli --cacert.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(leaf))
        {
            return true;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        _certificateProblem = $"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) does not chain to the CA {ca.Subject} ({status})";
        return false;
    }

    /// <param name="unreachableReason">What a plain TCP connect found, for failures to connect at all.</param>
    public SeekapaException Translate(Exception ex, string command, string? unreachableReason = null)
    {
        var reply = ServerReply(ex);
        var detail = Redactor.Redact(reply ?? FirstLine(ex.Message), new[] { password });
        // The client library reports a refused certificate as an authentication failure too.
        if (ex is RedisConnectionException && _certificateProblem is { } problem)
        {
            return new SeekapaException("RedisTlsFailed", FailureCategory.AuthenticationError,
                $"The TLS connection to Redis at {endpoint} was refused: {problem}.", endpoint,
                "Pass the server's CA certificate with -CaCertificatePath, or connect by the name the certificate was issued for.");
        }

        if (ex is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } || ReplyIs(reply, "NOAUTH", "WRONGPASS"))
        {
            return new SeekapaException("RedisAuthenticationFailed", FailureCategory.AuthenticationError,
                $"Redis at {endpoint} rejected the credentials ({command}): {detail}", endpoint,
                password is null
                    ? "The server requires a password: pass -Password (a SecureString, e.g. from Get-Secret or Read-Host -AsSecureString)."
                    : "Check the password (-Password or the one in the redis:// URI), and the user name for an ACL user.");
        }

        if (ReplyIs(reply, "NOPERM"))
        {
            return new SeekapaException("RedisPermissionDenied", FailureCategory.PermissionDenied,
                $"Redis at {endpoint} does not allow {command} for this user: {detail}", endpoint,
                "Use a user whose ACL allows the command (e.g. +flushdb, +info, +dbsize).");
        }

        if (ex is RedisTimeoutException or TimeoutException)
        {
            return new SeekapaException("RedisTimeout", FailureCategory.OperationTimeout,
                $"Redis at {endpoint} did not answer {command} in time: {detail}", endpoint,
                "Check the server's load (SLOWLOG, a long-running command) or raise -Timeout.");
        }

        if (ex is RedisConnectionException)
        {
            return new SeekapaException("RedisUnreachable", FailureCategory.ConnectionError,
                $"Could not connect to Redis at {endpoint}: {unreachableReason ?? detail}.", endpoint,
                "Check the host and port, that the server is up, and whether it expects TLS (-Tls or rediss://).");
        }

        // The client checks the index against the server's 'databases' when it could read it; else the server refuses SELECT.
        if ((ex is RedisCommandException && ex.Message.Contains("database does not exist", StringComparison.OrdinalIgnoreCase))
            || (reply?.Contains("DB index is out of range", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return new SeekapaException("RedisDatabaseNotFound", FailureCategory.ObjectNotFound,
                $"Redis at {endpoint} has no such database ({command}).", endpoint,
                "Databases are numbered from 0 to the server's 'databases' setting minus one (16 by default); a cluster has only 0.");
        }

        if (ReplyIs(reply, "READONLY") || detail.Contains("replica", StringComparison.OrdinalIgnoreCase))
        {
            return new SeekapaException("RedisCommandFailed", FailureCategory.InvalidOperation,
                $"Redis at {endpoint} refused {command}: {detail}", endpoint,
                "This server is a read-only replica: run the command against the primary (Role shows master).");
        }

        return new SeekapaException("RedisCommandFailed", FailureCategory.InvalidOperation,
            $"Redis at {endpoint} refused {command}: {detail}", endpoint);
    }

    /// <summary>The error the server replied with ("WRONGPASS invalid username-password pair ..."), wherever the client wrapped it.</summary>
    private static string? ServerReply(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is RedisServerException)
            {
                // The client prefixes the reply with its RESP kind ("SimpleError: ").
                var colon = ex.Message.IndexOf(": ", StringComparison.Ordinal);
                return colon > 0 && ex.Message[..colon].EndsWith("Error", StringComparison.Ordinal) ? ex.Message[(colon + 2)..] : ex.Message;
            }
        }

        return null;
    }

    private static bool ReplyIs(string? reply, params string[] codes) =>
        reply is not null && codes.Any(code => reply.StartsWith(code + " ", StringComparison.Ordinal));

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
