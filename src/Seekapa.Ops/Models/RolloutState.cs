namespace Seekapa.Ops;

/// <summary>Where a workload's rollout stands, as kubectl rollout status would judge it.</summary>
public enum RolloutState
{
    /// <summary>Every replica runs the current template and is available.</summary>
    Complete,

    /// <summary>The controller is still replacing or starting replicas, or has not observed the latest spec yet.</summary>
    Progressing,

    /// <summary>The Progressing condition says ProgressDeadlineExceeded: the rollout is stuck (e.g. crash-looping image).</summary>
    Failed,

    /// <summary>spec.paused is set: nothing rolls out until it is resumed.</summary>
    Paused,
}
