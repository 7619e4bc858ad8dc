using System.Globalization;
using System.Text;
using System.Text.Json;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Fills the runbook's "Communication Templates" (Initial, Status Update, Resolution) from an incident and its timeline,
/// as plain text and as Slack Block Kit blocks built from the same lines. Every value passes through the redactor.
/// </summary>
public static class IncidentMessageFormatter
{
    /// <summary>Slack's limits: header text 150 characters, section text 3000.</summary>
    private const int HeaderLimit = 150;
    private const int SectionLimit = 3000;

    public static IReadOnlyList<string> DefaultInitialNextSteps { get; } = new[]
    {
        "Triage with Invoke-SeekapaTriage",
        "Check recent changes with Get-SeekapaRecentChange",
    };

    public const string DefaultNextStep = "Continue monitoring";
    public const string DefaultEta = "Updates in 15 minutes";

    /// <summary>The runbook's three default follow-up items of the resolution notification.</summary>
    public static IReadOnlyList<string> DefaultFollowUps { get; } = new[]
    {
        "Post-mortem scheduled for (date/time to be set)",
        "Action items documented",
        "Monitoring enhanced",
    };

    public static IncidentMessage Render(Incident incident, IncidentMessageKind kind, DateTimeOffset now,
        IReadOnlyList<SeverityPolicy>? policy = null, IReadOnlyList<string>? nextSteps = null)
    {
        var channel = ChannelOf(incident);
        var (header, sections) = kind switch
        {
            IncidentMessageKind.Initial => Initial(incident, channel, nextSteps, policy),
            IncidentMessageKind.Update => Update(incident, now, nextSteps),
            IncidentMessageKind.Resolution => Resolution(incident, now),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        return new IncidentMessage
        {
            Kind = kind,
            IncidentId = incident.Id,
            Channel = channel,
            ChannelId = incident.SlackChannelId,
            Text = PlainText(header, sections),
            SlackBlocksJson = Blocks(header, sections),
        };
    }

    /// <summary>The incident's channel, else the runbook's #incident-YYYYMMDD-slug.</summary>
    public static string ChannelOf(Incident incident)
    {
        if (!string.IsNullOrWhiteSpace(incident.Channel))
        {
            var name = incident.Channel.Trim();
            return name.StartsWith('#') || IsChannelId(name) ? name : "#" + name;
        }

        return $"#incident-{incident.Started.UtcDateTime:yyyyMMdd}-{IncidentIds.Slug(incident.Title)}";
    }

    private static bool IsChannelId(string name) =>
        name.Length >= 9 && name[0] is 'C' or 'G' or 'D' && name.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9');

    private static (string, List<Section>) Initial(Incident incident, string channel, IReadOnlyList<string>? nextSteps,
        IReadOnlyList<SeverityPolicy>? policy)
    {
        var level = SeverityPolicyCatalog.For(incident.Severity, policy);
        var notes = Notes(incident);
        return ($"🚨 INCIDENT DECLARED - {incident.Severity.Label()} ({level.Name})", new List<Section>
        {
            new(null, new[]
            {
                Field("Time", Stamp(incident.Started)),
                Field("Title", incident.Title),
                Field("Service", incident.Service ?? "Being identified"),
                Field("Impact", incident.Impact ?? "Being assessed"),
                Field("Status", incident.Status.ToString()),
                Field("Lead", Lead(incident)),
                Field("Channel", channel),
            }),
            Bullets("Current Status", notes.Count > 0 ? notes : new[] { nameof(IncidentStatus.Investigating) }),
            Bullets("Next Steps", Steps(nextSteps) ?? DefaultInitialNextSteps),
        });
    }

    private static (string, List<Section>) Update(Incident incident, DateTimeOffset now, IReadOnlyList<string>? nextSteps)
    {
        var since = IncidentText.Duration((incident.Resolved ?? now) - incident.Started);
        var actions = incident.Timeline.Where(e => e.Kind == IncidentEntryKind.Action).OrderBy(e => e.Time).Select(ActionLine).ToList();
        var notes = Notes(incident);
        var eta = incident.NextUpdate is { } next && next > now ? $"Next update by {Stamp(next)}" : DefaultEta;
        return ($"📊 INCIDENT UPDATE - {since} since start", new List<Section>
        {
            new(null, new[] { Field("Incident", $"{incident.Severity.Label()} {incident.Title}"), Field("Status", incident.Status.ToString()) }),
            Bullets("What we know", notes.Count > 0 ? notes : new[] { "Investigation in progress" }),
            Bullets("What we've done", actions.Count > 0 ? actions : new[] { "No changes made yet" }),
            Bullets("Next steps", Steps(nextSteps) ?? new[] { DefaultNextStep }),
            new(null, new[] { Field("ETA", eta) }),
        });
    }

    private static (string, List<Section>) Resolution(Incident incident, DateTimeOffset now)
    {
        var duration = incident.Duration is { } total ? IncidentText.Duration(total)
            : $"{IncidentText.Duration(now - incident.Started)} so far (not resolved yet)";
        var followUps = incident.FollowUps.Concat(DefaultFollowUps).Select(f => new Line("- [ ] ", Text: f)).ToList();
        return ("✅ INCIDENT RESOLVED", new List<Section>
        {
            new(null, new[]
            {
                Field("Incident", $"{incident.Severity.Label()} {incident.Title}"),
                Field("Duration", duration),
                Field("Root Cause", incident.RootCause ?? "Under investigation"),
                Field("Resolution", incident.Resolution ?? "Not documented yet"),
            }),
            new("Impact Summary", new[]
            {
                new Line("- ", "Affected Users", incident.Impact ?? "Not recorded"),
                new Line("- ", "Downtime", duration),
                new Line("- ", "Data Loss", "None reported"),
            }),
            new("Follow-up Actions", followUps),
            new(null, new[] { new Line(string.Empty, Text: "Thank you to everyone who helped resolve this incident.") }),
        });
    }

    private static List<string> Notes(Incident incident) =>
        incident.Timeline.Where(e => e.Kind == IncidentEntryKind.Note).OrderBy(e => e.Time).Select(e => e.Text).ToList();

    private static string ActionLine(IncidentTimelineEntry entry)
    {
        var line = new StringBuilder();
        line.Append(entry.Cmdlet ?? "Change");
        if (entry.Target is { } target)
        {
            line.Append(' ').Append(target);
        }

        if (entry.Action is { } action)
        {
            line.Append(" (").Append(action).Append(')');
        }

        if (entry.Outcome is { } outcome)
        {
            line.Append(": ").Append(outcome);
        }

        return line.ToString();
    }

    private static IReadOnlyList<string>? Steps(IReadOnlyList<string>? steps)
    {
        var list = steps?.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return list is { Count: > 0 } ? list : null;
    }

    private static string Lead(Incident incident) => incident.Lead is { } lead ? "@" + lead.TrimStart('@') : "To be assigned";

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static Line Field(string key, string value) => new(string.Empty, key, value);

    private static Section Bullets(string title, IEnumerable<string> items) => new(title, items.Select(i => new Line("- ", Text: i)).ToList());

    private static string PlainText(string header, List<Section> sections)
    {
        var text = new StringBuilder(Redactor.Redact(header)).Append('\n');
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            if (i > 0)
            {
                text.Append('\n'); // a blank line between sections; the first follows the header directly
            }

            if (section.Title is { } title)
            {
                text.Append(title).Append(":\n");
            }

            foreach (var line in section.Lines)
            {
                text.Append(line.Prefix);
                if (line.Key is { } key)
                {
                    text.Append(key).Append(": ");
                }

                text.Append(Redactor.Redact(Inline(line.Text))).Append('\n');
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string Blocks(string header, List<Section> sections)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("type", "header");
            json.WriteStartObject("text");
            json.WriteString("type", "plain_text");
            json.WriteString("text", Truncate(Redactor.Redact(header), HeaderLimit));
            json.WriteBoolean("emoji", true);
            json.WriteEndObject();
            json.WriteEndObject();
            foreach (var section in sections)
            {
                var mrkdwn = new StringBuilder();
                if (section.Title is { } title)
                {
                    mrkdwn.Append('*').Append(Escape(title)).Append(":*\n");
                }

                foreach (var line in section.Lines)
                {
                    mrkdwn.Append(line.Prefix switch { "- " => "• ", "- [ ] " => "☐ ", _ => string.Empty });
                    if (line.Key is { } key)
                    {
                        mrkdwn.Append('*').Append(Escape(key)).Append(":* ");
                    }

                    mrkdwn.Append(Escape(Redactor.Redact(Inline(line.Text)))).Append('\n');
                }

                json.WriteStartObject();
                json.WriteString("type", "section");
                json.WriteStartObject("text");
                json.WriteString("type", "mrkdwn");
                json.WriteString("text", Truncate(mrkdwn.ToString().TrimEnd('\n'), SectionLimit));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Slack's mrkdwn control characters.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Truncate(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";

    private static string Inline(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private sealed record Section(string? Title, IReadOnlyList<Line> Lines);

    /// <summary>One line: a prefix ("- ", "- [ ] " or none), an optional "Key: ", the value.</summary>
    private sealed record Line(string Prefix, string? Key = null, string Text = "");
}
