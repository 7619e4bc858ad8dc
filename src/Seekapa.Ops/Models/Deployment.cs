namespace Seekapa.Ops;

/// <summary>One Deployment as `kubectl get deployment -o wide` shows it, plus its revision and where its rollout stands.</summary>
public sealed class Deployment
{
    /// <summary>Always Deployment, so that piping into Invoke-SeekapaRollback or Wait-SeekapaRollout binds -Kind.</summary>
    public WorkloadKind Kind => WorkloadKind.Deployment;
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    /// <summary>kubectl READY: ready replicas / desired replicas, e.g. "2/3".</summary>
    public string Ready { get; init; } = "0/0";

    /// <summary>spec.replicas, the desired count.</summary>
    public int Replicas { get; init; }
    public int ReadyReplicas { get; init; }

    /// <summary>kubectl UP-TO-DATE: replicas running the current template.</summary>
    public int UpdatedReplicas { get; init; }
    public int AvailableReplicas { get; init; }

    /// <summary>kubectl AGE (HumanDuration), e.g. "2d1h".</summary>
    public string Age { get; init; } = "<unknown>";
    public DateTimeOffset? Created { get; init; }

    /// <summary>The deployment.kubernetes.io/revision annotation: the revision of the current ReplicaSet (0 when unset).</summary>
    public int Revision { get; init; }

    /// <summary>The images of the template's containers, in order.</summary>
    public IReadOnlyList<string> Images { get; init; } = Array.Empty<string>();

    /// <summary>The names of the template's containers, in order.</summary>
    public IReadOnlyList<string> Containers { get; init; } = Array.Empty<string>();

    /// <summary>kubectl SELECTOR, e.g. "app=backend".</summary>
    public string? Selector { get; init; }
    public bool Paused { get; init; }
    public RolloutState RolloutState { get; init; }

    /// <summary>kubectl rollout status's message, or the Progressing condition's message when the rollout failed.</summary>
    public string? Message { get; init; }

    public long Generation { get; init; }
    public long ObservedGeneration { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyMap;
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyMap;

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();

    public override string ToString() => $"{Namespace}/{Name}";
}
