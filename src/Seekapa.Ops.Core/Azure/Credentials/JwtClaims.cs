using System.Text;
using System.Text.Json;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// The few claims of an Entra access token that say who signed in (read, never verified: Resource Manager verifies it).
/// Only the payload's claim values are kept; the token itself is not.
/// </summary>
public sealed record JwtClaims(string? TenantId, string? Account, DateTimeOffset? ExpiresOn, string? Audience = null)
{
    /// <summary>The claims of a JWT, or null when the token is not a readable JWT (e.g. an opaque test token).</summary>
    public static JwtClaims? TryRead(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Claim(string name) => doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;

            // A user has a UPN (or one of its older spellings); an application or managed identity has only ids.
            var account = Claim("upn") ?? Claim("unique_name") ?? Claim("preferred_username") ?? Claim("appid") ?? Claim("azp") ?? Claim("oid");
            DateTimeOffset? expires = doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            return new JwtClaims(Claim("tid"), account, expires, Claim("aud"));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
