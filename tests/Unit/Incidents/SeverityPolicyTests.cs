using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class SeverityPolicyTests : IDisposable
{
    private readonly TempIncidentDirectory _dir = new();

    [Fact]
    public void TheRunbookLevelsAreExactlyTheRunbooks()
    {
        var levels = SeverityPolicyCatalog.Runbook;
        Assert.Equal(new[] { "SEV-1", "SEV-2", "SEV-3", "SEV-4" }, levels.Select(l => l.Label));
        Assert.Equal(new[] { "Critical", "High", "Medium", "Low" }, levels.Select(l => l.Name));
        Assert.Equal("Complete service outage or data loss", levels[0].Definition);
        Assert.Equal("Immediate (< 5 minutes)", levels[0].ResponseTimeText);
        Assert.Equal("Page on-call engineer immediately via PagerDuty", levels[0].Escalation);
        Assert.Equal(new[] { "Complete API unavailability", "Database corruption", "Security breach" }, levels[0].Examples);
        Assert.Equal("Major feature unavailable or significant degradation", levels[1].Definition);
        Assert.Equal("< 15 minutes", levels[1].ResponseTimeText);
        Assert.Equal("Alert on-call engineer", levels[1].Escalation);
        Assert.Equal(new[] { "Authentication service down", "Query execution failures > 50%", "Payment processing errors" }, levels[1].Examples);
        Assert.Equal("Minor feature degradation", levels[2].Definition);
        Assert.Equal("< 1 hour", levels[2].ResponseTimeText);
        Assert.Equal("Notify team via Slack", levels[2].Escalation);
        Assert.Equal(new[] { "Slow query performance", "Non-critical service degradation", "UI rendering issues" }, levels[2].Examples);
        Assert.Equal("Minor issues with workarounds", levels[3].Definition);
        Assert.Equal("Next business day", levels[3].ResponseTimeText);
        Assert.Equal("Create ticket in tracking system", levels[3].Escalation);
        Assert.Empty(levels[3].Examples);
    }

    [Theory]
    [InlineData(IncidentSeverity.SEV1, "2024-01-15T13:05:00Z")]
    [InlineData(IncidentSeverity.SEV2, "2024-01-15T13:15:00Z")]
    [InlineData(IncidentSeverity.SEV3, "2024-01-15T14:00:00Z")]
    [InlineData(IncidentSeverity.SEV4, "2024-01-17T00:00:00Z")] // Monday: by the end of Tuesday
    public void TheAcknowledgeDeadlineFollowsTheResponseTime(IncidentSeverity severity, string deadline)
    {
        var started = new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero);
        Assert.Equal(DateTimeOffset.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture),
            SeverityPolicyCatalog.For(severity).AcknowledgeBy(started));
    }

    [Fact]
    public void NextBusinessDaySkipsTheWeekend()
    {
        var friday = new DateTimeOffset(2024, 1, 19, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2024, 1, 23, 0, 0, 0, TimeSpan.Zero), SeverityPolicyCatalog.For(IncidentSeverity.SEV4).AcknowledgeBy(friday));
    }

    [Fact]
    public void APolicyFileOverridesOnlyWhatItNames()
    {
        Directory.CreateDirectory(_dir.Path);
        var path = Path.Combine(_dir.Path, "policy.json");
        File.WriteAllText(path, """
            { "severities": [
                { "severity": "SEV-2", "responseTime": "00:10:00", "escalation": "Page the secondary too" },
                // comments are allowed
                { "severity": "sev4", "responseTime": "3.00:00:00", "examples": ["Typo in a tooltip"] }
            ] }
            """);

        var levels = SeverityPolicyCatalog.Load(path);

        Assert.Equal(SeverityPolicyCatalog.Runbook[0].Definition, levels[0].Definition);
        Assert.Equal("runbook", levels[0].Source);
        Assert.Equal(TimeSpan.FromMinutes(10), levels[1].ResponseTime);
        Assert.Equal("00:10:00", levels[1].ResponseTimeText);
        Assert.Equal("Page the secondary too", levels[1].Escalation);
        Assert.Equal("Major feature unavailable or significant degradation", levels[1].Definition);
        Assert.Equal(path, levels[1].Source);
        Assert.False(levels[3].NextBusinessDay);
        Assert.Equal(new[] { "Typo in a tooltip" }, levels[3].Examples);
    }

    [Theory]
    [InlineData("""{ "severities": [ { "severity": "SEV-5" } ] }""")]
    [InlineData("""{ "severities": [ { "severity": "SEV-1", "responseTime": "soon" } ] }""")]
    [InlineData("""{ "levels": [] }""")]
    [InlineData("""{ "severities": [ """)]
    public void AnInvalidPolicyFileIsSeverityPolicyInvalid(string json)
    {
        Directory.CreateDirectory(_dir.Path);
        var path = Path.Combine(_dir.Path, "policy.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<SeekapaException>(() => SeverityPolicyCatalog.Load(path));
        Assert.Equal("SeverityPolicyInvalid", error.ErrorId);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SEV1", IncidentSeverity.SEV1)]
    [InlineData("sev-2", IncidentSeverity.SEV2)]
    [InlineData(" 3 ", IncidentSeverity.SEV3)]
    [InlineData("SEV-4", IncidentSeverity.SEV4)]
    public void SeverityTextParses(string text, IncidentSeverity expected)
    {
        Assert.True(IncidentSeverityText.TryParse(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    public void Dispose() => _dir.Dispose();
}
