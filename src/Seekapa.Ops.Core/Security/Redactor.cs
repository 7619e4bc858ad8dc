using System.Text.RegularExpressions;

namespace Seekapa.Ops.Core.Security;

/// <summary>
/// The one place secrets are scrubbed from text that may reach a stream, an error or the incident timeline:
/// bearer tokens, JWTs, passwords in connection strings and URLs, and Authorization headers.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "***";

    [GeneratedRegex(@"(?i)\b(bearer|token|basic)(\s+|=)([A-Za-z0-9\-._~+/=]{8,})")]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")]
    private static partial Regex JwtPattern();

    [GeneratedRegex(@"(?i)\b(password|pwd|secret|client_secret|access_token|refresh_token|api[_-]?key|sig)\s*([=:])\s*(""[^""]*""|'[^']*'|[^;&\s,""']+)")]
    private static partial Regex KeyValuePattern();

    [GeneratedRegex(@"(?i)\b([a-z][a-z0-9+.\-]*://)([^:/@\s]+):([^@/\s]+)@")]
    private static partial Regex UrlCredentialPattern();

    /// <summary>Returns the text with every secret it recognises replaced by ***.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = JwtPattern().Replace(text, Mask);
        result = BearerPattern().Replace(result, m => $"{m.Groups[1].Value}{m.Groups[2].Value}{Mask}");
        result = KeyValuePattern().Replace(result, m => $"{m.Groups[1].Value}{m.Groups[2].Value}{Mask}");
        result = UrlCredentialPattern().Replace(result, m => $"{m.Groups[1].Value}{m.Groups[2].Value}:{Mask}@");
        return result;
    }

    /// <summary>Redacts the text and also every known secret value given (e.g. the token of the current connection).</summary>
    public static string Redact(string? text, IEnumerable<string?> knownSecrets)
    {
        var result = text ?? string.Empty;
        foreach (var secret in knownSecrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return Redact(result);
    }
}
