using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.Core.Triage;

/// <summary>What Invoke-SeekapaTriage asks for.</summary>
/// <param name="Checks">The checks to run (TriageChecks names, case-insensitive); null or empty: all.</param>
/// <param name="Since">The window of the event check; default one hour.</param>
/// <param name="Probes">The checks of services outside the cluster (database, health endpoints, Prometheus) that the caller
/// configured; each runs beside the Kubernetes checks, under the same -Check selection and the same failure rule.</param>
public sealed record TriageOptions(string? Namespace, bool AllNamespaces, IReadOnlyCollection<string>? Checks = null, TimeSpan? Since = null,
    IReadOnlyList<TriageProbe>? Probes = null)
{
    public static readonly TimeSpan DefaultSince = TimeSpan.FromHours(1);
    public static readonly TimeSpan LogWindow = TimeSpan.FromMinutes(15);
    public const int LogTail = 200;

    /// <summary>How far back the rollout check looks for the change that started a stuck rollout.</summary>
    public static readonly TimeSpan ChangeWindow = TimeSpan.FromDays(30);
}

/// <summary>One configured outside check: its name (a TriageChecks name), what it looks at, and how it finds.</summary>
public sealed record TriageProbe(string Check, string Target, Func<CancellationToken, Task<IReadOnlyList<Finding>>> Run);

/// <summary>The findings (most severe first) and the overall severity they suggest.</summary>
public sealed record TriageReport(IReadOnlyList<Finding> Findings, string? SuggestedSeverity, string Summary);

/// <summary>
/// The runbook's initial assessment, read-only: the Kubernetes checks run concurrently, each on the existing readers;
/// a check that fails (Forbidden, no metrics API, ...) becomes an Info finding and the others still run.
/// </summary>
public sealed class TriageRunner(ClusterSession session, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public async Task<TriageReport> RunAsync(TriageOptions options, CancellationToken ct)
    {
        var ns = options.AllNamespaces ? null : options.Namespace ?? session.DefaultNamespace;
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        var since = options.Since ?? TriageOptions.DefaultSince;
        if (since <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidDuration", FailureCategory.InvalidArgument,
                $"-Since must be a positive duration (got {GoDuration.Format(since)}).", since);
        }

        var selected = options.Checks is { Count: > 0 } checks
            ? new HashSet<string>(checks, StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>(TriageChecks.All, StringComparer.OrdinalIgnoreCase);
        var scope = ns ?? "(all namespaces)";

        // One pod list serves the pod, log and resource checks.
        Task<List<PodHealth>>? podsTask = null;
        Task<List<PodHealth>> Pods() => podsTask ??= ReadPodsAsync(ns, options.AllNamespaces, ct);

        var tasks = new List<Task<IReadOnlyList<Finding>>>();
        if (selected.Contains(TriageChecks.Pods))
        {
            tasks.Add(Guarded(TriageChecks.Pods, scope, async () => TriageRules.PodFindings(await Pods().ConfigureAwait(false), _clock()), ct));
        }

        if (selected.Contains(TriageChecks.Rollouts))
        {
            tasks.Add(Guarded(TriageChecks.Rollouts, scope, () => RolloutsAsync(ns, options.AllNamespaces, ct), ct));
        }

        if (selected.Contains(TriageChecks.Events))
        {
            tasks.Add(Guarded(TriageChecks.Events, scope, () => EventsAsync(ns, options.AllNamespaces, since, ct), ct));
        }

        if (selected.Contains(TriageChecks.Logs))
        {
            tasks.Add(Guarded(TriageChecks.Logs, scope, () => LogsAsync(Pods(), ct), ct));
        }

        if (selected.Contains(TriageChecks.Resources))
        {
            tasks.Add(Guarded(TriageChecks.Resources, scope, () => ResourcesAsync(ns, options.AllNamespaces, Pods(), ct), ct));
        }

        foreach (var probe in options.Probes ?? Array.Empty<TriageProbe>())
        {
            if (selected.Contains(probe.Check))
            {
                tasks.Add(Guarded(probe.Check, probe.Target, () => probe.Run(ct), ct));
            }
        }

        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var findings = TriageRules.Sort(results.SelectMany(r => r));
        var suggested = TriageRules.Suggest(findings, out var summary);
        return new TriageReport(findings, suggested, summary);
    }

    private static async Task<IReadOnlyList<Finding>> Guarded(string check, string scope, Func<Task<IReadOnlyList<Finding>>> run, CancellationToken ct)
    {
        try
        {
            // Off the caller's thread at once, so that the checks really run side by side.
            return await Task.Run(run, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return new[] { TriageRules.CheckFailed(check, scope, ex) };
        }
    }

    private async Task<List<PodHealth>> ReadPodsAsync(string? ns, bool all, CancellationToken ct)
    {
        var reader = new PodHealthReader(session, _clock);
        var pods = new List<PodHealth>();
        await foreach (var pod in reader.ReadAsync(new PodQuery(ns, all, null, new NameFilter(null)), ct).ConfigureAwait(false))
        {
            pods.Add(pod);
        }

        return pods;
    }

    private async Task<IReadOnlyList<Finding>> RolloutsAsync(string? ns, bool all, CancellationToken ct)
    {
        var changesTask = new RecentChangeReader(session, _clock)
            .ReadAsync(new RecentChangeQuery(ns, all, TriageOptions.ChangeWindow, new NameFilter(null)), ct);
        var deployments = new List<Deployment>();
        await foreach (var d in new DeploymentReader(session, _clock).ReadAsync(new DeploymentQuery(ns, all, null, new NameFilter(null)), ct)
                           .ConfigureAwait(false))
        {
            deployments.Add(d);
        }

        IReadOnlyList<RecentChange>? changes;
        try
        {
            changes = await changesTask.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The rollout state is what matters; "what changed" is a bonus (e.g. no right to list replicasets).
            changes = null;
        }

        return TriageRules.RolloutFindings(deployments, changes);
    }

    private async Task<IReadOnlyList<Finding>> EventsAsync(string? ns, bool all, TimeSpan since, CancellationToken ct)
    {
        var events = await new EventReader(session, _clock)
            .ReadAsync(new EventQuery(ns, all, Types: new[] { "Warning" }, Since: since), ct).ConfigureAwait(false);
        return TriageRules.EventFindings(events, since);
    }

    private async Task<IReadOnlyList<Finding>> LogsAsync(Task<List<PodHealth>> podsTask, CancellationToken ct)
    {
        var pods = await podsTask.ConfigureAwait(false);
        var now = _clock();
        // Workloads with a pod that crashes or was OOM-killed: their pods have logs worth reading.
        var targets = pods
            .Where(p => TriageRules.ProblemKind(p, now) is PodProblemKind.CrashLoopBackOff or PodProblemKind.OOMKilled)
            .Select(TriageRules.WorkloadTarget)
            .ToHashSet(StringComparer.Ordinal);
        if (targets.Count == 0)
        {
            return Array.Empty<Finding>();
        }

        var byPod = pods.Where(p => targets.Contains(TriageRules.WorkloadTarget(p)) && p.Phase is "Running" or "Pending" or "Failed")
            .ToDictionary(p => (p.Namespace, p.Name));
        var plan = await new PodLogTargetResolver(session)
            .ResolveAsync(new PodLogQuery { Names = byPod.Keys.Select(k => new PodLogName(k.Namespace, k.Name)).ToList() }, ct)
            .ConfigureAwait(false);
        var options = new PodLogOptions { Tail = TriageOptions.LogTail, Since = TriageOptions.LogWindow };
        var pattern = PodLogOptions.CompilePattern(TriageRules.ErrorPattern)!;
        var counts = new Dictionary<string, (int Lines, int Errors, string? Example, int Failed)>(StringComparer.Ordinal);
        var reader = new PodLogReader(new KubernetesPodLogSource(session));
        await foreach (var entry in reader.ReadAsync(plan.Streams, options, ct).ConfigureAwait(false))
        {
            var key = entry.Line is { } line ? (line.Namespace, line.Pod) : KeyOf(entry.Error?.Target);
            if (!byPod.TryGetValue(key, out var pod))
            {
                continue;
            }

            var target = TriageRules.WorkloadTarget(pod);
            var c = counts.TryGetValue(target, out var existing) ? existing : default;
            if (entry.Line is { } l)
            {
                var match = pattern.IsMatch(l.Line);
                c = (c.Lines + 1, c.Errors + (match ? 1 : 0), c.Example ?? (match ? l.Line : null), c.Failed);
            }
            else
            {
                c = (c.Lines, c.Errors, c.Example, c.Failed + 1);
            }

            counts[target] = c;
        }

        var findings = new List<Finding>();
        foreach (var group in byPod.Values.GroupBy(TriageRules.WorkloadTarget))
        {
            var first = group.First();
            var c = counts.TryGetValue(group.Key, out var found) ? found : default;
            var sample = new TriageRules.LogSample(group.Key, first.Namespace, first.OwnerKind, first.OwnerName,
                group.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList(), c.Lines, c.Errors, c.Example, c.Failed);
            if (TriageRules.LogFinding(sample, TriageOptions.LogWindow) is { } finding)
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    private static (string, string) KeyOf(object? target)
    {
        // Log errors name "ns/pod/container" (or "ns/pod").
        var parts = (target as string ?? string.Empty).Split('/');
        return parts.Length >= 2 ? (parts[0], parts[1]) : (string.Empty, string.Empty);
    }

    private async Task<IReadOnlyList<Finding>> ResourcesAsync(string? ns, bool all, Task<List<PodHealth>> podsTask, CancellationToken ct)
    {
        var usage = await new ResourceUsageReader(session)
            .ReadAsync(new ResourceUsageQuery(ns, all, null, new NameFilter(null), PerContainer: true), ct).ConfigureAwait(false);
        Dictionary<(string, string), PodHealth> pods;
        try
        {
            pods = (await podsTask.ConfigureAwait(false)).ToDictionary(p => (p.Namespace, p.Name));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without owners the findings name pods instead of workloads; the pod check reports the failure itself.
            pods = new Dictionary<(string, string), PodHealth>();
        }

        return TriageRules.MemoryFindings(usage, pods);
    }
}
