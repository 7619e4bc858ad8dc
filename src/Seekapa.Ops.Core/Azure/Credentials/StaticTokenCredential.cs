using Azure.Core;
using Azure.Identity;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// A token the caller supplied (Connect-SeekapaAzure -AccessToken, Connect-SeekapaCluster -AccessToken): never refreshed,
/// and given out only for the scope it was supplied for. A token's audience is fixed when it is issued, so handing a
/// Resource Manager token to another server (an AKS API server) would both fail there and expose a subscription-wide
/// token to whatever server a kubeconfig names: any other scope is CredentialUnavailable. ToString never shows it.
/// </summary>
public sealed class StaticTokenCredential(string token, DateTimeOffset expiresOn, string scope) : TokenCredential
{
    public DateTimeOffset ExpiresOn { get; } = expiresOn;

    /// <summary>The one scope the token is for, e.g. https://management.azure.com/.default.</summary>
    public string Scope { get; } = scope;

    /// <summary>True when scopes are asked for and each is the token's own (compared without case or a trailing slash).</summary>
    public bool Covers(IReadOnlyCollection<string> scopes) => scopes.Count > 0 && scopes.All(s => Normalise(s) == Normalise(Scope));

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        Covers(requestContext.Scopes)
            ? new AccessToken(token, ExpiresOn)
            : throw new CredentialUnavailableException(
                $"The access token given is for {Scope} only; it is not sent to {string.Join(", ", requestContext.Scopes)}.");

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    public override string ToString() => $"{nameof(StaticTokenCredential)} (for {Scope}, expires {ExpiresOn:u})";

    private static string Normalise(string scope)
    {
        var s = scope.Trim();
        if (s.EndsWith("/.default", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^"/.default".Length];
        }

        return s.TrimEnd('/').ToLowerInvariant();
    }
}
