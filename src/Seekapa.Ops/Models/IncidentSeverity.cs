namespace Seekapa.Ops;

/// <summary>
/// The runbook's severity levels. The names are SEV1..SEV4 (identifiers cannot hold a dash); the runbook's spelling
/// "SEV-1" is what IncidentSeverityText.Label returns and what the cmdlets also accept as input.
/// </summary>
public enum IncidentSeverity
{
    SEV1 = 1,
    SEV2 = 2,
    SEV3 = 3,
    SEV4 = 4,
}

/// <summary>The incident's state, as the runbook's status updates name it.</summary>
public enum IncidentStatus
{
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

public static class IncidentSeverityText
{
    /// <summary>"SEV-1" for SEV1: the runbook's spelling.</summary>
    public static string Label(this IncidentSeverity severity) => $"SEV-{(int)severity}";

    /// <summary>Accepts SEV1, SEV-1, sev-1, 1 (surrounding blanks ignored).</summary>
    public static bool TryParse(string? text, out IncidentSeverity severity)
    {
        severity = default;
        var value = text?.Trim().ToUpperInvariant().Replace("-", string.Empty, StringComparison.Ordinal) ?? string.Empty;
        if (value.StartsWith("SEV", StringComparison.Ordinal))
        {
            value = value[3..];
        }

        if (value.Length == 1 && value[0] is >= '1' and <= '4')
        {
            severity = (IncidentSeverity)(value[0] - '0');
            return true;
        }

        return false;
    }
}
