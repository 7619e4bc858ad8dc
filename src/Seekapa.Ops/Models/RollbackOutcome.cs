namespace Seekapa.Ops;

/// <summary>What Invoke-SeekapaRollback did.</summary>
public enum RollbackOutcome
{
    /// <summary>The workload's template was replaced by the target revision's.</summary>
    RolledBack,

    /// <summary>The current template already matches the target revision: nothing was sent (kubectl's "skipped rollback").</summary>
    Skipped,
}
