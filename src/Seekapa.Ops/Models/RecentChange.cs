namespace Seekapa.Ops;

/// <summary>
/// One rollout of a workload inside a time window: a revision that became the one the workload runs, with the images
/// it replaced. Kind, Name and Namespace bind by property name, so a row pipes into Get-SeekapaRolloutHistory or
/// Invoke-SeekapaRollback.
/// </summary>
public sealed class RecentChange
{
    public WorkloadKind Kind { get; init; }
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The workload's name (not the ReplicaSet's).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The revision that was rolled out.</summary>
    public int Revision { get; init; }

    /// <summary>When the revision became current; how it was determined is in <see cref="TimeSource"/>.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>
    /// Where <see cref="Time"/> comes from: "ReplicaSetCreated" (a new ReplicaSet), "ProgressingCondition" (a ReplicaSet
    /// re-used by a rollback: the Deployment's Progressing condition lastUpdateTime, an upper bound of the rollback time),
    /// or "ControllerRevisionCreated".
    /// </summary>
    public string TimeSource { get; init; } = string.Empty;

    /// <summary>kubectl-style age of <see cref="Time"/>, e.g. "20m".</summary>
    public string Age { get; init; } = "<unknown>";

    /// <summary>The kubernetes.io/change-cause of the revision (else of its template); null when there is none.</summary>
    public string? ChangeCause { get; init; }

    /// <summary>The images of the previous revision (the next lower number); empty for a workload's first revision.</summary>
    public IReadOnlyList<string> ImagesBefore { get; init; } = Array.Empty<string>();

    /// <summary>The images of this revision.</summary>
    public IReadOnlyList<string> ImagesAfter { get; init; } = Array.Empty<string>();

    /// <summary>The revision the rollout replaced, when the workload still has it.</summary>
    public int? PreviousRevision { get; init; }

    /// <summary>True when this revision is the one the workload runs now.</summary>
    public bool IsCurrent { get; init; }

    /// <summary>The workload's rollout state, on the row of its current revision; null on rows that have been superseded.</summary>
    public RolloutState? RolloutState { get; init; }

    /// <summary>kubectl rollout status's message (or the failed condition's), on the current revision's row.</summary>
    public string? RolloutMessage { get; init; }

    /// <summary>The ReplicaSet holding the revision (Deployments).</summary>
    public string? ReplicaSet { get; init; }

    /// <summary>The ControllerRevision holding the revision (StatefulSets).</summary>
    public string? ControllerRevision { get; init; }

    /// <summary>"image-a, image-b -> image-c", the view's IMAGES column; "(new) -> ..." for a first revision.</summary>
    public string ImageChange => $"{(ImagesBefore.Count == 0 ? "(new)" : string.Join(",", ImagesBefore))} -> {string.Join(",", ImagesAfter)}";

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name} revision {Revision} at {Time:u}";
}
