namespace Seekapa.Ops;

/// <summary>What a timeline entry records.</summary>
public enum IncidentEntryKind
{
    /// <summary>Start-SeekapaIncident declared the incident.</summary>
    Declared,

    /// <summary>A note (Add-SeekapaIncidentNote).</summary>
    Note,

    /// <summary>A change a mutating cmdlet made, recorded automatically.</summary>
    Action,

    /// <summary>A change to the incident itself: status, severity, lead, impact, next update.</summary>
    Update,

    /// <summary>Stop-SeekapaIncident resolved the incident.</summary>
    Resolved,
}

/// <summary>One line of an incident's timeline. Every text in it has passed through the redactor before storage.</summary>
public sealed class IncidentTimelineEntry
{
    public DateTimeOffset Time { get; init; }
    public IncidentEntryKind Kind { get; init; }

    /// <summary>Who did it: the user name (or, later, the Azure identity).</summary>
    public string Actor { get; init; } = string.Empty;

    /// <summary>The cmdlet that made the change, e.g. Set-SeekapaWorkloadScale.</summary>
    public string? Cmdlet { get; init; }

    /// <summary>What was changed, e.g. "seekapa-production/deployment/backend-deployment", or "Status" for an update.</summary>
    public string? Target { get; init; }

    public string? Action { get; init; }
    public string? Outcome { get; init; }
    public string? Before { get; init; }
    public string? After { get; init; }

    /// <summary>One human line: the note, or a summary of the change.</summary>
    public string Text { get; init; } = string.Empty;

    public override string ToString() => $"{Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {Actor}: {Text}";
}
