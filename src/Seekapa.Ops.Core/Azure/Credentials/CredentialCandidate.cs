using Azure.Core;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// One way to sign in, tried in order. <see cref="Create"/> runs on the caller's thread (the PowerShell pipeline thread,
/// where Az PowerShell can be asked) and returns null, with a reason, when the way is not available here.
/// </summary>
public sealed record CredentialCandidate(AzureAuthMode Mode, string Name, Func<CredentialCandidate.Availability> Create)
{
    public sealed record Availability(TokenCredential? Credential, string? Reason = null)
    {
        public static Availability Of(TokenCredential credential) => new(credential);

        public static Availability Unavailable(string reason) => new(null, reason);
    }

    public static CredentialCandidate Of(AzureAuthMode mode, string name, Func<TokenCredential> create) =>
        new(mode, name, () => Availability.Of(create()));
}

/// <summary>The credential that produced the first token, and that token (checked once, never shown).</summary>
public sealed record SignedInCredential(AzureAuthMode Mode, TokenCredential Credential, AccessToken Token);
