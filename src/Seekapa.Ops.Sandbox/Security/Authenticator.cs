using System.Security.Cryptography;
using System.Text;

namespace Seekapa.Ops.Sandbox.Security;

/// <summary>Bearer-token authentication: one random token per user, compared in constant time.</summary>
internal sealed class Authenticator
{
    private readonly (byte[] Token, SandboxUser User)[] _tokens;

    public Authenticator(string adminToken, string viewerToken)
    {
        _tokens =
        [
            (Encoding.UTF8.GetBytes(adminToken), SandboxUser.Admin),
            (Encoding.UTF8.GetBytes(viewerToken), SandboxUser.Viewer),
        ];
    }

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public SandboxUser? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var presented = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        foreach (var (token, user) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, token))
            {
                return user;
            }
        }
        return null;
    }
}
