using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

[Collection(IncidentPathCollection.Name)]
public sealed class IncidentCmdletTests : IDisposable
{
    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) => _host.Invoke(script);

    private static T Single<T>(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<T>(Assert.Single(result.Output).BaseObject);
    }

    private static void AssertError(CmdletHost.Result result, string errorId)
    {
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void StartMakesTheActiveIncidentAndTheLifecycleRunsOnIt()
    {
        var started = Single<Incident>(Run("Start-SeekapaIncident -Severity SEV-2 -Title 'API 5xx spike' -Service API -Lead alice"));
        var today = DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal($"sev-2-{today}-api-5xx-spike", started.Id);
        Assert.Equal(IncidentStatus.Investigating, started.Status);
        Assert.Equal(started.Started.AddMinutes(15), started.AcknowledgeBy);
        Assert.Equal(started.Id, Single<Incident>(Run("Get-SeekapaIncident -Active")).Id);

        Assert.Empty(Run("'Error rate rising' | Add-SeekapaIncidentNote").Output);
        Assert.Empty(Run("Add-SeekapaIncidentNote 'only a rehearsal' -WhatIf -PassThru").Output);
        Assert.DoesNotContain(Single<Incident>(Run("Get-SeekapaIncident -Active")).Timeline, e => e.Text.Contains("rehearsal", StringComparison.Ordinal));
        var note = Single<IncidentTimelineEntry>(Run("Add-SeekapaIncidentNote 'Bad deploy at 13:00' -PassThru"));
        Assert.Equal((IncidentEntryKind.Note, Environment.UserName), (note.Kind, note.Actor));
        var set = Single<Incident>(Run("Set-SeekapaIncident -Status Identified -Impact '30% of requests fail' -NextUpdate (Get-Date).AddMinutes(15)"));
        Assert.Equal(IncidentStatus.Identified, set.Status);
        Assert.Equal("30% of requests fail", set.Impact);
        Assert.NotNull(set.NextUpdate);

        var stopped = Single<Incident>(Run("Stop-SeekapaIncident -RootCause 'Bad deploy' -Resolution 'Rolled back' -FollowUp 'Canary', 'Alert'"));
        Assert.Equal(IncidentStatus.Resolved, stopped.Status);
        Assert.NotNull(stopped.Duration);
        Assert.Equal(new[] { "Canary", "Alert" }, stopped.FollowUps);
        Assert.Equal(new[] { IncidentEntryKind.Declared, IncidentEntryKind.Note, IncidentEntryKind.Note, IncidentEntryKind.Update,
            IncidentEntryKind.Update, IncidentEntryKind.Update, IncidentEntryKind.Resolved }, stopped.Timeline.Select(e => e.Kind));

        AssertError(Run("Get-SeekapaIncident -Active"), "NoActiveIncident");
        AssertError(Run("Add-SeekapaIncidentNote 'after'"), "NoActiveIncident");
        Assert.Equal(3, Single<Incident>(Run($"Add-SeekapaIncidentNote 'post-incident' -Incident {started.Id}; Get-SeekapaIncident {started.Id}"))
            .Timeline.Count(e => e.Kind == IncidentEntryKind.Note));
    }

    [Fact]
    public void WhatIfStartsNothing()
    {
        var result = Run("Start-SeekapaIncident SEV1 'Outage' -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(_scope.Directory.Path) && Directory.EnumerateFiles(_scope.Directory.Path, "*.json").Any());
        AssertError(Run("Get-SeekapaIncident -Active"), "NoActiveIncident");
    }

    [Fact]
    public void GetListsOpenIncidentsNewestFirstAndAllWithAll()
    {
        Run("$a = Start-SeekapaIncident 3 'First'; Start-Sleep -Milliseconds 20; $b = Start-SeekapaIncident SEV-1 'Second'; Stop-SeekapaIncident -Incident $a -RootCause r -Resolution s");

        Assert.Equal(new[] { "Second" }, Run("Get-SeekapaIncident").Output.Select(o => ((Incident)o.BaseObject).Title));
        Assert.Equal(new[] { "Second", "First" }, Run("Get-SeekapaIncident -All").Output.Select(o => ((Incident)o.BaseObject).Title));
        Assert.Equal(new[] { "First" }, Run("Get-SeekapaIncident -Status Resolved").Output.Select(o => ((Incident)o.BaseObject).Title));
        Assert.Equal(2, Run("Get-SeekapaIncident -Id 'sev-*'").Output.Count);
        AssertError(Run("Get-SeekapaIncident sev-1-20000101-missing"), "IncidentNotFound");
    }

    [Fact]
    public void SetToResolvedIsRefusedAndSeverityChangesMoveTheDeadline()
    {
        var incident = Single<Incident>(Run("Start-SeekapaIncident SEV4 'Tooltip typo'"));
        AssertError(Run("Set-SeekapaIncident -Status Resolved"), "IncidentTransitionInvalid");

        var raised = Single<Incident>(Run($"Get-SeekapaIncident {incident.Id} | Set-SeekapaIncident -Severity 1"));

        Assert.Equal(IncidentSeverity.SEV1, raised.Severity);
        Assert.Equal(raised.Started.AddMinutes(5), raised.AcknowledgeBy);
        Assert.Equal("Severity SEV-4 -> SEV-1", raised.Timeline[^1].Text);
    }

    [Fact]
    public void ACorruptFileIsReportedAndKept()
    {
        var incident = Single<Incident>(Run("Start-SeekapaIncident SEV3 'Corrupt me'"));
        var path = _scope.Store.PathOf(incident.Id);
        File.WriteAllText(path, "not json");

        AssertError(Run("Add-SeekapaIncidentNote 'lost?'"), "IncidentStoreCorrupt");
        AssertError(Run("Get-SeekapaIncident -All"), "IncidentStoreCorrupt");
        Assert.Equal("not json", File.ReadAllText(path));
    }

    [Fact]
    public void EightRunspacesAddingTwentyFiveNotesEachLoseNothing()
    {
        var id = Single<Incident>(Run("Start-SeekapaIncident SEV2 'Parallel notes'")).Id;
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in new[] { typeof(Seekapa.Ops.PowerShell.Cmdlets.Incident.AddSeekapaIncidentNoteCommand) })
        {
            state.Commands.Add(new SessionStateCmdletEntry("Add-SeekapaIncidentNote", type, null));
        }

        using var pool = RunspaceFactory.CreateRunspacePool(state);
        pool.SetMinRunspaces(8);
        pool.SetMaxRunspaces(8);
        pool.Open();
        var runs = Enumerable.Range(0, 8).Select(writer =>
        {
            var ps = System.Management.Automation.PowerShell.Create();
            ps.RunspacePool = pool;
            ps.AddScript($"1..25 | ForEach-Object {{ Add-SeekapaIncidentNote \"runspace {writer} note $_\" -Incident {id} }}");
            return (ps, handle: ps.BeginInvoke());
        }).ToList();
        foreach (var (ps, handle) in runs)
        {
            ps.EndInvoke(handle);
            Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error));
            ps.Dispose();
        }

        var notes = _scope.Store.Get(id).Timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Text).ToList();
        Assert.Equal(200, notes.Count);
        Assert.Equal(200, notes.Distinct().Count());
    }

    [Fact]
    public void TheSeverityPolicyIsTheRunbooksUnlessAFileOverridesIt()
    {
        var all = Run("Get-SeekapaSeverityPolicy").Output.Select(o => (SeverityPolicy)o.BaseObject).ToList();
        Assert.Equal(new[] { "SEV-1", "SEV-2", "SEV-3", "SEV-4" }, all.Select(p => p.Label));
        Assert.Equal("Notify team via Slack", Single<SeverityPolicy>(Run("Get-SeekapaSeverityPolicy -Severity SEV-3")).Escalation);

        Directory.CreateDirectory(_scope.Directory.Path);
        var file = Path.Combine(_scope.Directory.Path, "policy.json");
        File.WriteAllText(file, """{ "severities": [ { "severity": "SEV-3", "escalation": "Post in #ops" } ] }""");
        Assert.Equal("Post in #ops", Single<SeverityPolicy>(Run($"Get-SeekapaSeverityPolicy 3 -Path '{file}'")).Escalation);
        AssertError(Run("Get-SeekapaSeverityPolicy -Path ./no-such-policy.json"), "SeverityPolicyNotFound");
    }

    [Fact]
    public void ExportWritesThePostmortemAndRefusesToOverwriteWithoutForce()
    {
        Run("Start-SeekapaIncident SEV2 'API 5xx spike'; Add-SeekapaIncidentNote 'rolled back'; Stop-SeekapaIncident -RootCause 'Bad deploy' -Resolution 'Rollback'");
        var path = Path.Combine(_scope.Directory.Path, "out", "postmortem.md");
        var id = _scope.Store.List().Single().Id;

        var file = Single<FileInfo>(Run($"Export-SeekapaPostmortem -Incident {id} -Path '{path}' -PassThru"));

        Assert.Equal(path, file.FullName);
        var text = File.ReadAllText(path);
        Assert.StartsWith("# Post-mortem: API 5xx spike", text, StringComparison.Ordinal);
        Assert.Contains("rolled back", text, StringComparison.Ordinal);
        AssertError(Run($"Export-SeekapaPostmortem -Incident {id} -Path '{path}'"), "PostmortemFileExists");
        Assert.Empty(Run($"Get-SeekapaIncident {id} | Export-SeekapaPostmortem -Path '{path}' -Force").Errors);
        Assert.Empty(Run($"Export-SeekapaPostmortem -Incident {id} -Path '{path}.whatif' -WhatIf").Errors);
        Assert.False(File.Exists(path + ".whatif"));
    }

    public void Dispose()
    {
        _host.Dispose();
        _scope.Dispose();
    }
}
