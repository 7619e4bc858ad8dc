using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Seekapa.Ops.Sandbox.Arm;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The sandbox's fake flexible-server provider, called directly with a DefaultHttpContext (no server started).</summary>
public sealed class ArmFlexibleServerRoutesTests
{
    private const string Subscription = "11111111-2222-3333-4444-555555555555";
    private const string Group = "seekapa-rg";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Servers = $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.DBforPostgreSQL/flexibleServers";
    private static readonly string Locations = $"/subscriptions/{Subscription}/providers/Microsoft.DBforPostgreSQL/locations/eastus";

    private readonly Clock _clock = new(Start);
    private readonly ArmWorld _world;
    private readonly FlexibleServerRoutes _routes;

    public ArmFlexibleServerRoutesTests()
    {
        _world = new ArmWorld(Subscription, Group, _clock, () => new Uri("https://127.0.0.1:40123/"));
        _routes = new FlexibleServerRoutes(_world);
    }

    private sealed record Answer(bool Handled, int Status, JsonNode? Body, IHeaderDictionary Headers)
    {
        public string Header(string name) => Headers[name].ToString();
    }

    private async Task<Answer> Send(string method, string pathAndQuery, string? body = null)
    {
        var uri = new Uri(new Uri("https://127.0.0.1:40123"), pathAndQuery);
        var query = new Dictionary<string, StringValues>(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query))
        {
            ["api-version"] = "2024-08-01",
        };

        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        var request = new ArmRequest(method, uri.AbsolutePath, new QueryCollection(query), body is null ? null : JsonNode.Parse(body), _world);
        var handled = await _routes.TryHandleAsync(context, request);
        var text = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        return new Answer(handled, context.Response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), context.Response.Headers);
    }

    /// <summary>Polls an operation URL the sandbox handed out (absolute, on the sandbox's own address).</summary>
    private Task<Answer> Poll(string url) => Send("GET", new Uri(url).PathAndQuery);

    private static string RestoreBody(DateTimeOffset pointInTime, string location = "eastus") => new JsonObject
    {
        ["location"] = location,
        ["properties"] = new JsonObject
        {
            ["createMode"] = "PointInTimeRestore",
            ["sourceServerResourceId"] = Servers + "/seekapa-postgres",
            ["pointInTimeUTC"] = pointInTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["network"] = new JsonObject { ["publicNetworkAccess"] = "Disabled", ["delegatedSubnetResourceId"] = "/subnet/x" },
        },
    }.ToJsonString();

    [Fact]
    public async Task TheSeededServerIsReadyInEastUsWithASevenDayWindowThatSlidesWithTheClock()
    {
        var server = await Send("GET", Servers + "/seekapa-postgres");

        Assert.Equal(200, server.Status);
        Assert.Equal(("seekapa-postgres", "eastus", "Microsoft.DBforPostgreSQL/flexibleServers"),
            ((string?)server.Body!["name"], (string?)server.Body["location"], (string?)server.Body["type"]));
        Assert.Equal("Ready", (string?)server.Body["properties"]!["state"]);
        Assert.Equal("seekapa-postgres.postgres.database.azure.com", (string?)server.Body["properties"]!["fullyQualifiedDomainName"]);
        Assert.Equal("2025-02-22T12:00:00Z", (string?)server.Body["properties"]!["backup"]!["earliestRestoreDate"]);
        Assert.Equal("Disabled", (string?)server.Body["properties"]!["network"]!["publicNetworkAccess"]);

        _clock.Advance(TimeSpan.FromDays(1));
        var later = await Send("GET", Servers + "/seekapa-postgres");
        Assert.Equal("2025-02-23T12:00:00Z", (string?)later.Body!["properties"]!["backup"]!["earliestRestoreDate"]);
    }

    [Fact]
    public async Task TheListHoldsServersOnly()
    {
        var list = await Send("GET", Servers);

        Assert.Equal(200, list.Status);
        Assert.Equal(["seekapa-postgres"], list.Body!["value"]!.AsArray().Select(s => (string?)s!["name"]));
    }

    [Fact]
    public async Task NameAvailabilityKnowsTakenFreeAndInvalidNames()
    {
        static string Body(string name) => $$"""{"name":"{{name}}","type":"Microsoft.DBforPostgreSQL/flexibleServers"}""";

        var taken = await Send("POST", Locations + "/checkNameAvailability", Body("seekapa-postgres"));
        var free = await Send("POST", Locations + "/checkNameAvailability", Body("seekapa-postgres-restored"));
        var invalid = await Send("POST", Locations + "/checkNameAvailability", Body("Bad_Name"));

        Assert.Equal((false, "AlreadyExists"), ((bool)taken.Body!["nameAvailable"]!, (string?)taken.Body["reason"]));
        Assert.True((bool)free.Body!["nameAvailable"]!);
        Assert.Equal((false, "Invalid"), ((bool)invalid.Body!["nameAvailable"]!, (string?)invalid.Body["reason"]));
    }

    [Fact]
    public async Task ARestoreIsAnOperationThatEndsWithTheNewServerReadyInTheSourcesNetwork()
    {
        var put = await Send("PUT", Servers + "/seekapa-postgres-restored", RestoreBody(Start.AddHours(-2)));

        Assert.Equal(201, put.Status);
        Assert.Equal("1", put.Header("Retry-After"));
        var operation = put.Header("Azure-AsyncOperation");
        Assert.StartsWith("https://127.0.0.1:40123/subscriptions/" + Subscription + "/providers/Microsoft.DBforPostgreSQL/locations/eastus/azureAsyncOperation/",
            operation, StringComparison.Ordinal);
        Assert.Equal("Provisioning", (string?)put.Body!["properties"]!["state"]);
        Assert.Equal("Provisioning", (string?)(await Send("GET", Servers + "/seekapa-postgres-restored")).Body!["properties"]!["state"]);

        var first = await Poll(operation);
        var second = await Poll(operation);

        Assert.Equal("InProgress", (string?)first.Body!["status"]);
        Assert.Equal("Succeeded", (string?)second.Body!["status"]);
        var restored = (await Send("GET", Servers + "/seekapa-postgres-restored")).Body!;
        Assert.Equal("Ready", (string?)restored["properties"]!["state"]);
        Assert.Equal("seekapa-postgres-restored.postgres.database.azure.com", (string?)restored["properties"]!["fullyQualifiedDomainName"]);
        Assert.Equal("/subnet/x", (string?)restored["properties"]!["network"]!["delegatedSubnetResourceId"]);
        Assert.Equal("eastus", (string?)restored["location"]);
        Assert.Equal(200, (await Send("GET", Servers + "/seekapa-postgres-restored/configurations/max_connections")).Status);
        var taken = await Send("POST", Locations + "/checkNameAvailability",
            """{"name":"seekapa-postgres-restored","type":"Microsoft.DBforPostgreSQL/flexibleServers"}""");
        Assert.False((bool)taken.Body!["nameAvailable"]!);
    }

    [Theory]
    [InlineData(-8 * 24)] // before the earliest restore date
    [InlineData(1)] // in the future
    public async Task ARestorePointOutsideTheWindowIsAnArmShaped400AndCreatesNothing(int hoursFromNow)
    {
        var put = await Send("PUT", Servers + "/seekapa-postgres-restored", RestoreBody(Start.AddHours(hoursFromNow)));

        Assert.Equal(400, put.Status);
        Assert.Equal("InvalidRestorePointInTime", (string?)put.Body!["error"]!["code"]);
        Assert.Contains("2025-02-22T12:00:00Z", (string?)put.Body["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(404, (await Send("GET", Servers + "/seekapa-postgres-restored")).Status);
    }

    [Fact]
    public async Task ARestoreIntoATakenNameOrAnotherRegionIsRefused()
    {
        var taken = await Send("PUT", Servers + "/seekapa-postgres", RestoreBody(Start.AddHours(-2)));
        var region = await Send("PUT", Servers + "/seekapa-postgres-westus", RestoreBody(Start.AddHours(-2), "westus"));

        Assert.Equal((409, "ServerNameAlreadyExists"), (taken.Status, (string?)taken.Body!["error"]!["code"]));
        Assert.Equal((400, "InvalidRestoreLocation"), (region.Status, (string?)region.Body!["error"]!["code"]));
    }

    [Fact]
    public async Task AStaticParameterWaitsForARestartWhichClearsIt()
    {
        var path = Servers + "/seekapa-postgres/configurations/max_connections";
        var before = await Send("GET", path);
        Assert.Equal(("859", "25-5000", "Integer", false), ((string?)before.Body!["properties"]!["value"], (string?)before.Body["properties"]!["allowedValues"],
            (string?)before.Body["properties"]!["dataType"], (bool)before.Body["properties"]!["isDynamicConfig"]!));

        var put = await Send("PUT", path, """{"properties":{"value":"500","source":"user-override"}}""");
        Assert.Equal(202, put.Status);
        Assert.Equal("Succeeded", (string?)(await Poll(put.Header("Azure-AsyncOperation"))).Body!["status"]);
        var pending = (await Send("GET", path)).Body!["properties"]!;
        Assert.Equal(("500", "user-override", true), ((string?)pending["value"], (string?)pending["source"], (bool)pending["isConfigPendingRestart"]!));

        var restart = await Send("POST", Servers + "/seekapa-postgres/restart");
        Assert.Equal(202, restart.Status);
        Assert.Equal("Restarting", (string?)(await Send("GET", Servers + "/seekapa-postgres")).Body!["properties"]!["state"]);
        Assert.Equal(200, (await Poll(restart.Header("Location"))).Status);
        Assert.False((bool)(await Send("GET", path)).Body!["properties"]!["isConfigPendingRestart"]!);
        Assert.Equal("Ready", (string?)(await Send("GET", Servers + "/seekapa-postgres")).Body!["properties"]!["state"]);
    }

    [Fact]
    public async Task ADynamicParameterAppliesWithoutARestart()
    {
        var path = Servers + "/seekapa-postgres/configurations/work_mem";

        var put = await Send("PUT", path, """{"properties":{"value":"16384","source":"user-override"}}""");
        await Poll(put.Header("Azure-AsyncOperation"));

        var after = (await Send("GET", path)).Body!["properties"]!;
        Assert.Equal(("16384", false), ((string?)after["value"], (bool)after["isConfigPendingRestart"]!));
    }

    [Theory]
    [InlineData("max_connections", "10", "InvalidParameterValue")]
    [InlineData("server_version", "17", "ReadOnlyParameter")]
    public async Task ABadParameterValueIsA400AndChangesNothing(string name, string value, string code)
    {
        var path = Servers + "/seekapa-postgres/configurations/" + name;
        var before = (await Send("GET", path)).Body!.ToJsonString();

        var put = await Send("PUT", path, new JsonObject
        {
            ["properties"] = new JsonObject { ["value"] = value, ["source"] = "user-override" },
        }.ToJsonString());

        Assert.Equal((400, code), (put.Status, (string?)put.Body!["error"]!["code"]));
        Assert.Equal(before, (await Send("GET", path)).Body!.ToJsonString());
    }

    [Fact]
    public async Task UnknownServersAndParametersAreArmShaped404s()
    {
        var server = await Send("GET", Servers + "/nope");
        var parameter = await Send("GET", Servers + "/seekapa-postgres/configurations/nope");
        var restart = await Send("POST", Servers + "/nope/restart");

        Assert.Equal((404, "ResourceNotFound"), (server.Status, (string?)server.Body!["error"]!["code"]));
        Assert.Equal((404, "ConfigurationNotExists"), (parameter.Status, (string?)parameter.Body!["error"]!["code"]));
        Assert.Equal(404, restart.Status);
    }

    [Fact]
    public async Task OtherProvidersRequestsAreLeftToTheNextRoutes()
    {
        var aks = await Send("GET", $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.ContainerService/managedClusters/aks");

        Assert.False(aks.Handled);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
