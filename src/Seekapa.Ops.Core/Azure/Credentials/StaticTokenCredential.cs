using Azure.Core;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// A token the caller supplied (Connect-SeekapaAzure -AccessToken): the same token for every scope, never refreshed.
/// ToString never shows it.
/// </summary>
public sealed class StaticTokenCredential(string token, DateTimeOffset expiresOn) : TokenCredential
{
    public DateTimeOffset ExpiresOn { get; } = expiresOn;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, ExpiresOn);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    public override string ToString() => $"{nameof(StaticTokenCredential)} (expires {ExpiresOn:u})";
}
