using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// Tokens another sign-in handed over, per scope: an existing Az PowerShell session (Get-AzAccessToken). Az only runs on the
/// PowerShell pipeline thread, while Azure.Core asks for tokens from any thread, so the cmdlets fetch a scope's token on
/// the pipeline thread (<see cref="Add"/>) before they need it; an unknown or expired scope is CredentialUnavailable.
/// </summary>
public sealed class HandedOverTokenCredential(string source) : TokenCredential
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, AccessToken> _tokens = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the tokens come from, for messages ("Az PowerShell session").</summary>
    public string Source { get; } = source;

    public void Add(string scope, AccessToken token) => _tokens[scope] = token;

    /// <summary>True when the scope has no token, or one that expires within five minutes.</summary>
    public bool NeedsToken(string scope, DateTimeOffset now) =>
        !_tokens.TryGetValue(scope, out var token) || token.ExpiresOn - RefreshMargin <= now;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var scope = requestContext.Scopes.FirstOrDefault() ?? string.Empty;
        if (_tokens.TryGetValue(scope, out var token) && token.ExpiresOn > DateTimeOffset.UtcNow)
        {
            return token;
        }

        throw new CredentialUnavailableException(
            $"The {Source} gave no current token for {scope}. Run Connect-SeekapaAzure again to take a fresh one.");
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    public override string ToString() => $"{nameof(HandedOverTokenCredential)} ({Source})";
}
