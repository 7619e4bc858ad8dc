namespace Seekapa.Ops;

/// <summary>What happened to a pod Remove-SeekapaPod deleted.</summary>
public enum PodRemovalOutcome
{
    /// <summary>The pod is gone.</summary>
    Deleted,

    /// <summary>The server kept the pod with a deletionTimestamp while its containers stop (the grace period).</summary>
    Terminating,
}

/// <summary>The result of deleting one pod.</summary>
public sealed class PodRemoval
{
    public string Kind => "Pod";
    public string Namespace { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public PodRemovalOutcome Outcome { get; init; }

    /// <summary>The grace period the deletion was sent with; null when the pod's own terminationGracePeriodSeconds applies.</summary>
    public long? GracePeriod { get; init; }

    /// <summary>The uid of the pod that was deleted (a StatefulSet pod recreated under the same name has a new one).</summary>
    public string? Uid { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Namespace}/{Name} {Outcome}";
}
