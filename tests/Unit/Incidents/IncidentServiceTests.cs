using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class IncidentServiceTests : IDisposable
{
    private readonly TempIncidentDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero));

    private IncidentService Service => new(_dir.Store(), clock: _clock);

    [Fact]
    public void EachSetChangeIsATimelineEntryAndUnchangedFieldsAreNot()
    {
        var id = Service.Start(new IncidentStart(IncidentSeverity.SEV3, "Slow queries", Lead: "alice"), "alice").Id;
        _clock.Advance(TimeSpan.FromMinutes(7));

        var updated = Service.Update(id, new IncidentUpdate(IncidentStatus.Identified, IncidentSeverity.SEV2, "alice", "Dashboards slow",
            new DateTimeOffset(2024, 1, 15, 13, 30, 0, TimeSpan.Zero)), "bob");

        Assert.Equal(IncidentStatus.Identified, updated.Status);
        Assert.Equal(IncidentSeverity.SEV2, updated.Severity);
        Assert.Equal(updated.Started.AddMinutes(15), updated.AcknowledgeBy);
        var entries = updated.Timeline.Skip(1).ToList();
        Assert.Equal(new[] { "Status Investigating -> Identified", "Severity SEV-3 -> SEV-2", "Impact - -> Dashboards slow",
            "NextUpdate - -> 2024-01-15 13:30 UTC" }, entries.Select(e => e.Text));
        Assert.All(entries, e => Assert.Equal((IncidentEntryKind.Update, "bob", _clock.Now), (e.Kind, e.Actor, e.Time)));
    }

    [Fact]
    public void ResolvingNeedsStopAndHappensOnce()
    {
        var id = Service.Start(new IncidentStart(IncidentSeverity.SEV2, "API 5xx spike"), "alice").Id;

        Assert.Equal("IncidentTransitionInvalid",
            Assert.Throws<SeekapaException>(() => Service.Update(id, new IncidentUpdate(IncidentStatus.Resolved), "a")).ErrorId);
        _clock.Advance(TimeSpan.FromMinutes(83));
        var resolved = Service.Resolve(id, "Bad deploy", "Rolled back", new[] { "Add a canary", " " }, "alice");

        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(_clock.Now, resolved.Resolved);
        Assert.Equal(TimeSpan.FromMinutes(83), resolved.Duration);
        Assert.Equal(new[] { "Add a canary" }, resolved.FollowUps);
        Assert.Equal("Incident resolved after 1h 23m: Rolled back", resolved.Timeline[^1].Text);
        Assert.Equal("IncidentAlreadyResolved", Assert.Throws<SeekapaException>(() => Service.Resolve(id, "x", "y", null, "a")).ErrorId);
        Assert.Equal("IncidentAlreadyResolved",
            Assert.Throws<SeekapaException>(() => Service.Update(id, new IncidentUpdate(IncidentStatus.Monitoring), "a")).ErrorId);
        Assert.Equal(IncidentStatus.Resolved, _dir.Store().Get(id).Status);
    }

    [Fact]
    public void SecretsNeverReachTheStoredDocument()
    {
        var id = Service.Start(new IncidentStart(IncidentSeverity.SEV1, "DB down"), "alice").Id;

        Service.AddNote(id, "tried psql postgresql://app:Sup3rS3cret@db:5432/seekapa and Bearer abcdefghijklmnop", "alice");
        Service.AppendChange(id, new ChangeRecord(_clock.Now, "Set-SeekapaContainerEnv", "ns/deployment/backend", "SetEnv", "Changed",
            "DATABASE_URL=postgresql://app:Sup3rS3cret@old:5432/x", "password=hunter2hunter2"), "alice");
        Service.Resolve(id, "token=abcdefghijklmnopq leaked", "rotated", new[] { "rotate pwd=hunter2hunter2" }, "alice");

        var text = File.ReadAllText(_dir.Store().PathOf(id));
        Assert.DoesNotContain("Sup3rS3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("***", text, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
