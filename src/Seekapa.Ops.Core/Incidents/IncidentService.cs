using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>What Start-SeekapaIncident asks for.</summary>
public sealed record IncidentStart(IncidentSeverity Severity, string Title, string? Service = null, string? Impact = null,
    string? Lead = null, string? PagerDutyIncidentId = null);

/// <summary>What Set-SeekapaIncident changes; null leaves a field as it is.</summary>
public sealed record IncidentUpdate(IncidentStatus? Status = null, IncidentSeverity? Severity = null, string? Lead = null,
    string? Impact = null, DateTimeOffset? NextUpdate = null);

/// <summary>
/// The incident process over the store: start, update, note, record a change, resolve. Every text that enters the record
/// passes through the redactor first; every change to the record is also a timeline entry.
/// </summary>
public sealed class IncidentService
{
    private readonly TimeProvider _clock;
    private readonly IReadOnlyList<SeverityPolicy> _policy;

    public IncidentService(IIncidentStore store, IReadOnlyList<SeverityPolicy>? policy = null, TimeProvider? clock = null)
    {
        Store = store;
        _policy = policy ?? SeverityPolicyCatalog.Runbook;
        _clock = clock ?? TimeProvider.System;
    }

    public IIncidentStore Store { get; }

    public Incident Start(IncidentStart start, string actor)
    {
        var now = _clock.GetUtcNow();
        var title = Redactor.Redact(start.Title.Trim());
        var incident = new Incident
        {
            Severity = start.Severity,
            Title = title,
            Service = Clean(start.Service),
            Impact = Clean(start.Impact),
            Lead = Clean(start.Lead),
            Status = IncidentStatus.Investigating,
            Started = now,
            AcknowledgeBy = SeverityPolicyCatalog.For(start.Severity, _policy).AcknowledgeBy(now),
            PagerDutyIncidentId = Clean(start.PagerDutyIncidentId),
        };
        incident.Timeline.Add(new IncidentTimelineEntry
        {
            Time = now, Kind = IncidentEntryKind.Declared, Actor = actor, Cmdlet = "Start-SeekapaIncident",
            Text = $"Incident declared: {start.Severity.Label()} {title}, status Investigating" +
                   (incident.Lead is null ? string.Empty : $", lead {incident.Lead}"),
        });
        // The id is built from the redacted title: it becomes the file name and the Slack channel name.
        return Store.Create(incident, IncidentIds.Base(start.Severity, now, title));
    }

    public Incident Update(string id, IncidentUpdate update, string actor) => Store.Update(id, incident =>
    {
        var now = _clock.GetUtcNow();
        if (update.Status is { } status && status != incident.Status)
        {
            if (status == IncidentStatus.Resolved)
            {
                throw IncidentErrors.ResolveWithStop(incident.Id);
            }

            if (incident.Status == IncidentStatus.Resolved)
            {
                throw IncidentErrors.AlreadyResolved(incident.Id);
            }

            Changed(incident, now, actor, "Status", incident.Status.ToString(), status.ToString());
            incident.Status = status;
        }

        if (update.Severity is { } severity && severity != incident.Severity)
        {
            Changed(incident, now, actor, "Severity", incident.Severity.Label(), severity.Label());
            incident.Severity = severity;
            incident.AcknowledgeBy = SeverityPolicyCatalog.For(severity, _policy).AcknowledgeBy(incident.Started);
        }

        if (Clean(update.Lead) is { } lead && lead != incident.Lead)
        {
            Changed(incident, now, actor, "Lead", incident.Lead, lead);
            incident.Lead = lead;
        }

        if (Clean(update.Impact) is { } impact && impact != incident.Impact)
        {
            Changed(incident, now, actor, "Impact", incident.Impact, impact);
            incident.Impact = impact;
        }

        if (update.NextUpdate is { } next && next.ToUniversalTime() != incident.NextUpdate)
        {
            var utc = next.ToUniversalTime();
            Changed(incident, now, actor, "NextUpdate", Stamp(incident.NextUpdate), Stamp(utc));
            incident.NextUpdate = utc;
        }
    });

    public IncidentTimelineEntry AddNote(string id, string message, string actor)
    {
        var entry = new IncidentTimelineEntry
        {
            Time = _clock.GetUtcNow(), Kind = IncidentEntryKind.Note, Actor = actor, Cmdlet = "Add-SeekapaIncidentNote",
            Text = Redactor.Redact(message.Trim()),
        };
        Store.Update(id, incident => incident.Timeline.Add(entry));
        return entry;
    }

    /// <summary>
    /// Appends a change a mutating cmdlet recorded (the automatic timeline); alsoChange updates the record under the same
    /// lock (e.g. the Slack channel that was just created), so the entry and the field never disagree.
    /// </summary>
    public IncidentTimelineEntry AppendChange(string id, ChangeRecord change, string actor, Action<Incident>? alsoChange = null)
    {
        var before = Clean(change.Before);
        var after = Clean(change.After);
        var entry = new IncidentTimelineEntry
        {
            Time = change.Time.ToUniversalTime(), Kind = IncidentEntryKind.Action, Actor = actor, Cmdlet = change.Cmdlet,
            Target = Redactor.Redact(change.Target), Action = Redactor.Redact(change.Action), Outcome = Redactor.Redact(change.Outcome),
            Before = before, After = after,
            Text = Redactor.Redact($"{change.Action} {change.Target}: {change.Outcome}" +
                                   (before is null && after is null ? string.Empty : $" ({before ?? "-"} -> {after ?? "-"})")),
        };
        Store.Update(id, incident =>
        {
            alsoChange?.Invoke(incident);
            incident.Timeline.Add(entry);
        });
        return entry;
    }

    public Incident Resolve(string id, string rootCause, string resolution, IEnumerable<string>? followUps, string actor) =>
        Store.Update(id, incident =>
        {
            if (incident.Status == IncidentStatus.Resolved)
            {
                throw IncidentErrors.AlreadyResolved(incident.Id);
            }

            var now = _clock.GetUtcNow();
            var from = incident.Status;
            incident.Status = IncidentStatus.Resolved;
            incident.Resolved = now;
            incident.RootCause = Redactor.Redact(rootCause.Trim());
            incident.Resolution = Redactor.Redact(resolution.Trim());
            incident.FollowUps.AddRange((followUps ?? Array.Empty<string>())
                .Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => Redactor.Redact(f.Trim())));
            incident.Timeline.Add(new IncidentTimelineEntry
            {
                Time = now, Kind = IncidentEntryKind.Resolved, Actor = actor, Cmdlet = "Stop-SeekapaIncident", Target = "Status",
                Action = "Status", Before = from.ToString(), After = nameof(IncidentStatus.Resolved),
                Text = $"Incident resolved after {IncidentText.Duration(now - incident.Started)}: {incident.Resolution}",
            });
        });

    private static void Changed(Incident incident, DateTimeOffset now, string actor, string field, string? before, string? after) =>
        incident.Timeline.Add(new IncidentTimelineEntry
        {
            Time = now, Kind = IncidentEntryKind.Update, Actor = actor, Cmdlet = "Set-SeekapaIncident", Target = field,
            Action = field, Before = before, After = after, Text = $"{field} {before ?? "-"} -> {after ?? "-"}",
        });

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : Redactor.Redact(text.Trim());

    private static string? Stamp(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'",
        System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Human renderings shared by the record and the post-mortem.</summary>
public static class IncidentText
{
    /// <summary>"1h 23m", "12m 5s", "45s", "2d 3h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s"
            : $"{span.Seconds}s";
    }
}
