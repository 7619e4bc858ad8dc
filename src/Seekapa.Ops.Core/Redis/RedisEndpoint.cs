using System.Globalization;
using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Redis;

/// <summary>
/// Where a Redis server is: host:port, [ipv6]:port, a bare host (port 6379), or a redis:// / rediss:// URI with an
/// optional user, password and database (redis://user:password@host:6379/2). The password is kept for the connection
/// only: <see cref="Display"/> and every message show the endpoint without it.
/// </summary>
public sealed partial record RedisEndpoint(string Host, int Port, bool Tls, string? User, string? Password, int? Database)
{
    public const int DefaultPort = 6379;

    [GeneratedRegex(@"^(?:\[(?<host>[0-9A-Fa-f:.]+)\]|(?<host>[A-Za-z0-9_.\-]+))(?::(?<port>[0-9]{1,5}))?$")]
    private static partial Regex HostPortPattern();

    /// <summary>host:port (IPv6 in brackets), prefixed with rediss:// when TLS is on, so that it parses back to the same endpoint.</summary>
    public string Display => (Tls ? "rediss://" : string.Empty) + HostPort;

    public string HostPort => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public override string ToString() => Display;

    /// <summary>Parses what a user types; throws InvalidEndpoint (the text shown without any password) when it is not an endpoint.</summary>
    public static RedisEndpoint Parse(string? text)
    {
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            throw Invalid(value, "it is empty");
        }

        if (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUri(value);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw Invalid(value, "the only URI schemes are redis:// and rediss:// (TLS)");
        }

        var (host, port) = ParseHostPort(value, value);
        return new RedisEndpoint(host, port, false, null, null, null);
    }

    private static RedisEndpoint ParseUri(string value)
    {
        var tls = value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        var rest = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? user = null;
        string? password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            // redis://secret@host is the common short form for a password without a user (as redis-cli -u reads it).
            if (colon < 0)
            {
                password = Uri.UnescapeDataString(userInfo);
            }
            else
            {
                user = colon == 0 ? null : Uri.UnescapeDataString(userInfo[..colon]);
                password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }

        int? database = null;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var path = rest[(slash + 1)..].TrimEnd('/');
            rest = rest[..slash];
            if (path.Length > 0)
            {
                if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
                {
                    throw Invalid(value, $"the path '/{path}' is not a database number");
                }

                database = db;
            }
        }

        var (host, port) = ParseHostPort(rest, value);
        return new RedisEndpoint(host, port, tls, string.IsNullOrEmpty(user) ? null : user, string.IsNullOrEmpty(password) ? null : password, database);
    }

    private static (string Host, int Port) ParseHostPort(string hostPort, string original)
    {
        var match = HostPortPattern().Match(hostPort);
        if (!match.Success)
        {
            throw Invalid(original, "expected host:port, a host name, [ipv6]:port, or redis://[user:password@]host:port[/database]");
        }

        var port = DefaultPort;
        if (match.Groups["port"].Success && (!int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw Invalid(original, $"the port {match.Groups["port"].Value} is not between 1 and 65535");
        }

        return (match.Groups["host"].Value, port);
    }

    private static SeekapaException Invalid(string value, string why)
    {
        var shown = MaskUserInfo(value);
        return new SeekapaException("InvalidEndpoint", FailureCategory.InvalidArgument,
            $"'{shown}' is not a Redis endpoint: {why}.", shown,
            "Give host:port (redis-master:6379), or a URI such as rediss://redis-master:6380/0 with the password in -Password.");
    }

    /// <summary>The text with anything between :// and the last @ (user and password) replaced by ***.</summary>
    public static string MaskUserInfo(string value)
    {
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var at = value.LastIndexOf('@');
        if (at < 0)
        {
            return Redactor.Redact(value);
        }

        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return value[..start] + Redactor.Mask + value[at..];
    }
}
