namespace Seekapa.Ops;

/// <summary>One revision of a workload's rollout history: a ReplicaSet of a Deployment or a ControllerRevision of a StatefulSet.</summary>
public sealed class RolloutRevision
{
    public WorkloadKind Kind { get; init; }
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The workload's name (not the ReplicaSet's), so that piping into Invoke-SeekapaRollback binds.</summary>
    public string Name { get; init; } = string.Empty;
    public int Revision { get; init; }

    /// <summary>The kubernetes.io/change-cause annotation of the revision (else of its template); null when there is none.</summary>
    public string? ChangeCause { get; init; }

    public IReadOnlyList<string> Images { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Containers { get; init; } = Array.Empty<string>();

    /// <summary>The names of the environment variables set by the template, as "container:NAME" (values are never shown).</summary>
    public IReadOnlyList<string> Environment { get; init; } = Array.Empty<string>();

    /// <summary>When the ReplicaSet or ControllerRevision was created: when this revision was first rolled out.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>True for the revision the workload's spec currently runs.</summary>
    public bool IsCurrent { get; init; }

    /// <summary>The ReplicaSet holding this revision (Deployments).</summary>
    public string? ReplicaSet { get; init; }

    /// <summary>The ControllerRevision holding this revision (StatefulSets).</summary>
    public string? ControllerRevision { get; init; }

    /// <summary>Replicas the ReplicaSet currently runs (Deployments).</summary>
    public int? Replicas { get; init; }

    /// <summary>Earlier numbers this revision had before rollbacks re-used it (deployment.kubernetes.io/revision-history).</summary>
    public IReadOnlyList<int> PreviousRevisions { get; init; } = Array.Empty<int>();

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name} revision {Revision}";
}
