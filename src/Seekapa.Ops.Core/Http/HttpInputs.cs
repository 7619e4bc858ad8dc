using System.Net;
using System.Net.Mail;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Http;

/// <summary>
/// The one place user input bound for an HTTP request is checked, before any request: header values (no control
/// characters: .NET's TryAddWithoutValidation sends CR/LF as they are, which splits the request), header names, e-mail
/// addresses for From, API base URLs, and plain http for requests that carry a token.
/// </summary>
public static class HttpInputs
{
    /// <summary>The module-wide opt-in switch for sending a token over plain http to another machine.</summary>
    public const string AllowInsecureTransportParameter = "-AllowInsecureTransport";

    /// <summary>
    /// The value as is, or InvalidHeaderValue when it holds a character a header value cannot carry: a control character
    /// (CR, LF, NUL, ... and DEL; a tab is allowed) or a non-ASCII one. A secret is never quoted in the message.
    /// </summary>
    /// <param name="what">The parameter or variable it came from: "-SlackToken", "$env:PAGERDUTY_FROM", "-Header 'X-Api-Key'".</param>
    public static string HeaderValue(string value, string what, bool secret)
    {
        var index = BadValueCharacter(value);
        if (index < 0)
        {
            return value;
        }

        var shown = secret ? "its value is not shown" : $"'{Escape(value)}'";
        throw new SeekapaException("InvalidHeaderValue", FailureCategory.InvalidArgument,
            $"{what} cannot be sent in an HTTP header: it contains the character {Describe(value[index])} at position {index + 1} ({shown}). " +
            "Nothing was sent.", what,
            "Remove line breaks and other control characters (a pasted value often ends with one); only printable ASCII can be sent.");
    }

    /// <summary>An RFC 9110 header name (a token: letters, digits and !#$%&amp;'*+-.^_`|~), or InvalidHeaderName.</summary>
    public static string HeaderName(string name, string what)
    {
        if (name.Length > 0 && name.All(IsTokenChar))
        {
            return name;
        }

        throw new SeekapaException("InvalidHeaderName", FailureCategory.InvalidArgument,
            $"'{Escape(name)}' ({what}) is not an HTTP header name: names are letters, digits and !#$%&'*+-.^_`|~, without spaces or colons. Nothing was sent.",
            Escape(name));
    }

    /// <summary>An e-mail address for a From header (PagerDuty's requester), trimmed; else the given ErrorId.</summary>
    public static string EmailAddress(string value, string what, string errorId)
    {
        var trimmed = value.Trim();
        // No control or non-ASCII character can pass: a CR/LF here would end the header and start another (or a request).
        if (trimmed.Length is > 0 and <= 254 && BadValueCharacter(trimmed) < 0 && !trimmed.Any(char.IsWhiteSpace) && trimmed.Count(c => c == '@') == 1
            && MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && address.Host.Contains('.', StringComparison.Ordinal))
        {
            return trimmed;
        }

        throw new SeekapaException(errorId, FailureCategory.InvalidArgument,
            $"{what} '{Escape(trimmed)}' is not an e-mail address: give the login e-mail of a user, like alice@example.com. Nothing was sent.",
            Escape(trimmed));
    }

    /// <summary>
    /// An API base URL: absolute http or https (else <paramref name="errorId"/>), ending with '/', so that relative
    /// method paths resolve under it.
    /// </summary>
    public static Uri ApiBaseUrl(Uri? url, string parameter, string service, string errorId)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(url.Host))
        {
            var shown = url is null ? "(none)" : Escape(url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.OriginalString);
            throw new SeekapaException(errorId, FailureCategory.InvalidArgument,
                $"{parameter} '{shown}' is not an absolute http or https URL of the {service} API. Nothing was sent.", shown,
                $"Give the API's base URL with its scheme and host, e.g. {parameter} https://... (or leave {parameter} out for the default).");
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            throw new SeekapaException(errorId, FailureCategory.InvalidArgument,
                $"{parameter} must not contain user information (user:password@). Nothing was sent.", url.Host);
        }

        var text = url.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <summary>True when the host is this machine: localhost or a loopback address (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// InsecureTransport when <paramref name="credential"/> (a token, a password) would go over plain http to another
    /// machine, unless the caller opted in with -AllowInsecureTransport. https and loopback hosts are always fine.
    /// </summary>
    public static void RequireSecureTransport(Uri url, string credential, string parameter, bool allowInsecure)
    {
        if (allowInsecure || url.Scheme != Uri.UriSchemeHttp || IsLoopback(url))
        {
            return;
        }

        var where = url.GetLeftPart(UriPartial.Authority);
        throw new SeekapaException("InsecureTransport", FailureCategory.PermissionDenied,
            $"{credential} would be sent in clear text over http to {where} ({parameter}). Nothing was sent.", where,
            $"Use an https URL for {parameter}; if the network path is trusted (e.g. a port-forward or a service mesh), add {AllowInsecureTransportParameter}.");
    }

    private static int BadValueCharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if ((c < 0x20 && c != '\t') || c >= 0x7F)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Describe(char c) => c switch
    {
        '\r' => "CR (\\r)",
        '\n' => "LF (\\n)",
        '\0' => "NUL",
        _ => $"U+{(int)c:X4}",
    };

    /// <summary>The text with control characters shown as escapes, so a message cannot itself carry a line break.</summary>
    private static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text.Length > 200 ? text[..200] + "..." : text)
        {
            builder.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
