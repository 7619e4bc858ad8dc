using System.Globalization;
using System.Text;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Renders an incident as a post-mortem in Markdown: summary, impact, the timeline (notes, updates and actions merged in
/// time order), root cause, resolution, follow-ups and the runbook's post-incident checklist with what the record already
/// shows as done ticked (and why).
/// </summary>
public static class PostmortemWriter
{
    /// <summary>The runbook's "Post-Incident Activities", verbatim: (phase, items).</summary>
    public static IReadOnlyList<(string Phase, IReadOnlyList<string> Items)> Checklist { get; } = new (string, IReadOnlyList<string>)[]
    {
        ("1. Immediate (Within 1 hour)", new[]
        {
            "Verify system stability", "Document timeline in incident tracker", "Send resolution notification", "Archive Slack channel",
        }),
        ("2. Short-term (Within 24 hours)", new[]
        {
            "Create post-mortem document", "Gather metrics and logs", "Schedule post-mortem meeting", "Update status page",
        }),
        ("3. Long-term (Within 1 week)", new[]
        {
            "Conduct blameless post-mortem", "Create action items and assign owners", "Update runbooks based on learnings",
            "Share learnings with team",
        }),
    };

    public static string Render(Incident incident, IReadOnlyList<SeverityPolicy>? policy = null, DateTimeOffset? now = null)
    {
        var level = SeverityPolicyCatalog.For(incident.Severity, policy);
        var md = new StringBuilder();
        md.Append("# Post-mortem: ").AppendLine(Inline(incident.Title)).AppendLine();

        md.AppendLine("## Summary").AppendLine();
        md.AppendLine("| Field | Value |").AppendLine("|---|---|");
        Row(md, "Incident", $"`{incident.Id}`");
        Row(md, "Severity", $"{incident.Severity.Label()} ({level.Name}): {level.Definition}");
        Row(md, "Status", incident.Status.ToString());
        Row(md, "Service", incident.Service ?? "-");
        Row(md, "Lead", incident.Lead is null ? "-" : "@" + incident.Lead.TrimStart('@'));
        Row(md, "Started", Stamp(incident.Started));
        Row(md, "Acknowledge by", $"{Stamp(incident.AcknowledgeBy)} ({level.ResponseTimeText})");
        Row(md, "Resolved", incident.Resolved is { } resolved ? Stamp(resolved) : "not yet");
        Row(md, "Duration", incident.Duration is { } duration ? IncidentText.Duration(duration)
            : $"{IncidentText.Duration((now ?? DateTimeOffset.UtcNow) - incident.Started)} so far (ongoing)");
        md.AppendLine();

        md.AppendLine("## Impact").AppendLine().AppendLine(Paragraph(incident.Impact, "_Not recorded._")).AppendLine();

        md.AppendLine("## Timeline").AppendLine();
        var entries = incident.Timeline.OrderBy(e => e.Time).ToList(); // stable: same-time entries keep their order
        if (entries.Count == 0)
        {
            md.AppendLine("_No entries._");
        }
        else
        {
            md.AppendLine("| Time (UTC) | Who | Kind | Event |").AppendLine("|---|---|---|---|");
            foreach (var entry in entries)
            {
                var what = entry.Kind == IncidentEntryKind.Action && entry.Cmdlet is { } cmdlet ? $"`{cmdlet}` {entry.Text}" : entry.Text;
                md.Append("| ").Append(Stamp(entry.Time, "yyyy-MM-dd HH:mm:ss")).Append(" | ").Append(Cell(entry.Actor))
                    .Append(" | ").Append(entry.Kind).Append(" | ").Append(Cell(what)).AppendLine(" |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Root cause").AppendLine().AppendLine(Paragraph(incident.RootCause, "_Not documented yet._")).AppendLine();
        md.AppendLine("## Resolution").AppendLine().AppendLine(Paragraph(incident.Resolution, "_Not documented yet._")).AppendLine();

        md.AppendLine("## Follow-up actions").AppendLine();
        if (incident.FollowUps.Count == 0)
        {
            md.AppendLine("_None recorded._");
        }

        foreach (var followUp in incident.FollowUps)
        {
            md.Append("- [ ] ").AppendLine(Inline(followUp));
        }

        md.AppendLine();
        md.AppendLine("## Post-incident checklist").AppendLine();
        var done = DoneItems(incident);
        for (var i = 0; i < Checklist.Count; i++)
        {
            var (phase, items) = Checklist[i];
            md.Append("### ").AppendLine(phase);
            foreach (var item in items)
            {
                md.Append(done.TryGetValue(item, out var why) ? "- [x] " : "- [ ] ").Append(item);
                md.AppendLine(why is null ? string.Empty : $" _({why})_");
            }

            if (i < Checklist.Count - 1)
            {
                md.AppendLine();
            }
        }

        // The record was redacted when written; redacting again catches secrets the session learned since.
        return Security.Redactor.Redact(md.ToString());
    }

    /// <summary>The checklist items the record itself proves done, with the evidence.</summary>
    private static Dictionary<string, string> DoneItems(Incident incident)
    {
        var done = new Dictionary<string, string>(StringComparer.Ordinal);
        var monitored = incident.Timeline.Any(e => e.Kind == IncidentEntryKind.Update && e.Target == "Status" &&
                                                   e.After == nameof(IncidentStatus.Monitoring));
        if (incident.Status == IncidentStatus.Resolved && monitored)
        {
            done["Verify system stability"] = "monitored before resolving";
        }

        var recorded = incident.Timeline.Count(e => e.Kind is IncidentEntryKind.Note or IncidentEntryKind.Action or IncidentEntryKind.Update);
        if (recorded > 0)
        {
            done["Document timeline in incident tracker"] = $"{recorded} timeline entries recorded";
        }

        if (incident.Timeline.Any(e => e.Cmdlet == "Send-SeekapaIncidentMessage" &&
                                      string.Equals(e.Action, "Resolution", StringComparison.OrdinalIgnoreCase)))
        {
            done["Send resolution notification"] = "sent with Send-SeekapaIncidentMessage";
        }

        done["Create post-mortem document"] = "this document";
        if (incident.FollowUps.Count > 0)
        {
            done["Create action items and assign owners"] = $"{incident.FollowUps.Count} follow-up actions recorded; check owners";
        }

        return done;
    }

    private static void Row(StringBuilder md, string field, string value) =>
        md.Append("| ").Append(field).Append(" | ").Append(Cell(value)).AppendLine(" |");

    private static string Stamp(DateTimeOffset time, string format = "yyyy-MM-dd HH:mm 'UTC'") =>
        time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A table cell: one line, pipes escaped.</summary>
    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inline(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static string Paragraph(string? text, string missing) =>
        string.IsNullOrWhiteSpace(text) ? missing : text.Trim().ReplaceLineEndings("\n");
}
