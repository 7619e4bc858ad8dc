using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class AzureSignInTests
{
    private const string SubscriptionJson =
        """{"id":"/subscriptions/00000000-0000-0000-0000-00000000cafe","subscriptionId":"00000000-0000-0000-0000-00000000cafe","tenantId":"tenant-from-arm","displayName":"Seekapa Production","state":"Enabled"}""";

    private static readonly Func<Task<AccessToken>, AccessToken> Wait = t => t.GetAwaiter().GetResult();

    [Fact]
    public void ClaimsNameTheUserOrTheApplicationAndTheTenant()
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
        var user = JwtClaims.TryRead(TestJwt.User("sre@seekapa.example", "t1", expires))!;
        Assert.Equal(("t1", "sre@seekapa.example", expires), (user.TenantId, user.Account, user.ExpiresOn));

        var app = JwtClaims.TryRead(TestJwt.Create(new JsonObject { ["tid"] = "t2", ["appid"] = "app-id", ["oid"] = "object-id" }))!;
        Assert.Equal("app-id", app.Account);
        var identity = JwtClaims.TryRead(TestJwt.Create(new JsonObject { ["tid"] = "t2", ["oid"] = "object-id" }))!;
        Assert.Equal("object-id", identity.Account);

        Assert.Null(JwtClaims.TryRead("0123456789abcdef"));
        Assert.Null(JwtClaims.TryRead("a.b.c"));
    }

    [Fact]
    public void TheInteractiveChainOffersABrowserOrADeviceCodeOnlyWhenSomeoneCanAnswer()
    {
        var cloud = AzureCloud.Public;
        var unattended = AzureCredentials.Interactive(cloud, null, canPrompt: false, useDeviceCode: false, null, _ => { });
        Assert.Equal(new[] { AzureAuthMode.AzureCli, AzureAuthMode.AzurePowerShell }, unattended.Select(c => c.Mode));

        var browser = AzureCredentials.Interactive(cloud, null, canPrompt: true, useDeviceCode: false, null, _ => { });
        Assert.Equal(AzureAuthMode.InteractiveBrowser, browser[^1].Mode);
        Assert.IsType<InteractiveBrowserCredential>(browser[^1].Create().Credential);

        var deviceCode = AzureCredentials.Interactive(cloud, null, canPrompt: true, useDeviceCode: true, null, _ => { });
        Assert.Equal(AzureAuthMode.DeviceCode, deviceCode[^1].Mode);
        Assert.IsType<DeviceCodeCredential>(deviceCode[^1].Create().Credential);

        // Without Az.Accounts loaded, the Az PowerShell step says so instead of importing anything.
        Assert.Contains("not loaded", unattended[1].Create().Reason);
    }

    [Fact]
    public void ExplicitModesBuildTheirCredential()
    {
        Assert.IsType<ManagedIdentityCredential>(Assert.Single(AzureCredentials.ManagedIdentity("client-id")).Create().Credential);
        Assert.Equal(AzureAuthMode.ManagedIdentity, Assert.Single(AzureCredentials.ManagedIdentity(null)).Mode);

        var plain = AzureCredentials.Environment(AzureCloud.Public, _ => null);
        Assert.Equal(new[] { AzureAuthMode.ServicePrincipal }, plain.Select(c => c.Mode));
        var federated = AzureCredentials.Environment(AzureCloud.Public, v => v == "AZURE_FEDERATED_TOKEN_FILE" ? "/var/run/token" : null);
        Assert.Equal(new[] { AzureAuthMode.ServicePrincipal, AzureAuthMode.WorkloadIdentity }, federated.Select(c => c.Mode));
        Assert.IsType<WorkloadIdentityCredential>(federated[1].Create().Credential);

        var token = TestJwt.User(expires: DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));
        var given = Assert.IsType<StaticTokenCredential>(Assert.Single(AzureCredentials.AccessToken(token, DateTimeOffset.UtcNow, AzureCloud.Public.ArmScope)).Create().Credential);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000), given.ExpiresOn);
        Assert.DoesNotContain(token, given.ToString());
    }

    [Fact]
    public void TheFirstCandidateWithATokenWinsAndItsModeIsKept()
    {
        var tried = new List<string>();
        CredentialCandidate Fails(AzureAuthMode mode) => new(mode, mode.ToString(), () =>
        {
            tried.Add(mode.ToString());
            return CredentialCandidate.Availability.Of(new FailingCredential(new CredentialUnavailableException($"{mode} is not signed in.\nMore help.")));
        });
        var winner = new StaticTokenCredential("the-token-value", DateTimeOffset.UtcNow.AddHours(1), AzureCloud.Public.ArmScope);

        var signedIn = CredentialChain.First(
            [Fails(AzureAuthMode.AzureCli), new(AzureAuthMode.AzurePowerShell, "Az", () => CredentialCandidate.Availability.Of(winner)), Fails(AzureAuthMode.InteractiveBrowser)],
            new TokenRequestContext(["https://management.azure.com/.default"]), Wait, "act", default);

        Assert.Equal(AzureAuthMode.AzurePowerShell, signedIn.Mode);
        Assert.Same(winner, signedIn.Credential);
        Assert.Equal(new[] { "AzureCli" }, tried); // the browser was never created
    }

    [Fact]
    public void WhenNothingSignsInTheErrorSaysWhatEachWayAnsweredAndNamesIdentityForRunbooks()
    {
        var candidates = new[]
        {
            new CredentialCandidate(AzureAuthMode.AzureCli, "Azure CLI (az login)", () =>
                CredentialCandidate.Availability.Of(new FailingCredential(new CredentialUnavailableException("Azure CLI not installed\nsee https://aka.ms/x")))),
            new CredentialCandidate(AzureAuthMode.AzurePowerShell, "Az PowerShell session", () => CredentialCandidate.Availability.Unavailable("the Az.Accounts module is not loaded")),
        };

        var ex = Assert.Throws<SeekapaException>(() => CredentialChain.First(candidates,
            new TokenRequestContext(["https://management.azure.com/.default"]), Wait, CredentialChain.NonInteractiveAction, default));

        Assert.Equal("AzureAuthenticationFailed", ex.ErrorId);
        Assert.Equal(FailureCategory.AuthenticationError, ex.Category);
        Assert.Contains("Azure CLI (az login): Azure CLI not installed", ex.Message);
        Assert.Contains("Az PowerShell session: the Az.Accounts module is not loaded", ex.Message);
        Assert.DoesNotContain("aka.ms", ex.Message);
        Assert.Contains("-Identity", ex.RecommendedAction);
    }

    [Fact]
    public async Task ASubscriptionIdIsCheckedWithOneGetAndTheConnectionNamesWhoSignedIn()
    {
        var arm = new FakeArm().On("GET", "/subscriptions/" + FakeArm.Subscription, FakeArm.Json(200, SubscriptionJson));
        var token = TestJwt.User("oncall@seekapa.example", "tenant-from-token");

        var result = await AzureSignIn.CompleteAsync(SignedIn(token), Options(arm, FakeArm.Subscription), default);

        var request = Assert.Single(arm.Requests);
        Assert.Equal("?api-version=2022-12-01", request.Query);
        Assert.Equal("Bearer " + token, request.Authorization);
        var c = result.Connection;
        Assert.Equal(("oncall@seekapa.example", "tenant-from-token", FakeArm.Subscription, "Seekapa Production", AzureAuthMode.AccessToken, "AzureCloud"),
            (c.Account, c.TenantId, c.SubscriptionId, c.SubscriptionName, c.Mode, c.Environment));
        Assert.Same(result.Session, AzureSession.FromConnection(c));
        Assert.Equal(FakeArm.Subscription, result.Session.SubscriptionId);
        Assert.DoesNotContain(token, c.ToString());
    }

    [Fact]
    public async Task WithoutASubscriptionTheOnlyEnabledOneIsTakenAndSeveralAreListedInTheError()
    {
        var one = new FakeArm().On("GET", "/subscriptions", FakeArm.Json(200, $$"""
            {"value":[{{SubscriptionJson}},{"subscriptionId":"22222222-0000-0000-0000-000000000000","displayName":"Old","state":"Disabled"}]}
            """));
        var opaque = await AzureSignIn.CompleteAsync(SignedIn("opaque-token-0123456789"), Options(one, null), default);
        Assert.Equal(FakeArm.Subscription, opaque.Connection.SubscriptionId);
        Assert.Equal("tenant-from-arm", opaque.Connection.TenantId); // no claims: the subscription's tenant
        Assert.Equal("access token", opaque.Connection.Account);

        var two = new FakeArm().On("GET", "/subscriptions", FakeArm.Json(200, $$"""
            {"value":[{{SubscriptionJson}},{"subscriptionId":"33333333-0000-0000-0000-000000000000","displayName":"Staging","state":"Enabled"}]}
            """));
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AzureSignIn.CompleteAsync(SignedIn(TestJwt.User()), Options(two, null), default));
        Assert.Equal("SubscriptionAmbiguous", ex.ErrorId);
        Assert.Contains("Seekapa Production (00000000-0000-0000-0000-00000000cafe)", ex.Message);
        Assert.Contains("Staging (33333333-0000-0000-0000-000000000000)", ex.Message);
    }

    [Fact]
    public async Task ASubscriptionIsFoundByNameAndAnUnknownOneIsSubscriptionNotFound()
    {
        var arm = new FakeArm()
            .On("GET", "/subscriptions", FakeArm.Json(200, $$"""{"value":[{{SubscriptionJson}}]}"""))
            .On("GET", "/subscriptions/44444444-0000-0000-0000-000000000000", FakeArm.Error(404, "SubscriptionNotFound", "The subscription '44444444-0000-0000-0000-000000000000' could not be found."));

        var byName = await AzureSignIn.CompleteAsync(SignedIn(TestJwt.User()), Options(arm, "seekapa production"), default);
        Assert.Equal(FakeArm.Subscription, byName.Session.SubscriptionId);

        var unknownName = await Assert.ThrowsAsync<SeekapaException>(() => AzureSignIn.CompleteAsync(SignedIn(TestJwt.User()), Options(arm, "Nope"), default));
        Assert.Equal("SubscriptionNotFound", unknownName.ErrorId);
        Assert.Contains("Visible: Seekapa Production", unknownName.Message);

        var unknownId = await Assert.ThrowsAsync<SeekapaException>(() =>
            AzureSignIn.CompleteAsync(SignedIn(TestJwt.User()), Options(arm, "44444444-0000-0000-0000-000000000000"), default));
        Assert.Equal("SubscriptionNotFound", unknownId.ErrorId);
        Assert.Contains("could not be found", unknownId.Message);
    }

    private static SignedInCredential SignedIn(string token) =>
        new(AzureAuthMode.AccessToken, new StaticTokenCredential(token, DateTimeOffset.UtcNow.AddHours(1), AzureCloud.Public.ArmScope), new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)));

    private static AzureSignInOptions Options(FakeArm arm, string? subscription) =>
        new(AzureCloud.Public, new AzureApiVersions(), null, subscription, options =>
        {
            options.Transport = new global::Azure.Core.Pipeline.HttpClientTransport(new HttpClient(arm, disposeHandler: false));
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        });

    private sealed class FailingCredential(Exception failure) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw failure;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromException<AccessToken>(failure);
    }
}
