using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Secrets;

/// <summary>
/// A rewritten connection string: which server it named and names now. <see cref="Value"/> holds the credentials, so it
/// is internal (no cmdlet can write it out) and <see cref="ToString"/> shows endpoints only.
/// </summary>
public sealed class EndpointRewrite
{
    internal EndpointRewrite(ConnectionStringFormat format, DatabaseEndpoint old, DatabaseEndpoint @new, string value, bool changed)
    {
        Format = format;
        Old = old;
        New = @new;
        Value = value;
        Changed = changed;
    }

    public ConnectionStringFormat Format { get; }
    public DatabaseEndpoint Old { get; }
    public DatabaseEndpoint New { get; }

    /// <summary>False when the value already named the target: <see cref="Value"/> is then the input, untouched.</summary>
    public bool Changed { get; }

    /// <summary>The whole new value, credentials included.</summary>
    internal string Value { get; }

    public override string ToString() => $"{Format}: {Old} -> {New}";
}

/// <summary>
/// Points a PostgreSQL connection string at another server by replacing only the host (and the port and database when
/// asked): every other character - user, password, parameters, quoting, spacing, a trailing newline - stays as it was.
/// Three forms: URLs (postgres:// and postgresql://, libpq's URI syntax), libpq keyword/value strings and ADO.NET (Npgsql)
/// strings. A value whose structure is ambiguous (e.g. a password with an unencoded '/' or '#' in a URL) is refused rather
/// than guessed at. No message ever contains the value.
/// </summary>
public static class ConnectionStringRewriter
{
    /// <summary>The ErrorId of every refusal (FailureCategory.InvalidData).</summary>
    public const string ErrorId = "UnsupportedConnectionString";

    private const string Advice = "Nothing was written. Fix the value by hand (kubectl edit secret), or write it as a postgres:// URL with a percent-encoded password.";

    /// <summary>A token as written: [Start, End) includes any quotes, [InnerStart, InnerEnd) is between them; Value is decoded.</summary>
    private readonly record struct Token(int Start, int End, int InnerStart, int InnerEnd, bool Quoted, char Quote, string Value)
    {
        public static Token Plain(int start, int end, string value) => new(start, end, start, end, false, '\0', value);
    }

    private sealed class Parsed
    {
        public required ConnectionStringFormat Format { get; init; }

        /// <summary>The host text to replace (with its brackets, if any) and the decoded host.</summary>
        public required Token Host { get; init; }

        /// <summary>The port's digits, when written (ADO.NET: inside the host value when it is host:port).</summary>
        public Token? Port { get; init; }

        /// <summary>ADO.NET's host:port form: a new IPv6 host then needs brackets.</summary>
        public bool InlinePort { get; init; }

        public int PortInsertAt { get; init; }
        public Token? Database { get; init; }
        public int DatabaseInsertAt { get; init; }
    }

    /// <summary>
    /// Rewrites <paramref name="value"/> to name <paramref name="target"/>. <paramref name="subject"/> ("Key DATABASE_URL of
    /// Secret ns/name") starts every error message. Throws SeekapaException <see cref="ErrorId"/> for values it will not touch.
    /// </summary>
    public static EndpointRewrite Rewrite(string value, EndpointTarget target, string subject = "The value")
    {
        var parsed = Parse(value, subject);
        var oldPort = parsed.Port is { } p ? int.Parse(p.Value, NumberStyles.None, CultureInfo.InvariantCulture) : (int?)null;
        var old = new DatabaseEndpoint(parsed.Host.Value, oldPort, parsed.Database?.Value);
        var wanted = new DatabaseEndpoint(target.Host, target.Port ?? oldPort, target.Database ?? old.Database);
        if (old.SameAs(wanted))
        {
            return new EndpointRewrite(parsed.Format, old, old, value, changed: false);
        }

        var edits = new List<(int Start, int End, string Text)>();
        var bracket = target.IsIPv6 && (parsed.Format == ConnectionStringFormat.Url || parsed.InlinePort);
        edits.Add((parsed.Host.Start, parsed.Host.End, bracket ? $"[{target.Host}]" : target.Host));
        if (target.Port is { } port && port != oldPort)
        {
            var digits = port.ToString(CultureInfo.InvariantCulture);
            edits.Add(parsed.Port is { } written
                ? (written.InnerStart, written.InnerEnd, digits)
                : (parsed.PortInsertAt, parsed.PortInsertAt, parsed.Format switch
                {
                    ConnectionStringFormat.Url => ":" + digits,
                    ConnectionStringFormat.KeywordValue => " port=" + digits,
                    _ => ";Port=" + digits,
                }));
        }

        if (target.Database is { } database && database != old.Database)
        {
            edits.Add(parsed.Database is { } written
                ? ReplaceDatabase(parsed.Format, written, database)
                : (parsed.DatabaseInsertAt, parsed.DatabaseInsertAt, parsed.Format switch
                {
                    ConnectionStringFormat.Url => "/" + Uri.EscapeDataString(database),
                    ConnectionStringFormat.KeywordValue => " dbname=" + KeywordToken(database),
                    _ => ";Database=" + AdoToken(database),
                }));
        }

        // Edits are made in order of position (an insertion at the end of a replaced token goes after it); none overlap.
        var builder = new StringBuilder(value.Length + 64);
        var cursor = 0;
        foreach (var (start, end, text) in edits.Select((e, i) => (e, i)).OrderBy(x => x.e.Start).ThenBy(x => x.i).Select(x => x.e))
        {
            builder.Append(value, cursor, start - cursor).Append(text);
            cursor = end;
        }

        builder.Append(value, cursor, value.Length - cursor);
        return new EndpointRewrite(parsed.Format, old, wanted, builder.ToString(), changed: true);
    }

    private static (int Start, int End, string Text) ReplaceDatabase(ConnectionStringFormat format, Token written, string database) =>
        format switch
        {
            ConnectionStringFormat.Url => (written.Start, written.End, Uri.EscapeDataString(database)),
            ConnectionStringFormat.KeywordValue when written.Quoted => (written.InnerStart, written.InnerEnd, KeywordEscape(database)),
            ConnectionStringFormat.KeywordValue => (written.Start, written.End, KeywordToken(database)),
            _ when written.Quoted => (written.InnerStart, written.InnerEnd,
                database.Replace(written.Quote.ToString(), new string(written.Quote, 2), StringComparison.Ordinal)),
            _ => (written.Start, written.End, AdoToken(database)),
        };

    private static Parsed Parse(string value, string subject)
    {
        var begin = 0;
        var end = value.Length;
        while (begin < end && char.IsWhiteSpace(value[begin]))
        {
            begin++;
        }

        while (end > begin && char.IsWhiteSpace(value[end - 1]))
        {
            end--;
        }

        if (begin == end)
        {
            throw Refuse(subject, "is empty.");
        }

        var text = value[begin..end];
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && text[..schemeEnd].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            var scheme = text[..schemeEnd];
            if (!scheme.Equals("postgres", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
            {
                throw Refuse(subject, $"is a {scheme.ToLowerInvariant()}:// URL; only postgres:// and postgresql:// URLs are understood.");
            }

            return ParseUrl(value, begin + schemeEnd + 3, end, subject);
        }

        var keywords = TokenizeKeywords(value, begin, end);
        var keywordHost = keywords is null ? null : Single(keywords, subject, "host");
        if (keywordHost is { } host && IsPlausibleHost(host.Value))
        {
            return FromKeywords(keywords!, host, subject);
        }

        var ado = TokenizeAdo(value, begin, end);
        if ((ado is null ? null : Single(ado, subject, "host", "server")) is { } adoHost)
        {
            return FromAdo(ado!, adoHost, subject);
        }

        if (keywordHost is not null)
        {
            throw BadHost(subject);
        }

        if (keywords is not null || ado is not null)
        {
            throw Refuse(subject, "names no host (a Unix socket, or a host set elsewhere): set the host by hand.");
        }

        throw Refuse(subject, "is not a connection string this cmdlet understands: expected a postgres:// or postgresql:// URL, libpq keywords (host=... dbname=...) or an ADO.NET string (Host=...;Database=...).");
    }

    private static Parsed ParseUrl(string value, int start, int end, string subject)
    {
        if (value.IndexOf('#', start, end - start) >= 0)
        {
            throw Refuse(subject, "contains an unencoded '#' (a URL fragment, or a '#' in the password): percent-encode it as %23.");
        }

        var authorityEnd = value.IndexOfAny(['/', '?'], start, end - start);
        if (authorityEnd < 0)
        {
            authorityEnd = end;
        }

        // libpq and every lenient parser take the user information up to the last '@' before the path or query.
        var at = value.LastIndexOf('@', authorityEnd - 1, authorityEnd - start);
        var hostStart = at >= 0 ? at + 1 : start;
        if (value.IndexOf('@', authorityEnd, end - authorityEnd) >= 0)
        {
            throw Refuse(subject,
                "has an '@' after the host, so where the password ends is ambiguous (an unencoded '/' or '?' in the password?): percent-encode the password's special characters (%2F, %3F, %40).");
        }

        if (value.IndexOf(',', hostStart, authorityEnd - hostStart) >= 0)
        {
            throw MultipleHosts(subject);
        }

        if (hostStart == authorityEnd)
        {
            throw Refuse(subject, "names no host (a Unix socket, or host= in the query): set the host by hand.");
        }

        Token host;
        int hostEnd;
        if (value[hostStart] == '[')
        {
            var close = value.IndexOf(']', hostStart, authorityEnd - hostStart);
            if (close < 0 || !IPAddress.TryParse(value.AsSpan(hostStart + 1, close - hostStart - 1), out var address) ||
                address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw BadHost(subject);
            }

            hostEnd = close + 1;
            host = Token.Plain(hostStart, hostEnd, value[(hostStart + 1)..close]);
        }
        else
        {
            var colon = value.IndexOf(':', hostStart, authorityEnd - hostStart);
            hostEnd = colon < 0 ? authorityEnd : colon;
            var raw = value[hostStart..hostEnd];
            if (raw.Length == 0 || raw.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '%')))
            {
                throw BadHost(subject);
            }

            host = Token.Plain(hostStart, hostEnd, Uri.UnescapeDataString(raw));
        }

        Token? port = null;
        if (hostEnd < authorityEnd)
        {
            if (value[hostEnd] != ':' || !IsPort(value.AsSpan(hostEnd + 1, authorityEnd - hostEnd - 1)))
            {
                throw Refuse(subject,
                    "has a port that is not a number (an unencoded ':', '/' or '?' in the password?): percent-encode the password's special characters.");
            }

            port = Token.Plain(hostEnd + 1, authorityEnd, value[(hostEnd + 1)..authorityEnd]);
        }

        var queryStart = value.IndexOf('?', authorityEnd, end - authorityEnd);
        var pathEnd = queryStart < 0 ? end : queryStart;
        Token? database = null;
        if (authorityEnd < pathEnd && value[authorityEnd] == '/')
        {
            var raw = value[(authorityEnd + 1)..pathEnd];
            if (raw.Contains('/', StringComparison.Ordinal))
            {
                throw Refuse(subject, "has a '/' in its database name (an unencoded '/' in the password?): percent-encode it as %2F.");
            }

            database = Token.Plain(authorityEnd + 1, pathEnd, Uri.UnescapeDataString(raw));
        }

        if (queryStart >= 0)
        {
            CheckQuery(value[(queryStart + 1)..end], subject);
        }

        return new Parsed
        {
            Format = ConnectionStringFormat.Url,
            Host = host,
            Port = port,
            PortInsertAt = hostEnd,
            Database = database,
            DatabaseInsertAt = authorityEnd,
        };
    }

    /// <summary>The query must be parameters (libpq refuses anything else), and none may override the URL's endpoint.</summary>
    private static void CheckQuery(string query, string subject)
    {
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw Refuse(subject,
                    "has a query that is not key=value parameters (an unencoded '?' in the password?): percent-encode the password's special characters.");
            }

            var name = Uri.UnescapeDataString(part[..eq]);
            if (name is "host" or "hostaddr" or "port" or "dbname")
            {
                throw Refuse(subject, $"sets {name} in its query, which overrides the URL's own: edit the value by hand.");
            }
        }
    }

    /// <summary>libpq's conninfo_parse: key = value pairs separated by whitespace, values quoted with ' and escaped with \.
    /// Null when the text is not of that shape or a key is not a lowercase libpq-style keyword.</summary>
    private static List<(string Key, Token Value)>? TokenizeKeywords(string value, int begin, int end)
    {
        var pairs = new List<(string, Token)>();
        var i = begin;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            if (i >= end)
            {
                return pairs;
            }

            var keyStart = i;
            while (i < end && value[i] != '=' && !char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            var key = value[keyStart..i];
            while (i < end && char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            if (i >= end || value[i] != '=' || key.Length == 0 || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return null;
            }

            i++;
            while (i < end && char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            var decoded = new StringBuilder();
            var tokenStart = i;
            if (i < end && value[i] == '\'')
            {
                i++;
                while (i < end && value[i] != '\'')
                {
                    if (value[i] == '\\' && i + 1 < end)
                    {
                        i++;
                    }

                    decoded.Append(value[i]);
                    i++;
                }

                if (i >= end)
                {
                    return null;
                }

                pairs.Add((key, new Token(tokenStart, i + 1, tokenStart + 1, i, true, '\'', decoded.ToString())));
                i++;
                continue;
            }

            while (i < end && !char.IsWhiteSpace(value[i]))
            {
                if (value[i] == '\\' && i + 1 < end)
                {
                    i++;
                }

                decoded.Append(value[i]);
                i++;
            }

            pairs.Add((key, Token.Plain(tokenStart, i, decoded.ToString())));
        }
    }

    private static Parsed FromKeywords(List<(string Key, Token Value)> pairs, Token host, string subject)
    {
        if (pairs.Any(p => p.Key == "hostaddr"))
        {
            throw Refuse(subject, "sets hostaddr, which libpq connects to instead of host: edit the value by hand.");
        }

        if (host.Value.Contains(',', StringComparison.Ordinal))
        {
            throw MultipleHosts(subject);
        }

        var port = Single(pairs, subject, "port");
        if (port is { } p && p.Value.Contains(',', StringComparison.Ordinal))
        {
            throw MultipleHosts(subject);
        }

        return new Parsed
        {
            Format = ConnectionStringFormat.KeywordValue,
            // Inside its quotes, if quoted: the new host keeps the value's quoting.
            Host = Token.Plain(host.InnerStart, host.InnerEnd, host.Value),
            Port = port is { } written ? CheckPort(written, subject) : null,
            PortInsertAt = host.End,
            Database = Single(pairs, subject, "dbname"),
            DatabaseInsertAt = host.End,
        };
    }

    /// <summary>DbConnectionStringBuilder's syntax: key=value pairs separated by ';', keys case-insensitive ("==" is a
    /// literal '='), values trimmed or quoted with " or ' (a doubled quote inside is one quote). Null when malformed.</summary>
    private static List<(string Key, Token Value)>? TokenizeAdo(string value, int begin, int end)
    {
        var pairs = new List<(string, Token)>();
        var i = begin;
        while (true)
        {
            while (i < end && (value[i] == ';' || char.IsWhiteSpace(value[i])))
            {
                i++;
            }

            if (i >= end)
            {
                return pairs;
            }

            var key = new StringBuilder();
            while (true)
            {
                if (i >= end || value[i] == ';')
                {
                    return null;
                }

                if (value[i] == '=')
                {
                    if (i + 1 < end && value[i + 1] == '=')
                    {
                        key.Append('=');
                        i += 2;
                        continue;
                    }

                    break;
                }

                key.Append(value[i]);
                i++;
            }

            i++;
            var name = key.ToString().Trim().ToLowerInvariant();
            if (name.Length == 0)
            {
                return null;
            }

            while (i < end && char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            if (i < end && value[i] is '"' or '\'')
            {
                var quote = value[i];
                var tokenStart = i;
                var decoded = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= end)
                    {
                        return null;
                    }

                    if (value[i] == quote)
                    {
                        if (i + 1 < end && value[i + 1] == quote)
                        {
                            decoded.Append(quote);
                            i += 2;
                            continue;
                        }

                        break;
                    }

                    decoded.Append(value[i]);
                    i++;
                }

                pairs.Add((name, new Token(tokenStart, i + 1, tokenStart + 1, i, true, quote, decoded.ToString())));
                i++;
                while (i < end && char.IsWhiteSpace(value[i]))
                {
                    i++;
                }

                if (i < end && value[i] != ';')
                {
                    return null;
                }

                continue;
            }

            var start = i;
            while (i < end && value[i] != ';')
            {
                i++;
            }

            var stop = i;
            while (stop > start && char.IsWhiteSpace(value[stop - 1]))
            {
                stop--;
            }

            pairs.Add((name, Token.Plain(start, stop, value[start..stop])));
        }
    }

    private static Parsed FromAdo(List<(string Key, Token Value)> pairs, Token hostValue, string subject)
    {
        var raw = hostValue.Value;
        if (raw.Contains(',', StringComparison.Ordinal))
        {
            throw MultipleHosts(subject);
        }

        if (!IsPlausibleHost(raw))
        {
            throw BadHost(subject);
        }

        // The host value may carry the port (host:5433, [::1]:5433); a bare IPv6 address has several colons.
        var offset = hostValue.InnerStart;
        Token host;
        var portAt = -1;
        if (raw[0] == '[')
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(raw.AsSpan(1, close - 1), out var address) || address.AddressFamily != AddressFamily.InterNetworkV6 ||
                (close + 1 < raw.Length && raw[close + 1] != ':'))
            {
                throw BadHost(subject);
            }

            host = Token.Plain(offset, offset + close + 1, raw[1..close]);
            portAt = close + 1 < raw.Length ? close + 2 : -1;
        }
        else if (raw.Count(c => c == ':') == 1)
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            host = Token.Plain(offset, offset + colon, raw[..colon]);
            portAt = colon + 1;
        }
        else
        {
            host = Token.Plain(offset, offset + raw.Length, raw);
        }

        Token? inlinePort = null;
        if (portAt >= 0)
        {
            if (!IsPort(raw.AsSpan(portAt)))
            {
                throw Refuse(subject, "has a port in its Host that is not a number.");
            }

            inlinePort = Token.Plain(offset + portAt, offset + raw.Length, raw[portAt..]);
        }

        var portKey = Single(pairs, subject, "port");
        return new Parsed
        {
            Format = ConnectionStringFormat.AdoNet,
            Host = host,
            Port = inlinePort ?? (portKey is { } written ? CheckPort(written, subject) : null),
            InlinePort = inlinePort is not null,
            PortInsertAt = hostValue.End,
            Database = Single(pairs, subject, "database", "db"),
            DatabaseInsertAt = hostValue.End,
        };
    }

    /// <summary>The one value of a parameter (under any of its names); null when absent; a refusal when given twice.</summary>
    private static Token? Single(List<(string Key, Token Value)> pairs, string subject, params string[] names)
    {
        var found = pairs.Where(p => names.Contains(p.Key)).ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0].Value,
            _ => throw Refuse(subject, $"sets {names[0]} more than once: edit the value by hand."),
        };
    }

    private static Token CheckPort(Token port, string subject) =>
        IsPort(port.Value) && port.Value.Length == port.InnerEnd - port.InnerStart
            ? port
            : throw Refuse(subject, "has a port that is not a number.");

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && text.IndexOfAnyExceptInRange('0', '9') < 0 &&
        int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is >= 1 and <= 65535;

    private static bool IsPlausibleHost(string host) =>
        host.Length > 0 && !host.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '=' or ';' or '@' or '?' or '#');

    /// <summary>A libpq value as written without quotes when it can be, else quoted with ' and \ escapes.</summary>
    private static string KeywordToken(string text) =>
        text.Length > 0 && !text.Any(c => char.IsWhiteSpace(c) || c is '\'' or '\\') ? text : $"'{KeywordEscape(text)}'";

    private static string KeywordEscape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    /// <summary>An ADO.NET value as DbConnectionStringBuilder writes it: bare when it can be, else in quotes.</summary>
    private static string AdoToken(string text)
    {
        var bare = text.Length > 0 && !text.Contains(';', StringComparison.Ordinal) && text[0] is not ('"' or '\'') &&
                   !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1]);
        if (bare)
        {
            return text;
        }

        return text.Contains('"', StringComparison.Ordinal) && !text.Contains('\'', StringComparison.Ordinal)
            ? $"'{text}'"
            : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    private static SeekapaException Refuse(string subject, string problem) =>
        new(ErrorId, FailureCategory.InvalidData, $"{subject} {problem}", null, Advice);

    private static SeekapaException MultipleHosts(string subject) =>
        Refuse(subject, "names several hosts (a multi-host list): this cmdlet points a value at one server; edit it by hand.");

    private static SeekapaException BadHost(string subject) =>
        Refuse(subject, "has no valid host (an unterminated quote, or an unencoded '/', '?', '#' or '@' in the password?).");
}
