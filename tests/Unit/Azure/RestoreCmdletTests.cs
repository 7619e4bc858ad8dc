using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using Seekapa.Ops.Tests.Cmdlets;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>Restore-SeekapaDatabase through a runspace over the fake Resource Manager (real clock: the window is relative to now).</summary>
public sealed class RestoreCmdletTests : IDisposable
{
    private const string Target = "seekapa-postgres-restored";
    private readonly AzureCmdletRunner _runner = new();
    private readonly DateTimeOffset _earliest = DateTimeOffset.UtcNow.AddDays(-7);

    public void Dispose() => _runner.Dispose();

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Restore(string pointInTime, string extra = "-Confirm:$false") =>
        $"Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime '{pointInTime}' -TargetServerName {Target} {extra}";

    private static void AssertNoWrite(FakeArm arm) =>
        Assert.DoesNotContain(arm.Requests, r => r.Method is "PUT" or "PATCH" or "DELETE");

    [Fact]
    public void WaitRestoresWithProgressMirroredToVerboseAndReturnsTheNewServer()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);
        var pointInTime = DateTimeOffset.UtcNow.AddHours(-2);

        var result = _runner.Run(arm, Restore(pointInTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "-Wait -Confirm:$false -Verbose"));

        Assert.Empty(result.Errors);
        var restore = Assert.IsType<DatabaseRestore>(Assert.Single(result.Output).BaseObject);
        Assert.Equal((Target, "seekapa-rg", "Ready", "Succeeded"), (restore.Name, restore.ResourceGroupName, restore.State, restore.OperationStatus));
        Assert.Equal(Target + ".postgres.database.azure.com", restore.FullyQualifiedDomainName);
        Assert.Equal("seekapa-postgres", restore.RestoredFrom);
        Assert.Equal(TimeSpan.Zero, restore.PointInTime.Offset);
        Assert.Equal(pointInTime.ToUnixTimeSeconds(), restore.PointInTime.ToUnixTimeSeconds());
        Assert.Contains(result.Progress, p => p.ActivityId == 0x5EED && p.StatusDescription.Contains("InProgress", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
        Assert.Contains(result.Verbose, v => v.StartsWith(Target + ": InProgress", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith(Target + ": Succeeded", StringComparison.Ordinal));
        Assert.Single(arm.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public void WithoutWaitItReturnsAtOnceWithTheOperationState()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1))));

        Assert.Empty(result.Errors);
        var restore = Assert.IsType<DatabaseRestore>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(("InProgress", "Provisioning"), (restore.OperationStatus, restore.State));
        Assert.DoesNotContain(arm.Requests, r => r.Path.Contains("azureAsyncOperation", StringComparison.Ordinal));
    }

    [Fact]
    public void ALocalTimeWithAnOffsetIsSentInUtc()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);
        var local = DateTimeOffset.UtcNow.AddHours(-3).ToOffset(TimeSpan.FromHours(5.5));
        var whole = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, local.Offset);

        var result = _runner.Run(arm, Restore(Iso(whole)));

        Assert.Empty(result.Errors);
        var body = JsonNode.Parse(Assert.Single(arm.Requests, r => r.Method == "PUT").Body!)!;
        Assert.Equal(whole.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), (string?)body["properties"]!["pointInTimeUTC"]);
    }

    [Fact]
    public void WhatIfValidatesButSendsNoPut()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-WhatIf"));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        AssertNoWrite(arm);
        // Only the read-only checks: GET source, GET target, POST checkNameAvailability.
        Assert.Equal(["GET", "GET", "POST"], arm.Requests.Select(r => r.Method));
        Assert.EndsWith("/checkNameAvailability", arm.Requests[2].Path, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIfStillReportsAnInvalidRestorePoint()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddDays(-30)), "-WhatIf"));

        Assert.Equal("RestorePointOutsideWindow", AzureCmdletRunner.ErrorId(Assert.Single(result.Errors)));
        AssertNoWrite(arm);
    }

    [Fact]
    public void ItIsHighImpactAndPromptsByDefault()
    {
        // A runspace without a UI cannot answer the prompt: the restore must not happen.
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), string.Empty));

        Assert.NotEmpty(result.Errors);
        AssertNoWrite(arm);
        var attribute = (CmdletAttribute)typeof(Seekapa.Ops.PowerShell.Cmdlets.Azure.RestoreSeekapaDatabaseCommand)
            .GetCustomAttributes(typeof(CmdletAttribute), false).Single();
        Assert.Equal(ConfirmImpact.High, attribute.ConfirmImpact);
    }

    [Fact]
    public void ATimeBeforeTheWindowIsRestorePointOutsideWindowShowingTheWindowAndNothingIsWritten()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore("2024-01-15T13:30:00Z"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("RestorePointOutsideWindow", AzureCmdletRunner.ErrorId(error));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("2024-01-15T13:30:00Z is outside the backup window", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(_earliest.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), error.ToString(), StringComparison.Ordinal);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public void TheSourceBindsFromAGetSeekapaAzureDatabaseServerObject()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm,
            $"Get-SeekapaAzureDatabaseServer seekapa-rg seekapa-postgres | Restore-SeekapaDatabase -RestorePointInTime '{Iso(DateTimeOffset.UtcNow.AddHours(-1))}' -TargetServerName {Target} -Confirm:$false");

        Assert.Empty(result.Errors);
        Assert.Equal("seekapa-postgres", Assert.IsType<DatabaseRestore>(Assert.Single(result.Output).BaseObject).RestoredFrom);
    }

    [Fact]
    public void AFailedRestoreIsRestoreFailedWithArmsError()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest).On("GET", FlexibleServerArm.OperationPath, FakeArm.Json(200,
            """{"name":"op1","status":"Failed","error":{"code":"PointInTimeRestoreFailed","message":"No backup covers the requested time."}}"""));

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-Wait -Confirm:$false"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("RestoreFailed", AzureCmdletRunner.ErrorId(error));
        Assert.Contains("PointInTimeRestoreFailed: No backup covers the requested time.", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void StillRunningAtTheTimeoutIsRestoreTimedOutSayingHowToCheck()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest).On("GET", FlexibleServerArm.OperationPath,
            FakeArm.Json(200, """{"name":"op1","status":"InProgress"}""", ("Retry-After", "1")));

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-Wait -Timeout 1 -Confirm:$false"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("RestoreTimedOut", AzureCmdletRunner.ErrorId(error));
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains($"Get-SeekapaAzureDatabaseServer -ResourceGroupName seekapa-rg -Name {Target}", error.ToString(), StringComparison.Ordinal);
        Assert.Single(arm.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public void ANonPositiveTimeoutIsRefusedBeforeAnyCall()
    {
        var arm = FlexibleServerArm.RestoreScene(_earliest);

        var result = _runner.Run(arm, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-Wait -Timeout 0 -Confirm:$false"));

        Assert.Equal("InvalidTimeout", AzureCmdletRunner.ErrorId(Assert.Single(result.Errors)));
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public void TheTokenNeverReachesAnyStreamEvenWithVerboseAndDebug()
    {
        var ok = FlexibleServerArm.RestoreScene(_earliest);
        var failing = FlexibleServerArm.RestoreScene(_earliest).On("PUT", FlexibleServerArm.ServerPath("seekapa-rg", Target),
            FakeArm.Error(400, "InvalidParameterValue", "Bad request"));

        var success = _runner.Run(ok, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-Wait -Confirm:$false -Verbose -Debug"));
        var failure = _runner.Run(failing, Restore(Iso(DateTimeOffset.UtcNow.AddHours(-1)), "-Wait -Confirm:$false -Verbose -Debug"));

        Assert.Equal("Bearer " + FakeArm.Token, ok.Requests[0].Authorization); // the token was in use
        Assert.NotEmpty(success.Verbose);
        Assert.Single(failure.Errors);
        Assert.DoesNotContain(FakeArm.Token, success.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeArm.Token, failure.AllText(), StringComparison.Ordinal);
    }
}

/// <summary>The restore in the incident timeline (SEEKAPA_INCIDENT_PATH is process-wide: one at a time).</summary>
[Collection(IncidentPathCollection.Name)]
public sealed class RestoreTimelineTests : IDisposable
{
    private readonly AzureCmdletRunner _runner = new();
    private readonly IncidentPathScope _scope = new();

    public void Dispose()
    {
        _runner.Dispose();
        _scope.Dispose();
    }

    [Fact]
    public void TheRestoreAndItsOutcomeAreRecordedButNotUnderWhatIf()
    {
        var arm = FlexibleServerArm.RestoreScene(DateTimeOffset.UtcNow.AddDays(-7));
        var pointInTime = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var restore = $"Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime '{pointInTime}' " +
                      "-TargetServerName seekapa-postgres-restored";

        var result = _runner.Run(arm, $"""
            $incident = Start-SeekapaIncident SEV1 'Data corruption'
            $null = {restore} -WhatIf
            $null = {restore} -Wait -Confirm:$false
            $incident.Id
            """);

        Assert.Empty(result.Errors);
        var id = (string)result.Output[^1].BaseObject;
        var entry = Assert.Single(_scope.Store.Get(id).Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal("Restore-SeekapaDatabase", entry.Cmdlet);
        Assert.Equal("seekapa-rg/seekapa-postgres-restored", entry.Target);
        Assert.Equal("Succeeded", entry.Outcome);
        Assert.Equal($"seekapa-rg/seekapa-postgres at {pointInTime}", entry.Before);
        Assert.StartsWith("seekapa-postgres-restored.postgres.database.azure.com (Ready)", entry.After, StringComparison.Ordinal);
    }
}
