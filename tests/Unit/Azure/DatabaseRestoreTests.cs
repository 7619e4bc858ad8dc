using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>DatabaseRestorer against the fake Resource Manager: validation before any write, the PUT body, and the operation.</summary>
public sealed class DatabaseRestoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 8, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earliest = Now.AddDays(-7);
    private const string Target = "seekapa-postgres-restored";

    private readonly FlexibleServerClock _clock = new(Now);
    private readonly List<TimeSpan> _delays = new();

    private DatabaseRestorer Restorer(FakeArm arm) => new(arm.Session(), _clock, (wait, _) =>
    {
        _delays.Add(wait);
        _clock.Advance(wait);
        return Task.CompletedTask;
    });

    private static RestoreRequest Request(DateTimeOffset pointInTime, string target = Target, string? targetGroup = null) =>
        new("seekapa-rg", "seekapa-postgres", pointInTime, target, targetGroup);

    private static void AssertNoWrite(FakeArm arm) =>
        Assert.DoesNotContain(arm.Requests, r => r.Method is "PUT" or "PATCH" or "DELETE");

    [Fact]
    public async Task ThePutBodyCarriesTheSourcesRegionAndNetworkAndTheTimeInUtc()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest);
        var restorer = Restorer(arm);
        var local = new DateTimeOffset(2025, 1, 7, 15, 30, 0, TimeSpan.FromHours(2)); // 13:30 UTC

        var plan = await restorer.PlanAsync(Request(local), default);
        await restorer.StartAsync(plan, default);

        var put = Assert.Single(arm.Requests, r => r.Method == "PUT");
        Assert.Equal(FlexibleServerArm.ServerPath("seekapa-rg", Target), put.Path);
        Assert.Equal("?api-version=2024-08-01", put.Query);
        var source = JsonNode.Parse(FlexibleServerArm.Server("seekapa-postgres", Earliest, privateAccess: true))!;
        var expected = new JsonObject
        {
            ["location"] = "eastus",
            ["properties"] = new JsonObject
            {
                ["createMode"] = "PointInTimeRestore",
                ["sourceServerResourceId"] = FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"),
                ["pointInTimeUTC"] = "2025-01-07T13:30:00Z",
                ["network"] = source["properties"]!["network"]!.DeepClone(),
            },
        };
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(put.Body!)), put.Body);
        Assert.Equal(["GET", "GET", "POST", "PUT"], arm.Requests.Select(r => r.Method));
        var check = Assert.Single(arm.Requests, r => r.Method == "POST");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"name":"{{Target}}","type":"Microsoft.DBforPostgreSQL/flexibleServers"}"""),
            JsonNode.Parse(check.Body!)));
        Assert.Contains("private access", plan.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublicSourceGivesAPublicTarget()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest, privateAccess: false);
        var restorer = Restorer(arm);

        await restorer.StartAsync(await restorer.PlanAsync(Request(Now.AddHours(-1)), default), default);

        var body = JsonNode.Parse(Assert.Single(arm.Requests, r => r.Method == "PUT").Body!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"publicNetworkAccess":"Enabled"}"""), body["properties"]!["network"]));
    }

    [Theory]
    [InlineData(-8 * 24 * 60)] // a day before the earliest restore point
    [InlineData(5)] // five minutes in the future
    public async Task ATimeOutsideTheWindowIsRefusedWithTheWindowAndSendsNoWrite(int minutesFromNow)
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddMinutes(minutesFromNow)), default));

        Assert.Equal("RestorePointOutsideWindow", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.Contains("from 2025-01-01T10:00:00Z to now (2025-01-08T10:00:00Z)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["GET"], arm.Requests.Select(r => r.Method));
    }

    [Fact]
    public void TheWindowIncludesBothEnds()
    {
        var source = new AzureDatabaseServer { Name = "s", EarliestRestoreDate = Earliest };

        DatabaseRestorer.CheckWindow(source, Earliest, Now);
        DatabaseRestorer.CheckWindow(source, Now, Now);
        Assert.Throws<SeekapaException>(() => DatabaseRestorer.CheckWindow(source, Earliest.AddSeconds(-1), Now));
        Assert.Throws<SeekapaException>(() => DatabaseRestorer.CheckWindow(source, Now.AddSeconds(1), Now));
    }

    [Fact]
    public async Task AMissingSourceIsSourceServerNotFound()
    {
        var arm = new FakeArm().On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"), FlexibleServerArm.NotFound("seekapa-postgres"));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddHours(-1)), default));

        Assert.Equal("SourceServerNotFound", ex.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, ex.Category);
        Assert.Single(arm.Requests);
    }

    [Fact]
    public async Task AnExistingTargetIsTargetServerExistsAndNothingIsWritten()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest)
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", Target), FakeArm.Json(200, FlexibleServerArm.Server(Target, Earliest)));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddHours(-1)), default));

        Assert.Equal("TargetServerExists", ex.ErrorId);
        Assert.Contains("already exists in resource group 'seekapa-rg'", ex.Message, StringComparison.Ordinal);
        AssertNoWrite(arm);
    }

    [Fact]
    public async Task ANameTakenElsewhereInAzureIsTargetServerExistsAndOnlyTheNameCheckIsPosted()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest).On("POST", FlexibleServerArm.CheckNamePath,
            FakeArm.Json(200, """{"nameAvailable":false,"reason":"AlreadyExists","message":"Specified server name is already used."}"""));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddHours(-1)), default));

        Assert.Equal("TargetServerExists", ex.ErrorId);
        Assert.Contains("AlreadyExists", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Specified server name is already used", ex.Message, StringComparison.Ordinal);
        AssertNoWrite(arm);
        Assert.EndsWith("/checkNameAvailability", Assert.Single(arm.Requests, r => r.Method == "POST").Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingTargetResourceGroupIsReportedBeforeAnyWrite()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest).On("GET", FlexibleServerArm.ServerPath("dr-rg", Target),
            FakeArm.Error(404, "ResourceGroupNotFound", "Resource group 'dr-rg' could not be found."));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddHours(-1), targetGroup: "dr-rg"), default));

        Assert.Equal("ResourceGroupNotFound", ex.ErrorId);
        AssertNoWrite(arm);
    }

    [Theory]
    [InlineData("Seekapa-Restored")]
    [InlineData("ab")]
    [InlineData("-restored")]
    [InlineData("restored/../../x")]
    public async Task AnInvalidTargetNameIsRefusedBeforeAnyCall(string target)
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Restorer(arm).PlanAsync(Request(Now.AddHours(-1), target), default));

        Assert.Equal("InvalidServerName", ex.ErrorId);
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public async Task WaitingPollsTheOperationThroughThrottlingToSucceededThenReadsTheNewServer()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest).On("GET", FlexibleServerArm.OperationPath,
            FlexibleServerArm.InProgress(),
            FakeArm.Error(429, "TooManyRequests", "Slow down", ("Retry-After", "0")),
            FakeArm.Json(200, """{"name":"op1","status":"InProgress"}""", ("Retry-After", "3")),
            FlexibleServerArm.Succeeded());
        arm.On("GET", FlexibleServerArm.ServerPath("seekapa-rg", Target),
            FlexibleServerArm.NotFound(Target), FakeArm.Json(200, FlexibleServerArm.Server(Target, Earliest)));
        var restorer = Restorer(arm);
        var plan = await restorer.PlanAsync(Request(Now.AddHours(-1)), default);
        var started = await restorer.StartAsync(plan, default);
        var messages = new List<string>();

        var restored = await restorer.WaitAsync(plan, started, TimeSpan.FromHours(1), new SyncProgress(messages.Add), default);

        Assert.Equal("InProgress", started.Result.OperationStatus);
        Assert.Equal(("Succeeded", "Ready"), (restored.OperationStatus, restored.State));
        Assert.Equal(Target + ".postgres.database.azure.com", restored.FullyQualifiedDomainName);
        Assert.Equal(("seekapa-postgres", new DateTimeOffset(2025, 1, 8, 9, 0, 0, TimeSpan.Zero)), (restored.RestoredFrom, restored.PointInTime));
        Assert.Equal(TimeSpan.FromSeconds(3), restored.Duration); // Retry-After 0, 0, 3, as the operation asked
        Assert.Equal(4, arm.Requests.Count(r => r.Path.Contains("azureAsyncOperation", StringComparison.Ordinal)));
        Assert.Equal(3, messages.Count);
        Assert.StartsWith(Target + ": Succeeded", messages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedOperationIsRestoreFailedWithArmsCodeAndMessage()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest)
            .On("PUT", FlexibleServerArm.ServerPath("seekapa-rg", Target),
                FakeArm.Json(202, "", ("Azure-AsyncOperation", FlexibleServerArm.OperationUrl), ("Retry-After", "0")))
            .On("GET", FlexibleServerArm.OperationPath, FlexibleServerArm.InProgress(), FakeArm.Json(200,
                """{"name":"op1","status":"Failed","error":{"code":"InternalServerError","message":"The restore could not read the backup."}}"""));
        var restorer = Restorer(arm);
        var plan = await restorer.PlanAsync(Request(Now.AddHours(-1)), default);
        var started = await restorer.StartAsync(plan, default);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => restorer.WaitAsync(plan, started, TimeSpan.FromHours(1), null, default));

        Assert.Equal("RestoreFailed", ex.ErrorId);
        Assert.Contains("InternalServerError: The restore could not read the backup.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(plan.TargetResourceId, ex.Target);
    }

    [Fact]
    public async Task ARefusedPutIsRestoreFailedWithArmsCodeAndMessage()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest).On("PUT", FlexibleServerArm.ServerPath("seekapa-rg", Target),
            FakeArm.Error(400, "InvalidRestorePointInTime", "The point in time is outside the restore window."));
        var restorer = Restorer(arm);
        var plan = await restorer.PlanAsync(Request(Now.AddHours(-1)), default);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => restorer.StartAsync(plan, default));

        Assert.Equal("RestoreFailed", ex.ErrorId);
        Assert.Contains("InvalidRestorePointInTime: The point in time is outside the restore window.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StillRunningAtTheTimeoutIsRestoreTimedOutSayingHowToCheck()
    {
        var arm = FlexibleServerArm.RestoreScene(Earliest).On("GET", FlexibleServerArm.OperationPath,
            FakeArm.Json(200, """{"name":"op1","status":"InProgress"}""", ("Retry-After", "60")));
        var restorer = Restorer(arm);
        var plan = await restorer.PlanAsync(Request(Now.AddHours(-1)), default);
        var started = await restorer.StartAsync(plan, default);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => restorer.WaitAsync(plan, started, TimeSpan.FromMinutes(5), null, default));

        Assert.Equal("RestoreTimedOut", ex.ErrorId);
        Assert.Equal(FailureCategory.OperationTimeout, ex.Category);
        Assert.Contains($"Get-SeekapaAzureDatabaseServer -ResourceGroupName seekapa-rg -Name {Target}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("still running after 00:05:00", ex.Message, StringComparison.Ordinal);
        // Nothing is cancelled or deleted: the only write is the one PUT.
        Assert.Single(arm.Requests, r => r.Method is "PUT" or "PATCH" or "DELETE");
    }

    [Theory]
    [InlineData("2025-01-02T10:00:00Z", "2025-01-02T10:00:00Z")]
    [InlineData("2025-01-02T12:00:00.25+02:00", "2025-01-02T10:00:00.25Z")]
    public void PointInTimeIsWrittenInUtcWithZ(string given, string expected) =>
        Assert.Equal(expected, RestorePlan.FormatUtc(DateTimeOffset.Parse(given, System.Globalization.CultureInfo.InvariantCulture)));

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

/// <summary>A clock the tests move: both the wall clock and the timestamps ArmOperation measures elapsed time with.</summary>
internal sealed class FlexibleServerClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
