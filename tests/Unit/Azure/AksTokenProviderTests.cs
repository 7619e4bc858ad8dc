using Azure.Identity;
using Seekapa.Ops.Core.Azure.Aks;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Tests.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class AksTokenProviderTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task TheTokenIsAskedForTheAksScopeOnceAndReusedUntilFiveMinutesBeforeItExpires()
    {
        var credential = new CountingCredential(_clock, TimeSpan.FromMinutes(10));
        var provider = new AksTokenProvider(credential, time: _clock);

        var first = await provider.GetAuthenticationHeaderAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(4));
        var second = await provider.GetAuthenticationHeaderAsync(default);

        Assert.Equal(("Bearer", "token-1"), (first.Scheme, first.Parameter));
        Assert.Equal("token-1", second.Parameter);
        Assert.Equal(new[] { "6dae42f8-4368-4678-94ff-3960e28e3630/.default" }, credential.Scopes);

        _clock.Advance(TimeSpan.FromMinutes(1)); // now exactly ExpiresOn - 5 min
        Assert.Equal("token-2", (await provider.GetAuthenticationHeaderAsync(default)).Parameter);
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task RefreshOnWinsOverTheExpiryWhenTheIdentityPlatformGivesIt()
    {
        var credential = new CountingCredential(_clock, TimeSpan.FromHours(24), refreshIn: TimeSpan.FromMinutes(2));
        var provider = new AksTokenProvider(credential, time: _clock);

        await provider.GetTokenAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("token-1", await provider.GetTokenAsync(default));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("token-2", await provider.GetTokenAsync(default));
    }

    [Fact]
    public async Task ConcurrentRequestsShareOneRefresh()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var credential = new CountingCredential(_clock, TimeSpan.FromMinutes(30)) { Gate = gate };
        var provider = new AksTokenProvider(credential, time: _clock);

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => provider.GetTokenAsync(default))).ToArray();
        while (credential.Calls == 0)
        {
            await Task.Yield();
        }

        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, t => Assert.Equal("token-1", t));
        Assert.Equal(1, credential.Calls);
    }

    [Fact]
    public async Task ACredentialFailureIsClusterAuthenticationFailedWithTheWayOut()
    {
        var credential = new CountingCredential(_clock, TimeSpan.FromMinutes(30))
        {
            Failure = new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable.\nSee the troubleshooting guide."),
        };
        var provider = new AksTokenProvider(credential, "my-server-app", _clock);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => provider.GetTokenAsync(default));

        Assert.Equal("ClusterAuthenticationFailed", ex.ErrorId);
        Assert.Contains("my-server-app/.default", ex.Message);
        Assert.DoesNotContain("troubleshooting", ex.Message);
        Assert.Contains("Connect-SeekapaAzure", ex.RecommendedAction);
    }
}
