using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Tests.Integrations;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>
/// The security review's findings 7, 8, 15 and 18 (rows 104, 105, 111-114, E7, E8; faults T15, T16) for the incident
/// cmdlets: every bad input has a stable ErrorId and is refused before the record exists or a request is sent; a Slack
/// failure after the record exists is a Failed timeline entry and the incident stays active; a failed export leaves no
/// temp copy; tokens do not go over plain http to another machine without -AllowInsecureTransport.
/// </summary>
[Collection(IncidentPathCollection.Name)]
public sealed class IncidentInputCheckTests : IAsyncLifetime
{
    private static readonly string[] Variables = { "SLACK_BOT_TOKEN", "PAGERDUTY_API_KEY", "PAGERDUTY_FROM" };
    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();
    private readonly Dictionary<string, string?> _previous = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "seekapa-export-" + Guid.NewGuid().ToString("N"));
    private SlackLoopbackServer _slack = null!;

    public async Task InitializeAsync()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Directory.CreateDirectory(_scratch);
        _slack = await SlackLoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        _host.Dispose();
        _scope.Dispose();
        Directory.Delete(_scratch, recursive: true);
        foreach (var (variable, value) in _previous)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    private CmdletHost.Result Run(string script, object? value = null) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["slackToken"] = HeaderInjectionTests.Secure("xoxb-1111-2222-abcdefSECRET"),
        ["pdToken"] = HeaderInjectionTests.Secure("y_NbAkKc66ryYTWUXYEuSECRET"),
        ["slackApi"] = _slack.ApiUrl.ToString(),
        ["scratch"] = _scratch,
        ["value"] = value,
    });

    private string[] StoredIncidents() =>
        Directory.Exists(_scope.Directory.Path) ? Directory.GetFiles(_scope.Directory.Path, "*.json") : Array.Empty<string>();

    private static ErrorRecord SingleError(CmdletHost.Result result, string errorId)
    {
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        return error;
    }

    private string? ActiveIncident() => Run("(Get-SeekapaIncident -Active -ErrorAction SilentlyContinue).Id").Output.FirstOrDefault()?.BaseObject?.ToString();

    [Theory]
    [InlineData("-SlackChannel -SlackToken $slackToken -SlackApiUrl 'ftp://127.0.0.1/api/'", "SlackApiUrlInvalid")]
    [InlineData("-SlackChannel -SlackToken $slackToken -SlackApiUrl 'file:///etc/'", "SlackApiUrlInvalid")]
    [InlineData("-SlackChannel -SlackToken $slackToken -SlackApiUrl 'relative/path'", "SlackApiUrlInvalid")]
    [InlineData("-PagerDutyIncidentId Q1 -PagerDutyToken $pdToken -PagerDutyApiUrl 'relative/x'", "PagerDutyApiUrlInvalid")]
    [InlineData("-PagerDutyIncidentId Q1 -PagerDutyToken $pdToken -PagerDutyApiUrl 'ftp://127.0.0.1/'", "PagerDutyApiUrlInvalid")]
    [InlineData("-PagerDutyIncidentId Q1 -PagerDutyToken $pdToken -PagerDutyFrom 'not-an-address'", "PagerDutyFromInvalid")]
    [InlineData("-SlackChannel -SlackToken $slackToken -SlackApiUrl 'http://slack.example.com/api/'", "InsecureTransport")]
    [InlineData("-PagerDutyIncidentId Q1 -PagerDutyToken $pdToken -PagerDutyApiUrl 'http://10.1.2.3/'", "InsecureTransport")]
    public void StartRefusesABadIntegrationInputBeforeTheIncidentExists(string parameters, string errorId)
    {
        var result = Run("Start-SeekapaIncident SEV3 'bad input' " + parameters);

        SingleError(result, errorId);
        Assert.Empty(StoredIncidents());
        Assert.Null(ActiveIncident());
        Assert.Empty(_slack.Requests);
    }

    [Fact]
    public void InsecureTransportSaysWhatToDoAndTheOptInIsTheSameSwitchEverywhere()
    {
        var error = SingleError(Run("Start-SeekapaIncident SEV3 x -SlackChannel -SlackToken $slackToken -SlackApiUrl 'http://slack.example.com/api/'"),
            "InsecureTransport");
        Assert.Contains("https", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("-AllowInsecureTransport", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        foreach (var command in new[] { "Start-SeekapaIncident", "Stop-SeekapaIncident", "Set-SeekapaIncident", "Send-SeekapaIncidentMessage",
                     "Invoke-SeekapaPrometheusQuery", "Invoke-SeekapaTriage" })
        {
            var parameters = Run($"(Get-Command {command}).Parameters.Keys").Output.Select(o => o.BaseObject.ToString());
            Assert.Contains("AllowInsecureTransport", parameters);
        }
    }

    [Fact]
    public void ASlackFailureAfterTheIncidentExistsIsAFailedTimelineEntryAndTheIncidentStaysActive()
    {
        _slack.Answer(500, "oops");

        var result = Run("Start-SeekapaIncident SEV3 'slack down' -SlackChannel -SlackToken $slackToken -SlackApiUrl $slackApi");

        var error = SingleError(result, "SlackError");
        Assert.IsType<Incident>(Assert.Single(result.Output).BaseObject);
        var stored = _scope.Store.Get(Assert.Single(StoredIncidents().Select(Path.GetFileNameWithoutExtension))!);
        Assert.Equal(stored.Id, ActiveIncident());
        var failed = Assert.Single(stored.Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal("Create Slack channel", failed.Action);
        Assert.StartsWith("Failed: ", failed.Outcome, StringComparison.Ordinal);
        Assert.NotNull(error.ErrorDetails);
        Assert.Empty(Run("Add-SeekapaIncidentNote 'still usable'").Errors);
    }

    [Fact]
    public void TitlesAreAtMost200CharactersWithoutControlOrBidiOverrideCharacters()
    {
        SingleError(Run("Start-SeekapaIncident SEV4 $value", new string('t', 201)), "TitleTooLong");
        Assert.Empty(StoredIncidents());

        var incident = (Incident)Assert.Single(Run("Start-SeekapaIncident SEV4 $value", "pay\u202Ements\u2066 fail\r\ning\u200F").Output).BaseObject;
        Assert.Equal("payments fail ing", incident.Title);
        Assert.Equal(incident.Title, _scope.Store.Get(incident.Id).Title);
        Assert.Single(Run("Start-SeekapaIncident SEV4 $value", new string('t', 200)).Output);
    }

    [Theory]
    [InlineData("Add-SeekapaIncidentNote $value")]
    [InlineData("Set-SeekapaIncident -Impact $value")]
    [InlineData("Stop-SeekapaIncident -RootCause $value -Resolution r")]
    [InlineData("Stop-SeekapaIncident -RootCause r -Resolution r -FollowUp a, $value")]
    [InlineData("Format-SeekapaIncidentMessage Update -NextStep $value")]
    [InlineData("Send-SeekapaIncidentMessage -Text $value -Channel '#ops' -SlackToken $slackToken -SlackApiUrl $slackApi")]
    public void FreeTextOver4000CharactersIsTextTooLongAndChangesNothing(string command)
    {
        var id = ((Incident)Run("Start-SeekapaIncident SEV4 'limits'").Output.Single().BaseObject).Id;
        var before = File.ReadAllText(_scope.Store.PathOf(id));

        SingleError(Run(command, new string('n', 4001)), "TextTooLong");

        Assert.Equal(before, File.ReadAllText(_scope.Store.PathOf(id)));
        Assert.Empty(_slack.Requests);
        Assert.Empty(Run(command.Replace("-Text $value", "-Text $value -WhatIf", StringComparison.Ordinal), new string('n', 4000)).Errors);
    }

    [Fact]
    public void ExportToADirectoryIsPostmortemPathInvalidAndLeavesNothingBehind()
    {
        Run("Start-SeekapaIncident SEV4 'export'");

        SingleError(Run("Export-SeekapaPostmortem -Path $scratch -Force"), "PostmortemPathInvalid");

        Assert.Empty(Directory.GetFileSystemEntries(_scratch));
    }

    [Fact]
    public void AnExportThatCannotBeWrittenIsPostmortemWriteFailedAndLeavesNoTempCopy()
    {
        Run("Start-SeekapaIncident SEV4 'export'");
        var blocked = Path.Combine(_scratch, "blocked");
        File.WriteAllText(blocked, "a file where a folder should be");

        SingleError(Run("Export-SeekapaPostmortem -Path $value -Force", Path.Combine(blocked, "pm.md")), "PostmortemWriteFailed");
        if (!OperatingSystem.IsWindows())
        {
            SingleError(Run("Export-SeekapaPostmortem -Path $value -Force", "/proc/nope/x.md"), "PostmortemWriteFailed");
        }

        Assert.Equal(new[] { blocked }, Directory.GetFileSystemEntries(_scratch));
    }

    [Fact]
    public void TheExportedPostmortemIsOwnerOnlyOnUnix()
    {
        Run("Start-SeekapaIncident SEV4 'export'");
        var path = Path.Combine(_scratch, "pm.md");

        Assert.Empty(Run("Export-SeekapaPostmortem -Path $value", path).Errors);

        Assert.Contains("export", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
