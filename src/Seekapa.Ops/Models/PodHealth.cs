namespace Seekapa.Ops;

/// <summary>One pod as an on-call engineer needs to see it: kubectl's exact columns plus why it is or is not healthy.</summary>
public sealed class PodHealth
{
    public string Kind => "Pod";
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    /// <summary>kubectl READY, e.g. "1/2".</summary>
    public string Ready { get; init; } = "0/0";
    public int ReadyContainers { get; init; }
    public int TotalContainers { get; init; }

    /// <summary>kubectl STATUS (printPod), e.g. CrashLoopBackOff, Init:0/2, Terminating.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>status.phase as the API reports it.</summary>
    public string? Phase { get; init; }

    /// <summary>kubectl's restart count (the containers it counts for STATUS).</summary>
    public int Restarts { get; init; }

    /// <summary>kubectl RESTARTS, e.g. "5 (3m12s ago)".</summary>
    public string RestartsDisplay { get; init; } = "0";

    /// <summary>When a counted container last terminated before a restart.</summary>
    public DateTimeOffset? LastRestartTime { get; init; }

    /// <summary>kubectl AGE (HumanDuration), e.g. "2d1h".</summary>
    public string Age { get; init; } = "<unknown>";
    public DateTimeOffset? Created { get; init; }

    public string? Node { get; init; }
    public string? IP { get; init; }

    /// <summary>The controlling workload, e.g. "Deployment/backend-deployment", resolved through its ReplicaSet.</summary>
    public string? Owner { get; init; }
    public string? OwnerKind { get; init; }
    public string? OwnerName { get; init; }

    /// <summary>See about_Seekapa.Ops: Running with every container ready (or Completed) and no crash in the last hour.</summary>
    public bool Healthy { get; init; }

    /// <summary>Why the pod is not healthy; null when it is.</summary>
    public string? Problem { get; init; }

    /// <summary>The most recent lastState.terminated reason of any container, e.g. OOMKilled, visible after the restart.</summary>
    public string? LastTerminationReason { get; init; }
    public int? LastTerminationExitCode { get; init; }
    public DateTimeOffset? LastTerminationTime { get; init; }
    public string? LastTerminationContainer { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    public override string ToString() => $"{Namespace}/{Name}";
}
