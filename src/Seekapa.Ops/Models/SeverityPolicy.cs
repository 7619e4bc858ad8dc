namespace Seekapa.Ops;

/// <summary>One severity level of the policy (the runbook's "Incident Severity Levels", or a policy file's override).</summary>
public sealed class SeverityPolicy
{
    public IncidentSeverity Severity { get; init; }

    /// <summary>"SEV-1".</summary>
    public string Label => Severity.Label();

    /// <summary>"Critical", "High", "Medium", "Low".</summary>
    public string Name { get; init; } = string.Empty;

    public string Definition { get; init; } = string.Empty;

    /// <summary>The runbook's words, e.g. "Immediate (&lt; 5 minutes)" or "Next business day".</summary>
    public string ResponseTimeText { get; init; } = string.Empty;

    /// <summary>The acknowledge deadline after the start; null when it is the next business day (see NextBusinessDay).</summary>
    public TimeSpan? ResponseTime { get; init; }

    /// <summary>True when the response is due by the end of the next business day (Monday..Friday, UTC) instead.</summary>
    public bool NextBusinessDay { get; init; }

    public string Escalation { get; init; } = string.Empty;

    public IReadOnlyList<string> Examples { get; init; } = Array.Empty<string>();

    /// <summary>Where the level came from: "runbook" or the policy file's path.</summary>
    public string Source { get; init; } = "runbook";

    /// <summary>When an incident of this severity started at <paramref name="started"/> must be acknowledged.</summary>
    public DateTimeOffset AcknowledgeBy(DateTimeOffset started)
    {
        if (!NextBusinessDay && ResponseTime is { } response)
        {
            return started + response;
        }

        // The end (midnight UTC) of the first weekday after the start's day.
        var day = started.UtcDateTime.Date.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        return new DateTimeOffset(day.AddDays(1), TimeSpan.Zero);
    }

    public override string ToString() => $"{Label} ({Name})";
}
