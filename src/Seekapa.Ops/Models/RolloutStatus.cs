namespace Seekapa.Ops;

/// <summary>Where a rollout stood when Wait-SeekapaRollout (or Invoke-SeekapaRollback -Wait) finished waiting.</summary>
public sealed class RolloutStatus
{
    public WorkloadKind Kind { get; init; }
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    /// <summary>The Deployment's revision annotation; for a StatefulSet the number of its update revision, if known.</summary>
    public int? Revision { get; init; }

    public bool Complete { get; init; }
    public RolloutState State { get; init; }

    /// <summary>kubectl rollout status's last message, e.g. deployment "backend" successfully rolled out.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>spec.replicas.</summary>
    public int? DesiredReplicas { get; init; }
    public int Replicas { get; init; }
    public int UpdatedReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public int AvailableReplicas { get; init; }

    /// <summary>StatefulSets: status.currentRevision and status.updateRevision (ControllerRevision names).</summary>
    public string? CurrentRevisionName { get; init; }
    public string? UpdateRevisionName { get; init; }

    public TimeSpan Elapsed { get; init; }

    public override string ToString() => Message;
}
