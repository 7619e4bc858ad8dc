namespace Seekapa.Ops;

/// <summary>One line of a container's log, as Get-SeekapaPodLog emits it.</summary>
public sealed class LogLine
{
    public string Kind => "LogLine";
    public string Namespace { get; init; } = string.Empty;
    public string Pod { get; init; } = string.Empty;
    public string Container { get; init; } = string.Empty;

    /// <summary>When the container runtime recorded the line (the kubelet's RFC3339Nano timestamp); null if the server sent none.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The line's number within the log the server returned for this container (1-based, counted before -Pattern filters).</summary>
    public long LineNumber { get; init; }

    /// <summary>The text without the trailing newline; with -Timestamps it starts with the timestamp, as kubectl --timestamps shows it.</summary>
    public string Line { get; init; } = string.Empty;

    /// <summary>kubectl logs --prefix form.</summary>
    public override string ToString() => $"[pod/{Pod}/{Container}] {Line}";
}
