using Azure.Core;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class ArmOperationTests
{
    private const string Target = "/subscriptions/" + FakeArm.Subscription +
        "/resourceGroups/rg1/providers/Microsoft.DBforPostgreSQL/flexibleServers/restored";

    private const string OperationUrl = "https://management.azure.com/subscriptions/" + FakeArm.Subscription +
        "/providers/Microsoft.DBforPostgreSQL/locations/eastus/azureAsyncOperation/op1";

    private readonly List<TimeSpan> _delays = new();

    private Task Delay(TimeSpan wait, CancellationToken _)
    {
        _delays.Add(wait);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AsyncOperationIsPolledUntilSucceededHonouringRetryAfter()
    {
        var arm = new FakeArm()
            .On("PUT", Target, FakeArm.Json(201, """{"properties":{"state":"Provisioning"}}""", ("Azure-AsyncOperation", OperationUrl), ("Retry-After", "5")))
            .On("GET", ".*/azureAsyncOperation/op1",
                FakeArm.Json(200, """{"name":"op1","status":"InProgress"}""", ("Retry-After", "7")),
                FakeArm.Json(200, """{"name":"op1","status":"Succeeded"}"""));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Put, Target, null, default);
        var seen = new List<string>();

        var state = await new ArmOperation(session, Delay).WaitAsync(initial, TimeSpan.FromHours(1),
            new SynchronousProgress(s => seen.Add(s.Status)), default);

        Assert.True(state.Succeeded);
        Assert.Equal(2, state.Polls);
        Assert.Equal(new[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7) }, _delays);
        Assert.Equal(new[] { "InProgress", "Succeeded" }, seen);
    }

    [Fact]
    public async Task AFailedOperationCarriesArmsErrorCodeAndMessage()
    {
        var arm = new FakeArm()
            .On("PUT", Target, FakeArm.Json(202, "", ("Azure-AsyncOperation", OperationUrl), ("Retry-After", "0")))
            .On("GET", ".*/azureAsyncOperation/op1", FakeArm.Json(200,
                """{"name":"op1","status":"Failed","error":{"code":"PointInTimeRestoreFailed","message":"The restore point is invalid."}}"""));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Put, Target, null, default);

        var state = await new ArmOperation(session, Delay).WaitAsync(initial, TimeSpan.FromHours(1), null, default);

        Assert.Equal("Failed", state.Status);
        Assert.Equal(("PointInTimeRestoreFailed", "The restore point is invalid."), (state.ErrorCode, state.ErrorMessage));
    }

    [Fact]
    public async Task LocationPollingTreats202AsRunningAnd200AsDone()
    {
        var arm = new FakeArm()
            .On("POST", Target + "/restart", FakeArm.Json(202, "", ("Location", "https://management.azure.com/operationResults/r1")))
            .On("GET", "/operationResults/r1", FakeArm.Json(202, ""), FakeArm.Json(202, ""), FakeArm.Json(200, ""));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Post, Target + "/restart", null, default);

        var state = await new ArmOperation(session, Delay).WaitAsync(initial, TimeSpan.FromHours(1), null, default);

        Assert.True(state.Succeeded);
        Assert.Equal(3, state.Polls);
        Assert.Equal(new[] { 1, 1, 1 }.Select(s => TimeSpan.FromSeconds(s)), _delays); // the SDK's default schedule
    }

    [Fact]
    public async Task ATimeoutReturnsTheLastInProgressStateWithoutThrowing()
    {
        var time = new ManualTime();
        var arm = new FakeArm()
            .On("PUT", Target, FakeArm.Json(201, "{}", ("Azure-AsyncOperation", OperationUrl), ("Retry-After", "10")))
            .On("GET", ".*/azureAsyncOperation/op1", FakeArm.Json(200, """{"status":"InProgress"}""", ("Retry-After", "10")));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Put, Target, null, default);

        var state = await new ArmOperation(session, (wait, _) => { time.Advance(wait); return Task.CompletedTask; }, time)
            .WaitAsync(initial, TimeSpan.FromSeconds(35), null, default);

        Assert.Equal("InProgress", state.Status);
        Assert.False(state.IsTerminal);
        Assert.Equal(3, state.Polls);
        Assert.Equal(TimeSpan.FromSeconds(35), state.Elapsed);
    }

    [Fact]
    public async Task APollingFailureIsAnAzureError()
    {
        var arm = new FakeArm()
            .On("PUT", Target, FakeArm.Json(201, "{}", ("Azure-AsyncOperation", OperationUrl), ("Retry-After", "0")))
            .On("GET", ".*/azureAsyncOperation/op1", FakeArm.Error(403, "AuthorizationFailed", "no read on operations"));
        var session = arm.Session();
        var initial = await session.SendAsync(RequestMethod.Put, Target, null, default);

        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new ArmOperation(session, Delay).WaitAsync(initial, TimeSpan.FromHours(1), null, default));

        Assert.Equal("AzureAuthorizationFailed", ex.ErrorId);
    }

    [Fact]
    public void A200WithoutPollingHeadersIsDoneAtOnce()
    {
        var state = ArmOperation.Initial(new ArmResponse(200, null, new Dictionary<string, string>()));
        Assert.True(state.Succeeded);
    }

    private sealed class SynchronousProgress(Action<ArmOperationState> report) : IProgress<ArmOperationState>
    {
        public void Report(ArmOperationState value) => report(value);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}
