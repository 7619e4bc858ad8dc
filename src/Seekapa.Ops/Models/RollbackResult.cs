namespace Seekapa.Ops;

/// <summary>What Invoke-SeekapaRollback did to one workload.</summary>
public sealed class RollbackResult
{
    public WorkloadKind Kind { get; init; }
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    /// <summary>The revision the workload ran before (the Deployment's revision annotation; the sts update revision).</summary>
    public int? FromRevision { get; init; }

    /// <summary>The revision whose template was restored.</summary>
    public int ToRevision { get; init; }

    public RollbackOutcome Outcome { get; init; }

    /// <summary>kubectl's words: "rolled back", or "skipped rollback (current template already matches revision N)".</summary>
    public string Message { get; init; } = string.Empty;

    public IReadOnlyList<string> ImagesBefore { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ImagesAfter { get; init; } = Array.Empty<string>();

    /// <summary>The rollout status after waiting (only with -Wait).</summary>
    public RolloutStatus? Status { get; init; }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name} {Message}";
}
