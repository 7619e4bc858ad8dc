using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>A TokenCredential that records what it was asked for and hands out the tokens it is given.</summary>
public sealed class RecordingCredential(params (string Token, DateTimeOffset ExpiresOn)[] tokens) : TokenCredential
{
    private int _next;

    public List<string[]> Requests { get; } = new();

    public Exception? Failure { get; set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests.Add(requestContext.Scopes);
        if (Failure is not null)
        {
            throw Failure;
        }

        var (token, expires) = tokens[Math.Min(_next++, tokens.Length - 1)];
        return ValueTask.FromResult(new AccessToken(token, expires));
    }
}

public class EntraTokenProviderTests
{
    [Fact]
    public async Task AsksForTheAzureDatabaseForPostgreSqlScope()
    {
        var credential = new RecordingCredential(("token-1", DateTimeOffset.UtcNow.AddHours(1)));
        var token = await new EntraTokenProvider(credential).GetTokenAsync(CancellationToken.None);
        Assert.Equal("token-1", token);
        Assert.Equal(new[] { "https://ossrdbms-aad.database.windows.net/.default" }, Assert.Single(credential.Requests));
    }

    [Fact]
    public async Task ReusesATokenUntilItIsAboutToExpire()
    {
        var credential = new RecordingCredential(("fresh", DateTimeOffset.UtcNow.AddHours(1)), ("second", DateTimeOffset.UtcNow.AddHours(1)));
        var provider = new EntraTokenProvider(credential);
        Assert.Equal("fresh", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Equal("fresh", await provider.GetTokenAsync(CancellationToken.None));
        Assert.Single(credential.Requests);

        var expiring = new RecordingCredential(("old", DateTimeOffset.UtcNow.AddMinutes(2)), ("new", DateTimeOffset.UtcNow.AddHours(1)));
        var renewing = new EntraTokenProvider(expiring);
        Assert.Equal("old", await renewing.GetTokenAsync(CancellationToken.None));
        Assert.Equal("new", await renewing.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, expiring.Requests.Count);
    }

    [Fact]
    public async Task AnUnavailableCredentialIsAClearAuthenticationError()
    {
        var credential = new RecordingCredential(("x", DateTimeOffset.UtcNow)) { Failure = new CredentialUnavailableException("No managed identity endpoint found.") };
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new EntraTokenProvider(credential).GetTokenAsync(CancellationToken.None).AsTask());
        Assert.Equal("DatabaseTokenUnavailable", ex.ErrorId);
        Assert.Equal(FailureCategory.AuthenticationError, ex.Category);
        Assert.Contains("No managed identity endpoint found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityUsesAUserAssignedManagedIdentityWhenAClientIdIsGiven()
    {
        Assert.IsType<ManagedIdentityCredential>(EntraTokenProvider.CreateCredential("00000000-0000-0000-0000-000000000001"));
        Assert.IsType<DefaultAzureCredential>(EntraTokenProvider.CreateCredential(null));
    }
}
