using System.Text.Json.Nodes;
using Azure.Core;
using Azure.ResourceManager.Resources;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class AzureSessionTests
{
    private const string ServerPath = "/subscriptions/" + FakeArm.Subscription +
        "/resourceGroups/rg1/providers/Microsoft.DBforPostgreSQL/flexibleServers/src";

    [Fact]
    public async Task RawRequestCarriesTheBearerTokenAndAnswersJson()
    {
        var arm = new FakeArm().On("GET", ServerPath, FakeArm.Json(200, """{"name":"src","properties":{"state":"Ready"}}"""));
        var session = arm.Session();

        var response = await session.SendAsync(RequestMethod.Get, ServerPath + "?api-version=" + session.ApiVersions.FlexibleServers, null, default);

        Assert.Equal("Ready", response.Body!["properties"]!["state"]!.GetValue<string>());
        var request = Assert.Single(arm.Requests);
        Assert.Equal("Bearer " + FakeArm.Token, request.Authorization);
        Assert.Equal("?api-version=2024-08-01", request.Query);
        Assert.Equal("management.azure.com", request.Uri.Host);
    }

    [Fact]
    public async Task NotFoundBecomesAzureResourceNotFoundWithArmsCode()
    {
        var arm = new FakeArm().On("GET", ServerPath, FakeArm.Error(404, "ResourceNotFound", "The Resource 'src' was not found."));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => arm.Session().SendAsync(RequestMethod.Get, ServerPath, null, default));

        Assert.Equal("AzureResourceNotFound", ex.ErrorId);
        var inner = Assert.IsType<ArmRequestException>(ex.InnerException);
        Assert.Equal(("ResourceNotFound", 404), (inner.Code, inner.Status));
        Assert.Contains("was not found", ex.Message);
        Assert.Single(arm.Requests); // 404 is not retried
    }

    [Fact]
    public async Task ThrottlingIsRetriedAfterRetryAfterThenSucceeds()
    {
        var arm = new FakeArm().On("GET", ServerPath,
            FakeArm.Error(429, "TooManyRequests", "Slow down", ("Retry-After", "0")),
            FakeArm.Json(200, """{"name":"src"}"""));

        var response = await arm.Session().SendAsync(RequestMethod.Get, ServerPath, null, default);

        Assert.Equal(200, response.Status);
        Assert.Equal(2, arm.Requests.Count);
    }

    [Fact]
    public async Task ServerErrorsExhaustTheRetriesThenFailClearly()
    {
        var arm = new FakeArm().On("GET", ServerPath, FakeArm.Error(500, "InternalServerError", "boom"));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => arm.Session().SendAsync(RequestMethod.Get, ServerPath, null, default));

        Assert.Equal("AzureRequestFailed", ex.ErrorId);
        Assert.Equal(4, arm.Requests.Count); // the first try and Azure.Core's three retries
    }

    [Fact]
    public async Task GenericResourcesUseThePinnedApiVersionWithoutAskingTheProvider()
    {
        var arm = new FakeArm().On("GET", ServerPath, FakeArm.Json(200,
            """{"id":"SERVER","name":"src","type":"Microsoft.DBforPostgreSQL/flexibleServers","location":"eastus","properties":{"state":"Ready"}}"""
                .Replace("SERVER", ServerPath)));
        var session = arm.Session();

        GenericResource resource = await session.Arm.GetGenericResource(new ResourceIdentifier(ServerPath)).GetAsync();

        Assert.Equal("src", resource.Data.Name);
        Assert.Equal("?api-version=2024-08-01", Assert.Single(arm.Requests).Query); // no /providers lookup first
    }

    [Fact]
    public async Task AnOverriddenApiVersionIsUsed()
    {
        var arm = new FakeArm().On("GET", ServerPath, FakeArm.Json(200,
            """{"id":"SERVER","name":"src","type":"Microsoft.DBforPostgreSQL/flexibleServers","location":"eastus"}""".Replace("SERVER", ServerPath)));
        var versions = new AzureApiVersions(new Dictionary<string, string> { [AzureApiVersions.FlexibleServersType] = "2025-01-01-preview" });

        await arm.Session(versions).Arm.GetGenericResource(new ResourceIdentifier(ServerPath)).GetAsync();

        Assert.Equal("?api-version=2025-01-01-preview", Assert.Single(arm.Requests).Query);
    }

    [Theory]
    [InlineData("2024-13")]
    [InlineData("latest")]
    [InlineData("2024-08-01'; drop")]
    public void MalformedApiVersionsAreRefused(string version)
    {
        var ex = Assert.Throws<SeekapaException>(() => new AzureApiVersions(new Dictionary<string, string> { ["x/y"] = version }));
        Assert.Equal("ApiVersionInvalid", ex.ErrorId);
    }

    [Theory]
    [InlineData(null, null, "https://management.azure.com/", "https://management.azure.com/.default")]
    [InlineData("AzureChinaCloud", null, "https://management.chinacloudapi.cn/", "https://management.chinacloudapi.cn/.default")]
    [InlineData("azureusgovernment", null, "https://management.usgovcloudapi.net/", "https://management.usgovcloudapi.net/.default")]
    [InlineData(null, "https://127.0.0.1:8443/arm", "https://127.0.0.1:8443/arm/", "https://127.0.0.1:8443/arm/.default")]
    public void CloudsResolveToTheirEndpointAndScope(string? environment, string? url, string expectedUrl, string expectedScope)
    {
        var cloud = AzureCloud.Resolve(environment, url is null ? null : new Uri(url));

        Assert.Equal(expectedUrl, cloud.ResourceManagerUrl.ToString());
        Assert.Equal(expectedScope, cloud.ArmScope);
    }

    [Theory]
    [InlineData("AzureGermanCloud", null, "AzureEnvironmentUnknown")]
    [InlineData(null, "http://127.0.0.1:8080/", "AzureEndpointInvalid")]
    public void UnknownCloudsAndPlainHttpAreRefused(string? environment, string? url, string errorId)
    {
        var ex = Assert.Throws<SeekapaException>(() => AzureCloud.Resolve(environment, url is null ? null : new Uri(url)));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public async Task EmptyPostsStillSendABody()
    {
        var arm = new FakeArm().On("POST", ServerPath + "/restart", FakeArm.Json(200, "{}"));

        await arm.Session().SendAsync(RequestMethod.Post, ServerPath + "/restart", null, default);

        Assert.Equal("0", Assert.Single(arm.Requests).Headers["Content-Length"]);
    }

    [Fact]
    public async Task JsonBodiesAreSentAsJson()
    {
        var arm = new FakeArm().On("PUT", ServerPath, FakeArm.Json(200, "{}"));

        await arm.Session().SendAsync(RequestMethod.Put, ServerPath, new JsonObject { ["location"] = "eastus" }, default);

        var request = Assert.Single(arm.Requests);
        Assert.Equal("""{"location":"eastus"}""", request.Body);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
    }
}
