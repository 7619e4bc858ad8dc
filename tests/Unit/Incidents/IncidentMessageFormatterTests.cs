using System.Text.Json;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class IncidentMessageFormatterTests
{
    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2024, 1, 15, hour, minute, second, TimeSpan.Zero);

    /// <summary>The post-mortem's fixed incident, still open: no resolution yet.</summary>
    private static Incident Open(IncidentStatus status)
    {
        var incident = PostmortemWriterTests.Fixed();
        incident.Status = status;
        incident.Resolved = null;
        incident.RootCause = null;
        incident.Resolution = null;
        incident.FollowUps.Clear();
        incident.Timeline.RemoveAll(e => e.Kind == IncidentEntryKind.Resolved);
        return incident;
    }

    [Fact]
    public void TheGoldenInitialNotification()
    {
        const string golden = """
            🚨 INCIDENT DECLARED - SEV-2 (High)
            Time: 2024-01-15 13:02 UTC
            Title: API 5xx spike
            Service: API
            Impact: About 30% of API requests failed with 502/503.
            Status: Investigating
            Lead: @alice
            Channel: #incident-20240115-api-5xx-spike

            Current Status:
            - 5xx started right after the 13:00 deploy

            Next Steps:
            - Triage with Invoke-SeekapaTriage
            - Check recent changes with Get-SeekapaRecentChange
            """;

        var message = IncidentMessageFormatter.Render(Open(IncidentStatus.Investigating), IncidentMessageKind.Initial, At(13, 5));

        Assert.Equal(golden, message.Text);
        Assert.Equal(golden, message.ToString());
        Assert.Equal((IncidentMessageKind.Initial, "sev-2-20240115-api-5xx-spike", "#incident-20240115-api-5xx-spike"),
            (message.Kind, message.IncidentId, message.Channel));
    }

    [Fact]
    public void TheGoldenStatusUpdate()
    {
        const string golden = """
            📊 INCIDENT UPDATE - 38m 0s since start
            Incident: SEV-2 API 5xx spike
            Status: Identified

            What we know:
            - 5xx started right after the 13:00 deploy

            What we've done:
            - Invoke-SeekapaRollback seekapa-production/deployment/backend-deployment (rollback to revision 41): RolledBack

            Next steps:
            - Continue monitoring

            ETA: Updates in 15 minutes
            """;

        var message = IncidentMessageFormatter.Render(Open(IncidentStatus.Identified), IncidentMessageKind.Update, At(13, 40));

        Assert.Equal(golden, message.Text);
    }

    [Fact]
    public void AnUpdateTakesTheNextStepsAndTheNextUpdateTime()
    {
        var incident = Open(IncidentStatus.Monitoring);
        incident.NextUpdate = At(13, 55);

        var text = IncidentMessageFormatter.Render(incident, IncidentMessageKind.Update, At(13, 40), null,
            new[] { "Watch the error rate", "Scale back to 3 replicas" }).Text;

        Assert.Contains("Next steps:\n- Watch the error rate\n- Scale back to 3 replicas\n", text, StringComparison.Ordinal);
        Assert.EndsWith("ETA: Next update by 2024-01-15 13:55 UTC", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGoldenResolutionNotification()
    {
        const string golden = """
            ✅ INCIDENT RESOLVED
            Incident: SEV-2 API 5xx spike
            Duration: 1h 23m
            Root Cause: Bad deploy of backend 1.2.4 (connection pool | size 0).
            Resolution: Rolled back to revision 41.

            Impact Summary:
            - Affected Users: About 30% of API requests failed with 502/503.
            - Downtime: 1h 23m
            - Data Loss: None reported

            Follow-up Actions:
            - [ ] Add a canary stage to the CD pipeline
            - [ ] Alert on pool exhaustion
            - [ ] Post-mortem scheduled for (date/time to be set)
            - [ ] Action items documented
            - [ ] Monitoring enhanced

            Thank you to everyone who helped resolve this incident.
            """;

        var message = IncidentMessageFormatter.Render(PostmortemWriterTests.Fixed(), IncidentMessageKind.Resolution, At(15, 0));

        Assert.Equal(golden, message.Text);
    }

    [Theory]
    [InlineData(IncidentMessageKind.Initial, "🚨 INCIDENT DECLARED - SEV-2 (High)")]
    [InlineData(IncidentMessageKind.Update, "📊 INCIDENT UPDATE - 1h 23m since start")]
    [InlineData(IncidentMessageKind.Resolution, "✅ INCIDENT RESOLVED")]
    public void TheSlackBlocksAreJsonWithTheHeaderAndMrkdwnSections(IncidentMessageKind kind, string header)
    {
        var message = IncidentMessageFormatter.Render(PostmortemWriterTests.Fixed(), kind, At(15, 0));

        using var blocks = JsonDocument.Parse(message.SlackBlocksJson);
        var all = blocks.RootElement.EnumerateArray().ToList();
        Assert.True(all.Count >= 3);
        Assert.Equal("header", all[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", all[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(header, all[0].GetProperty("text").GetProperty("text").GetString());
        Assert.All(all.Skip(1), b =>
        {
            Assert.Equal("section", b.GetProperty("type").GetString());
            Assert.Equal("mrkdwn", b.GetProperty("text").GetProperty("type").GetString());
            Assert.InRange(b.GetProperty("text").GetProperty("text").GetString()!.Length, 1, 3000);
        });
    }

    [Fact]
    public void TheBlocksBoldTheFieldsAndEscapeSlackControlCharacters()
    {
        var incident = PostmortemWriterTests.Fixed();
        incident.RootCause = "Pool <size> 0 & no retries";

        var message = IncidentMessageFormatter.Render(incident, IncidentMessageKind.Resolution, At(15, 0));
        using var blocks = JsonDocument.Parse(message.SlackBlocksJson);
        var first = blocks.RootElement[1].GetProperty("text").GetProperty("text").GetString()!;

        Assert.Contains("*Root Cause:* Pool &lt;size&gt; 0 &amp; no retries", first, StringComparison.Ordinal);
        Assert.Contains("Root Cause: Pool <size> 0 & no retries", message.Text, StringComparison.Ordinal);
        Assert.Contains("☐ Monitoring enhanced", blocks.RootElement[3].GetProperty("text").GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsAreRedactedFromTextAndBlocks()
    {
        var incident = Open(IncidentStatus.Identified);
        incident.Timeline.Add(new IncidentTimelineEntry
        {
            Time = At(13, 30), Kind = IncidentEntryKind.Note, Actor = "bob",
            Text = "psql postgres://app:hunter2secret@db:5432/app works; header Bearer abcdefghijklmnop",
        });

        var message = IncidentMessageFormatter.Render(incident, IncidentMessageKind.Update, At(13, 40));

        Assert.DoesNotContain("hunter2secret", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnop", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", message.SlackBlocksJson, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnop", message.SlackBlocksJson, StringComparison.Ordinal);
        Assert.Contains("***", message.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("incident-20240115-payments", "#incident-20240115-payments")]
    [InlineData("#ops-war-room", "#ops-war-room")]
    [InlineData("C0123456789", "C0123456789")]
    public void TheIncidentsOwnChannelWins(string channel, string expected)
    {
        var incident = PostmortemWriterTests.Fixed();
        incident.Channel = channel;

        Assert.Equal(expected, IncidentMessageFormatter.Render(incident, IncidentMessageKind.Update, At(15, 0)).Channel);
    }

    [Fact]
    public void AnEmptyIncidentGetsTheTemplateDefaults()
    {
        var incident = new Incident
        {
            Id = "sev-3-20240115-slow-search", Severity = IncidentSeverity.SEV3, Title = "Slow search", Started = At(9, 0),
            Status = IncidentStatus.Investigating,
        };

        var initial = IncidentMessageFormatter.Render(incident, IncidentMessageKind.Initial, At(9, 1)).Text;
        var update = IncidentMessageFormatter.Render(incident, IncidentMessageKind.Update, At(9, 20)).Text;

        Assert.Contains("Lead: To be assigned", initial, StringComparison.Ordinal);
        Assert.Contains("Current Status:\n- Investigating\n", initial, StringComparison.Ordinal);
        Assert.Contains("What we know:\n- Investigation in progress\n", update, StringComparison.Ordinal);
        Assert.Contains("What we've done:\n- No changes made yet\n", update, StringComparison.Ordinal);
    }
}
