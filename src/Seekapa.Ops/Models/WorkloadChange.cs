namespace Seekapa.Ops;

/// <summary>What a workload cmdlet did.</summary>
public enum WorkloadAction
{
    Restart,
    Scale,
    SetResources,
    SetEnv,
}

/// <summary>Whether the change landed or the object already had the requested state (nothing was sent).</summary>
public enum ChangeOutcome
{
    Changed,
    Unchanged,
}

/// <summary>
/// The result of Restart-SeekapaWorkload, Set-SeekapaWorkloadScale, Set-SeekapaContainerResource and Set-SeekapaContainerEnv.
/// Before/After are short summaries ("replicas 3" -> "replicas 10"); they never contain secret values.
/// </summary>
public sealed class WorkloadChange
{
    public WorkloadKind Kind { get; init; }
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public WorkloadAction Action { get; init; }
    public ChangeOutcome Outcome { get; init; }

    /// <summary>The state before, e.g. "replicas 3" or "backend limits.memory 2Gi".</summary>
    public string? Before { get; init; }

    /// <summary>The state after, e.g. "replicas 10" or "backend limits.memory 4Gi".</summary>
    public string? After { get; init; }

    /// <summary>One line per changed item, e.g. "backend limits.memory 2Gi -> 4Gi".</summary>
    public IReadOnlyList<string> Changes { get; init; } = Array.Empty<string>();

    /// <summary>The object's resourceVersion after the change (before it, when Unchanged).</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>metadata.generation after the change (what Wait-SeekapaRollout waits for the controller to observe).</summary>
    public long? Generation { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name} {Action} {Outcome}";
}
