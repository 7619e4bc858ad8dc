namespace Seekapa.Ops;

/// <summary>The runbook's communication templates.</summary>
public enum IncidentMessageKind
{
    /// <summary>Initial Incident Notification.</summary>
    Initial,

    /// <summary>Status Update.</summary>
    Update,

    /// <summary>Resolution Notification.</summary>
    Resolution,
}

/// <summary>A filled communication template: plain text (what prints) and the same content as Slack Block Kit blocks.</summary>
public sealed class IncidentMessage
{
    public IncidentMessageKind Kind { get; init; }
    public string IncidentId { get; init; } = string.Empty;

    /// <summary>The incident's channel, else the runbook's #incident-YYYYMMDD-slug.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The Slack id of the incident's channel, when Start-SeekapaIncident created it; messages are posted there.</summary>
    public string? ChannelId { get; init; }

    public string Text { get; init; } = string.Empty;

    /// <summary>A JSON array of Block Kit blocks: a header block, then section blocks in mrkdwn.</summary>
    public string SlackBlocksJson { get; init; } = "[]";

    public override string ToString() => Text;
}

/// <summary>What Slack answered to a posted message.</summary>
public sealed class SlackMessageResult
{
    /// <summary>The channel the message was sent to, as given.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The channel id Slack answered with, e.g. C0123456789.</summary>
    public string? ChannelId { get; init; }

    /// <summary>The message's timestamp: its id in the channel, and the -ThreadTs to reply in its thread.</summary>
    public string? Ts { get; init; }

    public bool Ok { get; init; }

    /// <summary>Initial, Update, Resolution, or Message for free text.</summary>
    public string Kind { get; init; } = string.Empty;

    public string? IncidentId { get; init; }

    /// <summary>How many requests it took (429 answers are retried).</summary>
    public int Attempts { get; init; }

    public override string ToString() => $"{Channel} {Ts}";
}
