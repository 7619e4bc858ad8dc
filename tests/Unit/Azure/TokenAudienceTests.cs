using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>Review findings 9 and 19: a token goes only where it is meant to; an operation URL is followed only on Resource Manager.</summary>
public sealed class TokenAudienceTests
{
    private const string Target = "/subscriptions/" + FakeArm.Subscription +
        "/resourceGroups/rg1/providers/Microsoft.DBforPostgreSQL/flexibleServers/restored";

    [Fact]
    public void AGivenTokenIsHandedOutOnlyForItsOwnScope()
    {
        var credential = AzureCredentials.Given("arm-token", DateTimeOffset.UtcNow, AzureCloud.Public.ArmScope, "-AccessToken");

        Assert.Equal("arm-token", credential.GetToken(new TokenRequestContext(["https://management.azure.com/.default"]), default).Token);
        Assert.Equal("arm-token", credential.GetToken(new TokenRequestContext(["https://management.azure.com//.default"]), default).Token);
        var ex = Assert.Throws<CredentialUnavailableException>(() =>
            credential.GetToken(new TokenRequestContext(["6dae42f8-4368-4678-94ff-3960e28e3630/.default"]), default));
        Assert.DoesNotContain("arm-token", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/subscriptions/x/operations/op1")]
    [InlineData("http://management.azure.com/subscriptions/x/operations/op1")]
    [InlineData("https://attacker.example/steal")]
    public async Task AnOperationUrlThatIsRelativeHttpOrElsewhereIsAzureOperationUrlInvalidAndNotPolled(string url)
    {
        var arm = new FakeArm().On("PUT", Target, FakeArm.Json(202, "", ("Azure-AsyncOperation", url), ("Retry-After", "0")));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Put, Target, null, default);
        var delays = 0;

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new ArmOperation(session, (_, _) =>
        {
            delays++;
            return Task.CompletedTask;
        }).WaitAsync(initial, TimeSpan.FromHours(1), null, default));

        Assert.Equal(("AzureOperationUrlInvalid", FailureCategory.ProtocolError), (ex.ErrorId, ex.Category));
        Assert.Single(arm.Requests); // the PUT only
        Assert.Equal(0, delays);
    }

    [Fact]
    public async Task ALocationWithoutAUrlIsAzureOperationUrlInvalidToo()
    {
        var arm = new FakeArm().On("POST", Target + "/restart", FakeArm.Json(202, ""));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Post, Target + "/restart", null, default);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => new ArmOperation(session, (_, _) => Task.CompletedTask)
            .WaitAsync(initial, TimeSpan.FromHours(1), null, default));

        Assert.Equal("AzureOperationUrlInvalid", ex.ErrorId);
    }
}
