using System.Text.Json.Nodes;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>Set-SeekapaAzureDatabaseParameter through a runspace over the fake Resource Manager.</summary>
public sealed class DatabaseParameterCmdletTests : IDisposable
{
    private const string RestartLocation = "https://management.azure.com/subscriptions/" + FakeArm.Subscription +
        "/providers/Microsoft.DBforPostgreSQL/locations/eastus/operationResults/restart1?api-version=2024-08-01";

    private static readonly string MaxConnections = FlexibleServerArm.ConfigurationPath("max_connections");
    private static readonly string RestartPath = FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres") + "/restart";

    private readonly AzureCmdletRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    private const string Set = "Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres";

    /// <summary>
    /// max_connections (static): read as 859; the PUT answers 202 + Azure-AsyncOperation; once the operation succeeded the
    /// read shows 500 pending a restart; the restart answers 202 + Location, running for one poll; then nothing is pending.
    /// </summary>
    private static FakeArm StaticParameterScene()
    {
        var updated = false;
        var restarted = false;
        return new FakeArm()
            .On("GET", MaxConnections, _ => FakeArm.Json(200, restarted
                ? FlexibleServerArm.Configuration("max_connections", "500", dynamic: false)
                : updated
                    ? FlexibleServerArm.Configuration("max_connections", "500", dynamic: false, pendingRestart: true)
                    : FlexibleServerArm.Configuration("max_connections", "859", dynamic: false)))
            .On("PUT", MaxConnections, FakeArm.Json(202, "", ("Azure-AsyncOperation", FlexibleServerArm.OperationUrl), ("Retry-After", "0")))
            .On("GET", FlexibleServerArm.OperationPath, _ =>
            {
                updated = true;
                return FlexibleServerArm.Succeeded();
            })
            .On("POST", RestartPath, FakeArm.Json(202, "", ("Location", RestartLocation), ("Retry-After", "0")))
            .On("GET", ".*/operationResults/restart1", _ =>
            {
                var answer = restarted ? FakeArm.Json(200, "") : FakeArm.Json(202, "", ("Retry-After", "0"));
                restarted = true;
                return answer;
            });
    }

    private static AzureDatabaseParameter Single(AzureCmdletRunner.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return Assert.IsType<AzureDatabaseParameter>(Assert.Single(result.Output).BaseObject);
    }

    [Fact]
    public void TheUpdateIsThePutBodyOfTheSpecAndAStaticParameterReportsItsPendingRestart()
    {
        var arm = StaticParameterScene();

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Wait -Confirm:$false");

        var parameter = Single(result);
        Assert.Equal(("max_connections", "859", "500"), (parameter.Name, parameter.OldValue, parameter.Value));
        Assert.Equal((false, true, false), (parameter.IsDynamicConfig, parameter.IsConfigPendingRestart, parameter.Restarted));
        Assert.Equal((ChangeOutcome.Changed, "Succeeded"), (parameter.Outcome, parameter.OperationStatus));
        var put = Assert.Single(arm.Requests, r => r.Method == "PUT");
        Assert.Equal("?api-version=2024-08-01", put.Query);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"properties":{"value":"500","source":"user-override"}}"""), JsonNode.Parse(put.Body!)), put.Body);
        Assert.Contains(result.Warnings, w => w.Contains("-Restart", StringComparison.Ordinal));
        Assert.DoesNotContain(arm.Requests, r => r.Method == "POST");
    }

    [Fact]
    public void WithoutWaitAnAcceptedUpdateReturnsAtOnce()
    {
        var arm = StaticParameterScene();

        var parameter = Single(_runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Confirm:$false"));

        Assert.Equal(("InProgress", "500", true), (parameter.OperationStatus, parameter.Value, parameter.IsConfigPendingRestart));
        Assert.DoesNotContain(arm.Requests, r => r.Path.Contains("azureAsyncOperation", StringComparison.Ordinal));
    }

    [Fact]
    public void RestartRunsTheRestartOperationAndWaitsUntilNothingIsPending()
    {
        var arm = StaticParameterScene();

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Restart -Confirm:$false -Verbose");

        var parameter = Single(result);
        Assert.Equal((true, false, "500"), (parameter.Restarted, parameter.IsConfigPendingRestart, parameter.Value));
        var writes = arm.Writes.Select(w => $"{w.Method} {w.Path}").ToArray();
        Assert.Equal([$"PUT {MaxConnections}", $"POST {RestartPath}"], writes);
        Assert.Equal(2, arm.Requests.Count(r => r.Path.EndsWith("/operationResults/restart1", StringComparison.Ordinal)));
        // The restart was sent only after the update had succeeded.
        var requests = arm.Requests.ToList();
        Assert.True(requests.FindIndex(r => r.Path.Contains("azureAsyncOperation", StringComparison.Ordinal)) <
                    requests.FindIndex(r => r.Method == "POST"));
        Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("Restarting seekapa-postgres", StringComparison.Ordinal));
    }

    [Fact]
    public void ADynamicParameterIsNotRestartedEvenWithRestart()
    {
        var path = FlexibleServerArm.ConfigurationPath("work_mem");
        var arm = new FakeArm()
            .On("GET", path, FakeArm.Json(200, FlexibleServerArm.Configuration("work_mem", "4096", dynamic: true, allowed: "4096-2097151")))
            .On("PUT", path, FakeArm.Json(200, FlexibleServerArm.Configuration("work_mem", "16384", dynamic: true, allowed: "4096-2097151")));

        var parameter = Single(_runner.Run(arm, $"{Set} work_mem 16384 -Restart -Confirm:$false"));

        Assert.Equal(("16384", false, false), (parameter.Value, parameter.Restarted, parameter.IsConfigPendingRestart));
        Assert.DoesNotContain(arm.Requests, r => r.Method == "POST");
    }

    [Fact]
    public void AValueOutsideAllowedValuesIsRefusedBeforeAnyWrite()
    {
        var arm = StaticParameterScene();

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 10 -Restart -Confirm:$false");

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidParameterValue", AzureCmdletRunner.ErrorId(error));
        Assert.Contains("25-5000", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public void AnUnknownParameterIsParameterNotFoundAndNothingIsWritten()
    {
        var arm = StaticParameterScene()
            .On("GET", FlexibleServerArm.ConfigurationPath("max_conections"), FakeArm.Error(404, "ConfigurationNotExists", "no such configuration"))
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"), FakeArm.Json(200, FlexibleServerArm.Server("seekapa-postgres", null)));

        var result = _runner.Run(arm, $"{Set} -Name max_conections -Value 500 -Confirm:$false");

        Assert.Equal("ParameterNotFound", AzureCmdletRunner.ErrorId(Assert.Single(result.Errors)));
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public void WhatIfSendsNoPutAndNoRestart()
    {
        var arm = StaticParameterScene();

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Restart -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public void TheSameValueIsUnchangedAndSendsNothing()
    {
        var arm = StaticParameterScene();

        var parameter = Single(_runner.Run(arm, $"{Set} -Name max_connections -Value 859 -Confirm:$false"));

        Assert.Equal(ChangeOutcome.Unchanged, parameter.Outcome);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public void TheRestartIsConfirmedOnItsOwnUnlessForce()
    {
        // ConfirmImpact Medium: the update alone does not prompt at the default $ConfirmPreference (High), but a restart
        // does; a runspace without a UI cannot answer, so nothing at all may be sent.
        var prompted = StaticParameterScene();
        var forced = StaticParameterScene();

        var refused = _runner.Run(prompted, $"{Set} -Name max_connections -Value 500 -Restart");
        var done = _runner.Run(forced, $"{Set} -Name max_connections -Value 500 -Restart -Force");

        Assert.NotEmpty(refused.Errors);
        Assert.Empty(prompted.Writes);
        Assert.True(Single(done).Restarted);
    }

    [Fact]
    public void AFailedRestartIsRestartFailedAfterReportingTheLandedChange()
    {
        var arm = StaticParameterScene()
            .On("POST", RestartPath, FakeArm.Json(202, "", ("Azure-AsyncOperation", FlexibleServerArm.OperationUrl.Replace("op1", "op2")), ("Retry-After", "0")))
            .On("GET", ".*/azureAsyncOperation/op2", FakeArm.Json(200,
                """{"name":"op2","status":"Failed","error":{"code":"ServerRestartFailed","message":"The server could not be restarted."}}"""));

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Restart -Confirm:$false");

        var error = Assert.Single(result.Errors);
        Assert.Equal("RestartFailed", AzureCmdletRunner.ErrorId(error));
        Assert.Contains("ServerRestartFailed: The server could not be restarted.", error.ToString(), StringComparison.Ordinal);
        var parameter = Assert.IsType<AzureDatabaseParameter>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(("500", true, false), (parameter.Value, parameter.IsConfigPendingRestart, parameter.Restarted));
    }

    [Fact]
    public void TheTokenNeverReachesAnyStream()
    {
        var arm = StaticParameterScene();

        var result = _runner.Run(arm, $"{Set} -Name max_connections -Value 500 -Restart -Confirm:$false -Verbose -Debug");

        Assert.True(Single(result).Restarted);
        Assert.NotEmpty(result.Verbose);
        Assert.All(arm.Requests, r => Assert.Equal("Bearer " + FakeArm.Token, r.Authorization));
        Assert.DoesNotContain(FakeArm.Token, result.AllText(), StringComparison.Ordinal);
    }
}
