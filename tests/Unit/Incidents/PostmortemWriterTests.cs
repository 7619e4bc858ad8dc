using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class PostmortemWriterTests
{
    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2024, 1, 15, hour, minute, second, TimeSpan.Zero);

    /// <summary>A fixed incident: the runbook's 5xx-spike story, entries stored slightly out of order as parallel writers can.</summary>
    public static Incident Fixed() => new()
    {
        Id = "sev-2-20240115-api-5xx-spike",
        Severity = IncidentSeverity.SEV2,
        Title = "API 5xx spike",
        Service = "API",
        Impact = "About 30% of API requests failed with 502/503.",
        Lead = "alice",
        Status = IncidentStatus.Resolved,
        Started = At(13, 2),
        AcknowledgeBy = At(13, 17),
        Resolved = At(14, 25, 30),
        RootCause = "Bad deploy of backend 1.2.4 (connection pool | size 0).",
        Resolution = "Rolled back to revision 41.",
        FollowUps = new() { "Add a canary stage to the CD pipeline", "Alert on pool exhaustion" },
        Timeline = new()
        {
            new() { Time = At(13, 2), Kind = IncidentEntryKind.Declared, Actor = "alice", Cmdlet = "Start-SeekapaIncident",
                Text = "Incident declared: SEV-2 API 5xx spike, status Investigating, lead alice" },
            new() { Time = At(13, 9), Kind = IncidentEntryKind.Note, Actor = "alice", Text = "5xx started right after the 13:00 deploy" },
            new() { Time = At(13, 12), Kind = IncidentEntryKind.Action, Actor = "alice", Cmdlet = "Invoke-SeekapaRollback",
                Target = "seekapa-production/deployment/backend-deployment", Action = "rollback to revision 41", Outcome = "RolledBack",
                Before = "backend:1.2.4", After = "backend:1.2.3",
                Text = "rollback to revision 41 seekapa-production/deployment/backend-deployment: RolledBack (backend:1.2.4 -> backend:1.2.3)" },
            new() { Time = At(13, 10), Kind = IncidentEntryKind.Update, Actor = "alice", Cmdlet = "Set-SeekapaIncident", Target = "Status",
                Action = "Status", Before = "Investigating", After = "Identified", Text = "Status Investigating -> Identified" },
            new() { Time = At(13, 20), Kind = IncidentEntryKind.Update, Actor = "bob", Cmdlet = "Set-SeekapaIncident", Target = "Status",
                Action = "Status", Before = "Identified", After = "Monitoring", Text = "Status Identified -> Monitoring" },
            new() { Time = At(14, 25, 30), Kind = IncidentEntryKind.Resolved, Actor = "alice", Cmdlet = "Stop-SeekapaIncident",
                Text = "Incident resolved after 1h 23m: Rolled back to revision 41." },
        },
    };

    [Fact]
    public void TheGoldenPostmortem()
    {
        const string golden = """
            # Post-mortem: API 5xx spike

            ## Summary

            | Field | Value |
            |---|---|
            | Incident | `sev-2-20240115-api-5xx-spike` |
            | Severity | SEV-2 (High): Major feature unavailable or significant degradation |
            | Status | Resolved |
            | Service | API |
            | Lead | @alice |
            | Started | 2024-01-15 13:02 UTC |
            | Acknowledge by | 2024-01-15 13:17 UTC (< 15 minutes) |
            | Resolved | 2024-01-15 14:25 UTC |
            | Duration | 1h 23m |

            ## Impact

            About 30% of API requests failed with 502/503.

            ## Timeline

            | Time (UTC) | Who | Kind | Event |
            |---|---|---|---|
            | 2024-01-15 13:02:00 | alice | Declared | Incident declared: SEV-2 API 5xx spike, status Investigating, lead alice |
            | 2024-01-15 13:09:00 | alice | Note | 5xx started right after the 13:00 deploy |
            | 2024-01-15 13:10:00 | alice | Update | Status Investigating -> Identified |
            | 2024-01-15 13:12:00 | alice | Action | `Invoke-SeekapaRollback` rollback to revision 41 seekapa-production/deployment/backend-deployment: RolledBack (backend:1.2.4 -> backend:1.2.3) |
            | 2024-01-15 13:20:00 | bob | Update | Status Identified -> Monitoring |
            | 2024-01-15 14:25:30 | alice | Resolved | Incident resolved after 1h 23m: Rolled back to revision 41. |

            ## Root cause

            Bad deploy of backend 1.2.4 (connection pool | size 0).

            ## Resolution

            Rolled back to revision 41.

            ## Follow-up actions

            - [ ] Add a canary stage to the CD pipeline
            - [ ] Alert on pool exhaustion

            ## Post-incident checklist

            ### 1. Immediate (Within 1 hour)
            - [x] Verify system stability _(monitored before resolving)_
            - [x] Document timeline in incident tracker _(4 timeline entries recorded)_
            - [ ] Send resolution notification
            - [ ] Archive Slack channel

            ### 2. Short-term (Within 24 hours)
            - [x] Create post-mortem document _(this document)_
            - [ ] Gather metrics and logs
            - [ ] Schedule post-mortem meeting
            - [ ] Update status page

            ### 3. Long-term (Within 1 week)
            - [ ] Conduct blameless post-mortem
            - [x] Create action items and assign owners _(2 follow-up actions recorded; check owners)_
            - [ ] Update runbooks based on learnings
            - [ ] Share learnings with team

            """;

        Assert.Equal(golden.ReplaceLineEndings("\n"), PostmortemWriter.Render(Fixed()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AnOpenIncidentShowsWhatIsMissing()
    {
        var open = Fixed();
        open.Status = IncidentStatus.Investigating;
        open.Resolved = null;
        open.RootCause = null;
        open.Resolution = null;
        open.FollowUps.Clear();
        open.Timeline.RemoveAll(e => e.Kind != IncidentEntryKind.Declared);

        var text = PostmortemWriter.Render(open, now: At(13, 47));

        Assert.Contains("| Duration | 45m 0s so far (ongoing) |", text, StringComparison.Ordinal);
        Assert.Contains("## Root cause\n\n_Not documented yet._", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("- [ ] Verify system stability\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("- [ ] Document timeline in incident tracker\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("_None recorded._", text, StringComparison.Ordinal);
    }
}
