using System.Globalization;
using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Triage;

/// <summary>The names of the checks Invoke-SeekapaTriage runs (-Check).</summary>
public static class TriageChecks
{
    public const string Pods = "Pods";
    public const string Rollouts = "Rollouts";
    public const string Events = "Events";
    public const string Logs = "Logs";
    public const string Resources = "Resources";

    /// <summary>The checks of services outside the cluster; they run only when triage is given what to check.</summary>
    public const string Endpoints = "Endpoints";
    public const string Database = "Database";
    public const string Prometheus = "Prometheus";

    public static readonly IReadOnlyList<string> All = new[] { Pods, Rollouts, Events, Logs, Resources, Endpoints, Database, Prometheus };

    public static int Order(string check)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], check, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return All.Count;
    }
}

/// <summary>The runbook headings findings point to (shared/seed/incident-runbook.md).</summary>
public static class RunbookSections
{
    public const string CheckSystemStatus = "Check System Status";
    public const string CheckRecentChanges = "Check Recent Changes";
    public const string RollbackProcedures = "Rollback Procedures";
    public const string MemoryLeakOomKills = "Issue: Memory Leak / OOM Kills";
    public const string ErrorSpike = "Issue: 5XX Error Spike";
    public const string HighApiLatency = "Issue: High API Latency";
    public const string DatabaseConnectionErrors = "Issue: Database Connection Errors";
    public const string Database = "Database";
}

/// <summary>The kind of problem an unhealthy pod has, as triage groups them.</summary>
public static class PodProblemKind
{
    public const string CrashLoopBackOff = "CrashLoopBackOff";
    public const string OOMKilled = "OOMKilled";
    public const string ImagePullBackOff = "ImagePullBackOff";
    public const string Pending = "Pending";
}

/// <summary>
/// The pure rules of triage: how pods, rollouts, events, log lines and usage become findings and which severity each
/// suggests. Kept apart from the reads so that they can be tested from hand-built inputs.
/// </summary>
public static class TriageRules
{
    public const string ErrorPattern = @"ERROR|FATAL|\b5\d\d\b";
    public static readonly TimeSpan RecentOomWindow = TimeSpan.FromHours(1);
    public const double MemoryPressurePercent = 90.0;

    /// <summary>The problem kind of a pod, or null when triage has nothing to say about it.</summary>
    public static string? ProblemKind(PodHealth pod, DateTimeOffset now)
    {
        if (pod.LastTerminationReason == "OOMKilled"
            && (pod.LastTerminationTime is not { } at || now - at <= RecentOomWindow || pod.Status.Contains("CrashLoopBackOff", StringComparison.Ordinal)))
        {
            return PodProblemKind.OOMKilled;
        }

        if (pod.Healthy)
        {
            return null;
        }

        var status = pod.Status;
        if (status.Contains("CrashLoopBackOff", StringComparison.Ordinal))
        {
            return PodProblemKind.CrashLoopBackOff;
        }

        if (status.Contains("ImagePullBackOff", StringComparison.Ordinal) || status.Contains("ErrImagePull", StringComparison.Ordinal)
            || status.Contains("InvalidImageName", StringComparison.Ordinal))
        {
            return PodProblemKind.ImagePullBackOff;
        }

        if (pod.Phase == "Pending" && (status == "Pending" || pod.Problem?.StartsWith("not scheduled", StringComparison.Ordinal) == true))
        {
            return PodProblemKind.Pending;
        }

        return null;
    }

    /// <summary>"ns/Kind/name" of the pod's controlling workload, else of the pod.</summary>
    public static string WorkloadTarget(PodHealth pod) =>
        pod.OwnerName is { Length: > 0 } owner ? $"{pod.Namespace}/{pod.OwnerKind}/{owner}" : $"{pod.Namespace}/Pod/{pod.Name}";

    /// <summary>Check 1: unhealthy pods grouped by problem kind per owner workload.</summary>
    public static IReadOnlyList<Finding> PodFindings(IEnumerable<PodHealth> pods, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var groups = pods.Select(p => (Pod: p, Kind: ProblemKind(p, now)))
            .Where(x => x.Kind is not null)
            .GroupBy(x => (Target: WorkloadTarget(x.Pod), Kind: x.Kind!));
        foreach (var group in groups)
        {
            var list = group.Select(x => x.Pod).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var first = list[0];
            var count = list.Count;
            var podsText = Names(list.Select(p => p.Name));
            var restarts = list.Sum(p => p.Restarts);
            var plural = count == 1 ? "pod" : "pods";
            string evidence, severity, section, next;
            switch (group.Key.Kind)
            {
                case PodProblemKind.OOMKilled:
                    var oom = list.OrderByDescending(p => p.LastTerminationTime ?? DateTimeOffset.MinValue).First();
                    var ago = oom.LastTerminationTime is { } t ? $" {HumanDuration.Format(now - t)} ago" : string.Empty;
                    evidence = $"{count} {plural} OOMKilled (container {oom.LastTerminationContainer}, last{ago}), {restarts} restarts: {podsText}";
                    severity = FindingSeverity.Sev3;
                    section = RunbookSections.MemoryLeakOomKills;
                    next = $"Get-SeekapaPodResourceUsage -Namespace {first.Namespace} -SortBy Memory -Containers";
                    break;
                case PodProblemKind.CrashLoopBackOff:
                    var reasons = string.Join(", ", list.Select(p => p.LastTerminationReason).OfType<string>().Distinct().OrderBy(r => r, StringComparer.Ordinal));
                    evidence = $"{count} {plural} in CrashLoopBackOff, {restarts} restarts{(reasons.Length > 0 ? $", last terminated: {reasons}" : string.Empty)}: {podsText}";
                    severity = FindingSeverity.Sev3;
                    section = RunbookSections.ErrorSpike;
                    next = LogCommand(first, "-Previous -Tail 100");
                    break;
                case PodProblemKind.ImagePullBackOff:
                    evidence = $"{count} {plural} cannot pull their image ({first.Status}): {podsText}";
                    severity = FindingSeverity.Sev3;
                    section = RunbookSections.CheckRecentChanges;
                    next = first.OwnerKind is "Deployment" or "StatefulSet"
                        ? $"Get-SeekapaRolloutHistory {first.OwnerName} -Namespace {first.Namespace}{KindArgument(first.OwnerKind)}"
                        : $"Get-SeekapaEvent -Namespace {first.Namespace} -Type Warning -Since 1h";
                    break;
                default:
                    evidence = $"{count} {plural} Pending{(first.Problem is { } p ? $" ({Shorten(p, 120)})" : string.Empty)}: {podsText}";
                    severity = count > 1 ? FindingSeverity.Sev3 : FindingSeverity.Sev4;
                    section = RunbookSections.CheckSystemStatus;
                    next = $"Get-SeekapaEvent -Namespace {first.Namespace} -Type Warning -Reason FailedScheduling -Since 1h";
                    break;
            }

            findings.Add(new Finding
            {
                Check = TriageChecks.Pods,
                Severity = severity,
                Target = group.Key.Target,
                Namespace = first.Namespace,
                Evidence = evidence,
                RunbookSection = section,
                NextStep = next,
            });
        }

        return findings;
    }

    /// <summary>Check 2: failed or stuck rollouts, with the change that started them when it is known.</summary>
    public static IReadOnlyList<Finding> RolloutFindings(IEnumerable<Deployment> deployments, IEnumerable<RecentChange>? changes)
    {
        var current = (changes ?? Enumerable.Empty<RecentChange>())
            .Where(c => c.Kind == WorkloadKind.Deployment && c.IsCurrent)
            .GroupBy(c => (c.Namespace, c.Name))
            .ToDictionary(g => g.Key, g => g.First());
        var findings = new List<Finding>();
        foreach (var d in deployments)
        {
            if (d.RolloutState is not (RolloutState.Failed or RolloutState.Progressing))
            {
                continue;
            }

            var failed = d.RolloutState == RolloutState.Failed;
            var severity = RolloutSeverity(d);
            var evidence = $"Rollout {d.RolloutState}: {d.AvailableReplicas}/{d.Replicas} available, {d.UpdatedReplicas} up-to-date, revision {d.Revision}";
            if (current.TryGetValue((d.Namespace, d.Name), out var change))
            {
                evidence += $"; changed {change.Age} ago{(change.ChangeCause is { } cause ? $" ({cause})" : string.Empty)}: {ImageChange(change.ImagesBefore, change.ImagesAfter)}";
            }

            if (failed && d.Message is { Length: > 0 } message)
            {
                evidence += $"; {Shorten(message, 120)}";
            }

            findings.Add(new Finding
            {
                Check = TriageChecks.Rollouts,
                Severity = severity,
                Target = $"{d.Namespace}/Deployment/{d.Name}",
                Namespace = d.Namespace,
                Evidence = evidence,
                RunbookSection = failed ? RunbookSections.RollbackProcedures : RunbookSections.CheckRecentChanges,
                NextStep = failed
                    ? $"Invoke-SeekapaRollback {d.Name} -Namespace {d.Namespace} -WhatIf"
                    : $"Wait-SeekapaRollout {d.Name} -Namespace {d.Namespace}",
            });
        }

        return findings;
    }

    /// <summary>Failed with nothing available SEV-1, failed with some SEV-2, stuck with some unavailable SEV-3, else SEV-4.</summary>
    public static string RolloutSeverity(Deployment d) => d.RolloutState switch
    {
        RolloutState.Failed when d.Replicas > 0 && d.AvailableReplicas == 0 => FindingSeverity.Sev1,
        RolloutState.Failed => FindingSeverity.Sev2,
        RolloutState.Progressing when d.AvailableReplicas < d.Replicas => FindingSeverity.Sev3,
        _ => FindingSeverity.Sev4,
    };

    /// <summary>"repo:2.14.0 -> 2.14.1" when only the tag changed, else the full images.</summary>
    public static string ImageChange(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (before.Count == 0)
        {
            return $"(new) -> {string.Join(",", after)}";
        }

        if (before.Count == after.Count)
        {
            var parts = new List<string>();
            for (var i = 0; i < before.Count; i++)
            {
                var (repoA, tagA) = SplitImage(before[i]);
                var (repoB, tagB) = SplitImage(after[i]);
                parts.Add(repoA == repoB && tagA is not null && tagB is not null
                    ? (tagA == tagB ? before[i] : $"{repoA}:{tagA} -> {tagB}")
                    : $"{before[i]} -> {after[i]}");
            }

            return string.Join(", ", parts);
        }

        return $"{string.Join(",", before)} -> {string.Join(",", after)}";
    }

    private static (string Repo, string? Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash && !image.Contains('@', StringComparison.Ordinal) ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }

    /// <summary>Check 3: warning events grouped by namespace and reason, with counts.</summary>
    public static IReadOnlyList<Finding> EventFindings(IEnumerable<ClusterEvent> events, TimeSpan since)
    {
        var window = GoDuration.Format(since);
        var findings = new List<Finding>();
        foreach (var group in events.Where(e => string.Equals(e.Type, "Warning", StringComparison.OrdinalIgnoreCase))
                     .GroupBy(e => (e.Namespace, e.Reason)))
        {
            var list = group.OrderByDescending(e => e.LastSeen ?? DateTimeOffset.MinValue).ToList();
            var total = list.Sum(e => e.Count);
            var objects = list.GroupBy(e => (e.ObjectKind, e.ObjectName)).OrderByDescending(g => g.Sum(e => e.Count)).ToList();
            var top = objects[0].Key;
            var target = $"{group.Key.Namespace}/{top.ObjectKind}/{top.ObjectName}{(objects.Count > 1 ? $" (+{objects.Count - 1} more)" : string.Empty)}";
            var reason = group.Key.Reason;
            findings.Add(new Finding
            {
                Check = TriageChecks.Events,
                Severity = reason is "OOMKilling" or "Evicted" ? FindingSeverity.Sev3 : FindingSeverity.Sev4,
                Target = target,
                Namespace = group.Key.Namespace,
                Evidence = $"{total} {reason} warning{(total == 1 ? string.Empty : "s")} on {objects.Count} object{(objects.Count == 1 ? string.Empty : "s")} in the last {window}; latest: {list[0].Object}: {Shorten(list[0].Message, 120)}",
                RunbookSection = reason switch
                {
                    "OOMKilling" or "Evicted" => RunbookSections.MemoryLeakOomKills,
                    "BackOff" => RunbookSections.ErrorSpike,
                    "Unhealthy" => RunbookSections.HighApiLatency,
                    _ => RunbookSections.CheckSystemStatus,
                },
                NextStep = $"Get-SeekapaEvent -Namespace {group.Key.Namespace} -Type Warning -Reason {reason} -Since {window}",
            });
        }

        return findings;
    }

    /// <summary>What the log check counted for one workload.</summary>
    public sealed record LogSample(string Target, string Namespace, string? OwnerKind, string? OwnerName, IReadOnlyList<string> Pods,
        int Lines, int ErrorLines, string? Example, int FailedStreams);

    /// <summary>Check 4: the error-line rate of a workload's recent logs (nothing when no line matches).</summary>
    public static Finding? LogFinding(LogSample sample, TimeSpan window)
    {
        if (sample.ErrorLines == 0)
        {
            return null;
        }

        var rate = sample.Lines == 0 ? 0 : 100.0 * sample.ErrorLines / sample.Lines;
        var since = GoDuration.Format(window);
        var selection = sample.OwnerKind == "Deployment" && sample.OwnerName is { } deployment
            ? $"-Deployment {deployment}"
            : string.Join(",", sample.Pods);
        return new Finding
        {
            Check = TriageChecks.Logs,
            Severity = rate >= 10 ? FindingSeverity.Sev3 : FindingSeverity.Sev4,
            Target = sample.Target,
            Namespace = sample.Namespace,
            Evidence = $"{sample.ErrorLines} of {sample.Lines} log lines ({rate.ToString("0.#", CultureInfo.InvariantCulture)}%) in the last {since} match ERROR|FATAL|5xx across {sample.Pods.Count} pod{(sample.Pods.Count == 1 ? string.Empty : "s")}"
                       + (sample.Example is { } e ? $"; e.g. \"{Shorten(e, 100)}\"" : string.Empty),
            RunbookSection = RunbookSections.ErrorSpike,
            NextStep = $"Get-SeekapaPodLog {selection} -Namespace {sample.Namespace} -Since {(long)window.TotalSeconds} -Pattern '{ErrorPattern}'",
        };
    }

    /// <summary>Check 5: containers above 90% of their memory limit, grouped per workload and container.</summary>
    public static IReadOnlyList<Finding> MemoryFindings(IEnumerable<PodResourceUsage> usage, IReadOnlyDictionary<(string Namespace, string Name), PodHealth> pods)
    {
        var findings = new List<Finding>();
        var hot = usage.Where(u => u.Container is not null && u.MemoryLimitPercent is >= MemoryPressurePercent);
        foreach (var group in hot.GroupBy(u =>
                 {
                     var pod = pods.TryGetValue((u.Namespace, u.Name), out var p) ? p : null;
                     return (Target: pod is null ? $"{u.Namespace}/Pod/{u.Name}" : WorkloadTarget(pod), Container: u.Container!,
                         OwnerKind: pod?.OwnerKind, OwnerName: pod?.OwnerName);
                 }))
        {
            var list = group.OrderByDescending(u => u.MemoryLimitPercent).ToList();
            var top = list[0];
            var limit = top.MemoryLimit ?? "?";
            var ns = top.Namespace;
            var owner = group.Key.OwnerKind is "Deployment" or "StatefulSet" ? group.Key.OwnerName : null;
            var suggested = SuggestMemoryLimit(top.MemoryLimit);
            findings.Add(new Finding
            {
                Check = TriageChecks.Resources,
                Severity = FindingSeverity.Sev3,
                Target = group.Key.Target,
                Namespace = ns,
                Evidence = $"{list.Count} pod{(list.Count == 1 ? string.Empty : "s")} above {MemoryPressurePercent:0}% of the {limit} memory limit (container {group.Key.Container}); highest {top.Name} {top.Memory} ({top.MemoryLimitPercent?.ToString("0.#", CultureInfo.InvariantCulture)}%)",
                RunbookSection = RunbookSections.MemoryLeakOomKills,
                NextStep = owner is not null && suggested is not null
                    ? $"Set-SeekapaContainerResource {owner} -Namespace {ns}{KindArgument(group.Key.OwnerKind)} -Container {group.Key.Container} -MemoryLimit {suggested} -WhatIf"
                    : $"Get-SeekapaPodResourceUsage -Namespace {ns} -SortBy Memory -Containers",
            });
        }

        return findings;
    }

    /// <summary>Twice the current limit, in Gi when whole, else Mi (the runbook's temporary increase).</summary>
    public static string? SuggestMemoryLimit(string? limit)
    {
        if (!Quantity.TryParse(limit, out var q) || q.Sign <= 0)
        {
            return null;
        }

        var bytes = q.Nanos / 1_000_000_000 * 2;
        const long mi = 1024 * 1024;
        const long gi = 1024 * mi;
        if (bytes % gi == 0)
        {
            return $"{bytes / gi}Gi";
        }

        return $"{(bytes + mi - 1) / mi}Mi";
    }

    /// <summary>A check that could not run: an Info finding carrying the error, never a crash.</summary>
    public static Finding CheckFailed(string check, string scope, Exception error) => new()
    {
        Check = check,
        Severity = FindingSeverity.Info,
        Target = error is SeekapaException { ErrorId: "MetricsApiUnavailable" } ? "metrics.k8s.io/v1beta1" : scope,
        Namespace = scope,
        Evidence = $"{check} check could not run: {(error is SeekapaException s ? $"{s.ErrorId}: " : string.Empty)}{Shorten(error.Message, 240)}",
        RunbookSection = RunbookSections.CheckSystemStatus,
        NextStep = error is SeekapaException { RecommendedAction: { Length: > 0 } action } ? action : null,
    };

    /// <summary>Most severe first; then by check order and target.</summary>
    public static List<Finding> Sort(IEnumerable<Finding> findings) => findings
        .OrderBy(f => f.SeverityRank)
        .ThenBy(f => TriageChecks.Order(f.Check))
        .ThenBy(f => f.Target, StringComparer.Ordinal)
        .ToList();

    /// <summary>The overall suggestion: the most severe finding's level, with the policy's name and why; null when no finding has a level.</summary>
    public static string? Suggest(IReadOnlyList<Finding> findings, out string summary)
    {
        var top = findings.Where(f => f.SeverityRank <= 4).OrderBy(f => f.SeverityRank).FirstOrDefault();
        if (top is null)
        {
            summary = findings.Count == 0 ? "No findings." : "No finding suggests an incident severity (Info only).";
            return null;
        }

        IncidentSeverityText.TryParse(top.Severity, out var level);
        var name = SeverityPolicyCatalog.For(level).Name;
        var same = findings.Count(f => f.SeverityRank == top.SeverityRank);
        summary = $"Suggested severity: {top.Severity} ({name}): {top.Check} {top.Target}{(same > 1 ? $" and {same - 1} more at that level" : string.Empty)}. Check with Get-SeekapaSeverityPolicy.";
        return top.Severity;
    }

    private static string LogCommand(PodHealth pod, string options) => pod.OwnerKind == "Deployment" && pod.OwnerName is { } d
        ? $"Get-SeekapaPodLog -Deployment {d} -Namespace {pod.Namespace} {options}"
        : $"Get-SeekapaPodLog {pod.Name} -Namespace {pod.Namespace} {options}";

    private static string KindArgument(string? kind) => kind == "StatefulSet" ? " -Kind StatefulSet" : string.Empty;

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 3 ? string.Join(", ", list) : $"{string.Join(", ", list.Take(3))} (+{list.Count - 3} more)";
    }

    private static string Shorten(string text, int max)
    {
        var single = Regex.Replace(text, @"\s+", " ").Trim();
        return single.Length <= max ? single : single[..(max - 3)] + "...";
    }
}
