using System.Text.RegularExpressions;

namespace Seekapa.Ops.Core.Security;

/// <summary>
/// The one place secrets are scrubbed from text that may reach a stream, an error, the incident store, a post-mortem
/// or a chat message. Two layers: the secret values the session knows (the <see cref="SecretRegistry"/> in scope plus
/// any given by the caller), masked wherever they appear; and patterns for credentials the session never saw (vendor
/// token formats, JWTs, private keys, passwords in connection strings, URLs and query strings, Authorization values).
/// </summary>
public static partial class Redactor
{
    public const string Mask = "***";

    // Every pattern names the secret part "s": only that part is masked, so the reader still sees what was there.
    [GeneratedRegex(@"-----BEGIN (?<label>[A-Z0-9 ]*PRIVATE KEY)-----(?<s>[\s\S]*?)(?:-----END \k<label>-----|$)")]
    private static partial Regex PemPrivateKeyPattern();

    [GeneratedRegex(@"\b(?<s>eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*)")]
    private static partial Regex JwtPattern();

    // Slack bot/user/app/refresh tokens, GitHub tokens (classic and fine-grained), AWS access key ids.
    [GeneratedRegex(@"\b(?<s>xox[abprs]-[A-Za-z0-9\-]{8,}|xapp-[A-Za-z0-9\-]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}\b)")]
    private static partial Regex VendorTokenPattern();

    [GeneratedRegex(@"(?i)\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:(?<s>[^@/\s]+)@")]
    private static partial Regex UrlCredentialPattern();

    [GeneratedRegex(@"(?i)[?&](?:api[_-]?key|apikey|key|token|access_token|auth|sig|code|password|pwd|secret|client_secret)=(?<s>[^&#\s""'<>]+)")]
    private static partial Regex QueryStringPattern();

    // key=value / key: value pairs in connection strings, headers, config and JSON ("password":"..."); the key itself
    // says it is a secret, so the value is masked whatever it looks like. Azure storage AccountKey= and SAS sig= too.
    [GeneratedRegex(@"(?i)\b(?:password|passwd|pwd|secret|client[_-]?secret|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|api[_-]?key|apikey|sig|accountkey|sharedaccesskey|token)[""']?\s*[=:]\s*(?<s>""[^""]*""|'[^']*'|[^;&\s,""'}]+)")]
    private static partial Regex KeyValuePattern();

    // "Bearer x", "Basic x", "token x": masked only when x looks like a credential, so prose such as "basic credentials"
    // or "rotated the token yesterday" stays readable.
    [GeneratedRegex(@"(?i)\b(?:bearer|basic|token)\s+(?<s>[A-Za-z0-9\-._~+/]{8,}=*)")]
    private static partial Regex SchemePattern();

    private static readonly Func<Regex>[] Patterns =
        [PemPrivateKeyPattern, JwtPattern, VendorTokenPattern, UrlCredentialPattern, QueryStringPattern, KeyValuePattern, SchemePattern];

    /// <summary>Returns the text with every known secret and every secret it recognises replaced by ***.</summary>
    public static string Redact(string? text) => Redact(text, null);

    /// <summary>Like <see cref="Redact(string?)"/>, also masking the secret values given (e.g. the token of the current connection).</summary>
    public static string Redact(string? text, IEnumerable<string?>? knownSecrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text;
        var known = (knownSecrets ?? Enumerable.Empty<string?>())
            .Concat(SecretRegistry.Current?.Values ?? Array.Empty<string>())
            .Where(s => s is { Length: >= SecretRegistry.MinLength })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s!.Length);
        foreach (var secret in known)
        {
            result = result.Replace(secret!, Mask, StringComparison.Ordinal);
        }

        foreach (var pattern in Patterns)
        {
            result = pattern().Replace(result, MaskSecretGroup);
        }

        return result;
    }

    /// <summary>The secret values the patterns recognise in the text (what <see cref="Redact(string?)"/> would mask).</summary>
    public static IReadOnlyList<string> FindSecrets(string? text)
    {
        var found = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        foreach (var pattern in Patterns)
        {
            foreach (Match match in pattern().Matches(text))
            {
                var secret = Unquote(match.Groups["s"].Value.Trim());
                if (secret.Length >= SecretRegistry.MinLength && secret != Mask && IsSecret(match) && !found.Contains(secret))
                {
                    found.Add(secret);
                }
            }
        }

        return found;
    }

    private static string MaskSecretGroup(Match match)
    {
        var secret = match.Groups["s"];
        if (!IsSecret(match) || secret.Value.Trim() == Mask)
        {
            return match.Value;
        }

        return match.Value[..(secret.Index - match.Index)] + Mask + match.Value[(secret.Index - match.Index + secret.Length)..];
    }

    /// <summary>Only the scheme pattern ("bearer x") needs a second look; the others match credentials by shape or by key.</summary>
    private static bool IsSecret(Match match) =>
        !match.Value.StartsWith("bearer", StringComparison.OrdinalIgnoreCase)
        && !match.Value.StartsWith("basic", StringComparison.OrdinalIgnoreCase)
        && !(match.Value.StartsWith("token", StringComparison.OrdinalIgnoreCase) && match.Value.Length > 5 && char.IsWhiteSpace(match.Value[5]))
        || LooksLikeCredential(match.Groups["s"].Value);

    /// <summary>
    /// A word that is a credential rather than prose: it has a digit, or upper case after its first letter, or is longer
    /// than English words usually are ("credentials", "yesterday" and "Tuesday" are words; "dGVzdDpwYXNz",
    /// "AbCdEfGhIj" and "abcdefghijklmnop" are not).
    /// </summary>
    private static bool LooksLikeCredential(string word) =>
        word.Any(char.IsDigit) || (word.Skip(1).Any(char.IsUpper) && word.Any(char.IsLower)) || word.TrimEnd('=').Length >= 16;

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
