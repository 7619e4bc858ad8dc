using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>
/// Builds the PodHealth object: kubectl's columns (PodStatusPrinter) plus the health verdict.
/// The rule, documented in about_Seekapa.Ops: a pod is healthy when it is not being deleted and either its STATUS is
/// Completed, or its STATUS is Running with every container ready and no container terminated abnormally within
/// <see cref="RecentCrashWindow"/> (so a pod that was OOMKilled five minutes ago and restarted is still flagged).
/// </summary>
public static class PodHealthBuilder
{
    public static readonly TimeSpan RecentCrashWindow = TimeSpan.FromHours(1);

    public sealed record Owner(string Kind, string Name);

    /// <param name="resolveOwner">Maps a (namespace, ReplicaSet name) to its controlling owner, or null if unknown.</param>
    public static PodHealth Build(V1Pod pod, DateTimeOffset now, Func<string, string, Owner?>? resolveOwner = null)
    {
        var columns = PodStatusPrinter.Print(pod, now);
        var meta = pod.Metadata;
        var ns = meta?.NamespaceProperty ?? string.Empty;
        var owner = ResolveOwner(pod, ns, resolveOwner);
        var last = LastTermination(pod);
        var (healthy, problem) = Judge(pod, columns, last, now);

        return new PodHealth
        {
            Namespace = ns,
            Name = meta?.Name ?? string.Empty,
            Ready = columns.Ready,
            ReadyContainers = columns.ReadyCount,
            TotalContainers = columns.TotalCount,
            Status = columns.Status,
            Phase = pod.Status?.Phase,
            Restarts = columns.Restarts,
            RestartsDisplay = columns.RestartsDisplay,
            LastRestartTime = columns.LastRestart,
            Age = columns.Age,
            Created = Utc(meta?.CreationTimestamp),
            Node = NullIfEmpty(pod.Spec?.NodeName),
            IP = PodStatusPrinter.PodIP(pod.Status) is var ip && ip != "<none>" ? ip : null,
            Owner = owner is null ? null : $"{owner.Kind}/{owner.Name}",
            OwnerKind = owner?.Kind,
            OwnerName = owner?.Name,
            Healthy = healthy,
            Problem = problem,
            LastTerminationReason = last?.Terminated.Reason,
            LastTerminationExitCode = last?.Terminated.ExitCode,
            LastTerminationTime = Utc(last?.Terminated.FinishedAt),
            LastTerminationContainer = last?.Container,
            Labels = meta?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
        };
    }

    private sealed record Termination(string Container, V1ContainerStateTerminated Terminated);

    private static Owner? ResolveOwner(V1Pod pod, string ns, Func<string, string, Owner?>? resolveOwner)
    {
        var controller = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true)
            ?? pod.Metadata?.OwnerReferences?.FirstOrDefault();
        if (controller is null)
        {
            return null;
        }

        if (controller.Kind == "ReplicaSet" && resolveOwner?.Invoke(ns, controller.Name) is { } workload)
        {
            return workload;
        }

        return new Owner(controller.Kind, controller.Name);
    }

    /// <summary>The most recent lastState.terminated over all containers (init included): survives the restart.</summary>
    private static Termination? LastTermination(V1Pod pod)
    {
        Termination? latest = null;
        foreach (var s in (pod.Status?.InitContainerStatuses ?? Enumerable.Empty<V1ContainerStatus>())
                     .Concat(pod.Status?.ContainerStatuses ?? Enumerable.Empty<V1ContainerStatus>()))
        {
            var t = s.LastState?.Terminated;
            if (t is null)
            {
                continue;
            }

            if (latest is null || (t.FinishedAt ?? DateTime.MinValue) > (latest.Terminated.FinishedAt ?? DateTime.MinValue))
            {
                latest = new Termination(s.Name, t);
            }
        }

        return latest;
    }

    private static (bool Healthy, string? Problem) Judge(V1Pod pod, PodStatusColumns columns, Termination? last, DateTimeOffset now)
    {
        if (pod.Metadata?.DeletionTimestamp is { } deleting)
        {
            return (false, $"{columns.Status}: deletion requested {HumanDuration.Format(now - Utc(deleting)!.Value)} ago");
        }

        var status = columns.Status;
        if (status == "Completed")
        {
            return (true, null);
        }

        if (status == "Running" && columns.ReadyCount == columns.TotalCount)
        {
            if (last is not null && last.Terminated.Reason != "Completed" && Utc(last.Terminated.FinishedAt) is { } finished
                && now - finished <= RecentCrashWindow)
            {
                return (false, $"Restarted after {last.Terminated.Reason ?? $"exit code {last.Terminated.ExitCode}"} {HumanDuration.Format(now - finished)} ago " +
                               $"(container {last.Container}, exit code {last.Terminated.ExitCode}); {columns.Restarts} restart{(columns.Restarts == 1 ? string.Empty : "s")}");
            }

            return (true, null);
        }

        return (false, Explain(pod, columns, last, now));
    }

    private static string Explain(V1Pod pod, PodStatusColumns columns, Termination? last, DateTimeOffset now)
    {
        var parts = new List<string>();
        // The container the STATUS came from says most: its waiting or terminated reason and message.
        foreach (var s in (pod.Status?.InitContainerStatuses ?? Enumerable.Empty<V1ContainerStatus>())
                     .Concat(pod.Status?.ContainerStatuses ?? Enumerable.Empty<V1ContainerStatus>()))
        {
            if (s.State?.Waiting is { Reason: { Length: > 0 } } waiting && waiting.Reason != "PodInitializing")
            {
                parts.Add($"container {s.Name}: {waiting.Reason}{Suffix(waiting.Message)}");
                break;
            }

            if (s.State?.Terminated is { } t && t.ExitCode != 0)
            {
                parts.Add($"container {s.Name}: {t.Reason ?? "terminated"} (exit code {t.ExitCode}){Suffix(t.Message)}");
                break;
            }
        }

        if (parts.Count == 0)
        {
            var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False");
            if (unscheduled is not null)
            {
                parts.Add($"not scheduled: {unscheduled.Reason}{Suffix(unscheduled.Message)}");
            }
            else if (!string.IsNullOrEmpty(pod.Status?.Reason) || !string.IsNullOrEmpty(pod.Status?.Message))
            {
                parts.Add($"{pod.Status?.Reason}{Suffix(pod.Status?.Message)}".Trim());
            }
            else if (columns.Status == "Running")
            {
                var notReady = pod.Status?.ContainerStatuses?.Where(c => c.Ready != true).Select(c => c.Name).ToList();
                parts.Add($"{columns.Ready} containers ready{(notReady is { Count: > 0 } ? $" (not ready: {string.Join(", ", notReady)})" : string.Empty)}");
            }
            else
            {
                parts.Add(columns.Status);
            }
        }

        if (last is not null && last.Terminated.Reason is { } reason && reason != "Completed" && Utc(last.Terminated.FinishedAt) is { } finished)
        {
            parts.Add($"last terminated {reason} {HumanDuration.Format(now - finished)} ago (container {last.Container}, exit code {last.Terminated.ExitCode})");
        }

        if (columns.Restarts > 0)
        {
            parts.Add($"{columns.Restarts} restart{(columns.Restarts == 1 ? string.Empty : "s")}");
        }

        return string.Join("; ", parts);
    }

    private static string Suffix(string? message) =>
        string.IsNullOrWhiteSpace(message) ? string.Empty : ": " + (message.Length > 200 ? message[..200] + "…" : message);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static DateTimeOffset? Utc(DateTime? value) => PodStatusPrinter.ToUtc(value);
}
