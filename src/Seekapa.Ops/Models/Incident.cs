namespace Seekapa.Ops;

/// <summary>
/// An incident record, as stored (one JSON document per incident) and as the incident cmdlets emit it. Settable
/// properties because the store reads, changes and writes it back under its lock.
/// </summary>
public sealed class Incident
{
    /// <summary>sev-N-YYYYMMDD-slug, e.g. sev-2-20240115-api-5xx-spike.</summary>
    public string Id { get; set; } = string.Empty;

    public IncidentSeverity Severity { get; set; }

    /// <summary>"SEV-2".</summary>
    public string SeverityLabel => Severity.Label();

    public string Title { get; set; } = string.Empty;
    public string? Service { get; set; }
    public string? Impact { get; set; }
    public string? Lead { get; set; }
    public IncidentStatus Status { get; set; }
    public DateTimeOffset Started { get; set; }

    /// <summary>Started plus the severity's response time (the runbook's "Response Time").</summary>
    public DateTimeOffset AcknowledgeBy { get; set; }

    /// <summary>When the next status update is due.</summary>
    public DateTimeOffset? NextUpdate { get; set; }

    public DateTimeOffset? Resolved { get; set; }

    /// <summary>The incident's Slack channel, e.g. #sev-2-20240115-api-5xx-spike, when one is known.</summary>
    public string? Channel { get; set; }

    /// <summary>The Slack id of the channel Start-SeekapaIncident created (messages and topic updates go there).</summary>
    public string? SlackChannelId { get; set; }

    /// <summary>The PagerDuty incident acknowledged at the start and resolved by Stop-SeekapaIncident.</summary>
    public string? PagerDutyIncidentId { get; set; }

    /// <summary>Resolved minus Started; null while the incident is open.</summary>
    public TimeSpan? Duration => Resolved is { } resolved ? resolved - Started : null;

    public string? RootCause { get; set; }
    public string? Resolution { get; set; }
    public List<string> FollowUps { get; set; } = new();
    public List<IncidentTimelineEntry> Timeline { get; set; } = new();

    public override string ToString() => Id;
}
