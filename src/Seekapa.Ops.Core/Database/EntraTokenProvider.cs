using Azure;
using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// Entra tokens for Azure Database for PostgreSQL, sent as the password of each new connection. A token is reused until
/// five minutes before it expires, so a long session keeps working after the first token's hour is over.
/// </summary>
public sealed class EntraTokenProvider(TokenCredential credential)
{
    /// <summary>The scope Azure Database for PostgreSQL accepts tokens for.</summary>
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    /// <summary>The credential for -Identity: a user-assigned managed identity by client id, else DefaultAzureCredential.</summary>
    public static TokenCredential CreateCredential(string? managedIdentityClientId) => managedIdentityClientId is { Length: > 0 } clientId
        ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
        : new DefaultAzureCredential();

    /// <summary>Raised with every new token, so that the session can redact it wherever it might appear.</summary>
    public event Action<string>? TokenIssued;

    public async ValueTask<string> GetTokenAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is { } cached && cached.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow)
            {
                return cached.Token;
            }

            AccessToken token;
            try
            {
                token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException or RequestFailedException)
            {
                throw new SeekapaException("DatabaseTokenUnavailable", FailureCategory.AuthenticationError,
                    $"Could not get an Entra token for Azure Database for PostgreSQL: {Redactor.Redact(ex.Message)}", Scope,
                    "Run where a managed identity is available (or pass -ClientId for a user-assigned one), or sign in with az login; " +
                    "or connect with -AccessToken.", ex);
            }

            _token = token;
            TokenIssued?.Invoke(token.Token);
            return token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
