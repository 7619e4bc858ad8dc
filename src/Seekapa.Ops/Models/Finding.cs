namespace Seekapa.Ops;

/// <summary>
/// One result of Invoke-SeekapaTriage: what a check saw, how severe it looks, where in the runbook to read on, and the
/// exact command line to run next.
/// </summary>
public sealed class Finding
{
    /// <summary>The check that produced it: Pods, Rollouts, Events, Logs or Resources.</summary>
    public string Check { get; init; } = string.Empty;

    /// <summary>A suggestion: SEV-1..SEV-4 as the runbook defines them, or Info (e.g. a check that could not run).</summary>
    public string Severity { get; init; } = FindingSeverity.Info;

    /// <summary>1..4 for SEV-1..SEV-4, 5 for Info: sort ascending for most severe first.</summary>
    public int SeverityRank => FindingSeverity.Rank(Severity);

    /// <summary>"namespace/Kind/name" of the object concerned (a namespace or API group when the check is cluster-wide).</summary>
    public string Target { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    /// <summary>Short text with the numbers, e.g. "2/3 pods in CrashLoopBackOff (14 restarts)".</summary>
    public string Evidence { get; init; } = string.Empty;

    /// <summary>The heading of the incident runbook to read on, e.g. "Rollback Procedures".</summary>
    public string? RunbookSection { get; init; }

    /// <summary>The exact command line to run next.</summary>
    public string? NextStep { get; init; }

    public override string ToString() => $"{Severity} {Check} {Target}: {Evidence}";
}

/// <summary>The severity labels a finding can carry.</summary>
public static class FindingSeverity
{
    public const string Sev1 = "SEV-1";
    public const string Sev2 = "SEV-2";
    public const string Sev3 = "SEV-3";
    public const string Sev4 = "SEV-4";
    public const string Info = "Info";

    public static int Rank(string severity) => severity switch
    {
        Sev1 => 1,
        Sev2 => 2,
        Sev3 => 3,
        Sev4 => 4,
        _ => 5,
    };
}
