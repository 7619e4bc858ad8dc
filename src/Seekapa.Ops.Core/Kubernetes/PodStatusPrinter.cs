using System.Globalization;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>kubectl's READY / STATUS / RESTARTS / AGE for one pod (printPod, specs/kubectl-semantics.md A).</summary>
public sealed record PodStatusColumns(
    string Ready,
    int ReadyCount,
    int TotalCount,
    string Status,
    int Restarts,
    DateTimeOffset? LastRestart,
    string RestartsDisplay,
    string Age);

/// <summary>The extra <c>kubectl get pods -o wide</c> columns: IP, NODE, NOMINATED NODE, READINESS GATES.</summary>
public sealed record PodWideColumns(string IP, string Node, string NominatedNode, string ReadinessGates);

/// <summary>
/// A port of printPod (kubernetes pkg/printers/internalversion/printers.go, v1.34): the columns the API server
/// computes for <c>kubectl get pods</c>. Pure: all time arithmetic is against the <c>now</c> passed in.
/// </summary>
public static class PodStatusPrinter
{
    private const string None = "<none>";
    private const string Unknown = "<unknown>";
    private const string RestartPolicyAlways = "Always";
    private const string PodInitializing = "PodInitializing";
    private const string SchedulingGated = "SchedulingGated";
    private const string NodeLost = "NodeLost";

    public static PodStatusColumns Print(V1Pod pod, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);

        var spec = pod.Spec;
        var status = pod.Status;
        var conditions = status?.Conditions ?? [];
        var initStatuses = status?.InitContainerStatuses ?? [];
        var containerStatuses = status?.ContainerStatuses ?? [];
        var initContainers = spec?.InitContainers ?? [];

        // 1.
        var restarts = 0;
        var sidecarRestarts = 0;
        var ready = 0;
        var total = spec?.Containers?.Count ?? 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastSidecarRestart = null;

        // 2.
        var phase = status?.Phase ?? string.Empty;
        var reason = phase;
        if (!string.IsNullOrEmpty(status?.Reason))
        {
            reason = status.Reason;
        }

        // 3. Any PodScheduled condition with reason SchedulingGated, whatever its status.
        foreach (var condition in conditions)
        {
            if (condition is { Type: "PodScheduled", Reason: SchedulingGated })
            {
                reason = SchedulingGated;
            }
        }

        // 4. Sidecars (restartable init containers) count towards READY's denominator.
        //    Looked up by name, later duplicates winning like the Go map.
        var initByName = new Dictionary<string, V1Container>(StringComparer.Ordinal);
        foreach (var c in initContainers)
        {
            if (c is null)
            {
                continue;
            }

            initByName[c.Name ?? string.Empty] = c;
            if (IsSidecar(c))
            {
                total++;
            }
        }

        // 5. Init container statuses, in list order, until the first one still initializing or failed.
        var initializing = false;
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var cs = initStatuses[i];
            if (cs is null)
            {
                continue;
            }

            restarts += cs.RestartCount;
            var finished = LastFinishedAt(cs);
            lastRestart = Later(lastRestart, finished);

            var isSidecar = initByName.TryGetValue(cs.Name ?? string.Empty, out var initSpec) && IsSidecar(initSpec);
            if (isSidecar)
            {
                sidecarRestarts += cs.RestartCount;
                lastSidecarRestart = Later(lastSidecarRestart, finished);
            }

            var terminated = cs.State?.Terminated;
            var waiting = cs.State?.Waiting;
            if (terminated is not null && terminated.ExitCode == 0)
            {
                continue; // (a) finished successfully
            }

            if (isSidecar && cs.Started == true)
            {
                if (cs.Ready)
                {
                    ready++;
                }

                continue; // (b) a started sidecar
            }

            if (terminated is not null)
            {
                // (c) initialization failed
                reason = string.IsNullOrEmpty(terminated.Reason)
                    ? (terminated.Signal is { } sig && sig != 0
                        ? Invariant($"Init:Signal:{sig}")
                        : Invariant($"Init:ExitCode:{terminated.ExitCode}"))
                    : "Init:" + terminated.Reason;
            }
            else if (waiting is not null && !string.IsNullOrEmpty(waiting.Reason) && waiting.Reason != PodInitializing)
            {
                reason = "Init:" + waiting.Reason; // (d)
            }
            else
            {
                reason = Invariant($"Init:{i}/{initContainers.Count}"); // (e)
            }

            initializing = true;
            break;
        }

        // 6. App containers, walked from last to first so the first-listed container with a reason wins.
        if (!initializing || IsInitializedConditionTrue(conditions))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            for (var i = containerStatuses.Count - 1; i >= 0; i--)
            {
                var cs = containerStatuses[i];
                if (cs is null)
                {
                    continue;
                }

                restarts += cs.RestartCount;
                lastRestart = Later(lastRestart, LastFinishedAt(cs));

                var waiting = cs.State?.Waiting;
                var terminated = cs.State?.Terminated;
                if (waiting is not null && !string.IsNullOrEmpty(waiting.Reason))
                {
                    reason = waiting.Reason;
                }
                else if (terminated is not null && !string.IsNullOrEmpty(terminated.Reason))
                {
                    reason = terminated.Reason;
                }
                else if (terminated is not null)
                {
                    reason = terminated.Signal is { } sig && sig != 0
                        ? Invariant($"Signal:{sig}")
                        : Invariant($"ExitCode:{terminated.ExitCode}");
                }
                else if (cs.Ready && cs.State?.Running is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            // A container still running keeps a "Completed" pod from reading as finished.
            if (reason == "Completed" && hasRunning)
            {
                reason = HasReadyConditionTrue(conditions) ? "Running" : "NotReady";
            }
        }

        // 7.
        if (pod.Metadata?.DeletionTimestamp is not null && status?.Reason == NodeLost)
        {
            reason = "Unknown";
        }
        else if (pod.Metadata?.DeletionTimestamp is not null && phase != "Failed" && phase != "Succeeded")
        {
            reason = "Terminating";
        }

        // 8.
        var restartsDisplay = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is { } last)
        {
            restartsDisplay = Invariant($"{restarts} ({HumanDuration.Format(now - last)} ago)");
        }

        // 9, 10.
        var age = TimestampSince(pod.Metadata?.CreationTimestamp, now);

        return new PodStatusColumns(
            Invariant($"{ready}/{total}"),
            ready,
            total,
            reason,
            restarts,
            lastRestart,
            restartsDisplay,
            age);
    }

    /// <summary>The <c>-o wide</c> columns, with "&lt;none&gt;" wherever kubectl prints it.</summary>
    public static PodWideColumns PrintWide(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);

        var spec = pod.Spec;
        var status = pod.Status;

        var ip = PodIP(status);
        var node = NoneIfEmpty(spec?.NodeName);
        var nominated = NoneIfEmpty(status?.NominatedNodeName);

        var readinessGates = None;
        var gates = spec?.ReadinessGates;
        if (gates is { Count: > 0 })
        {
            var conditions = status?.Conditions ?? [];
            var trueCount = 0;
            foreach (var gate in gates)
            {
                // The first condition of the gate's type decides.
                var match = conditions.FirstOrDefault(c => c is not null && c.Type == gate?.ConditionType);
                if (match?.Status == "True")
                {
                    trueCount++;
                }
            }

            readinessGates = Invariant($"{trueCount}/{gates.Count}");
        }

        return new PodWideColumns(ip, node, nominated, readinessGates);
    }

    /// <summary>
    /// The pod's primary IP as the server-side printer sees it: the API server converts v1 to its internal
    /// type, where a non-empty <c>status.podIP</c> is authoritative (it replaces <c>podIPs</c> when they are
    /// missing or disagree); otherwise <c>status.podIPs[0].ip</c>. "&lt;none&gt;" when there is none.
    /// </summary>
    public static string PodIP(V1PodStatus? status)
    {
        if (!string.IsNullOrEmpty(status?.PodIP))
        {
            return status.PodIP;
        }

        var ips = status?.PodIPs;
        return NoneIfEmpty(ips is { Count: > 0 } ? ips[0]?.Ip : null);
    }

    /// <summary>kubectl's translateTimestampSince: "&lt;unknown&gt;" without a timestamp, else HumanDuration(now - t).</summary>
    public static string TimestampSince(DateTime? timestamp, DateTimeOffset now)
    {
        var t = ToUtc(timestamp);
        return t is { } value ? HumanDuration.Format(now - value) : Unknown;
    }

    /// <summary>
    /// Converts a KubernetesClient timestamp to UTC. Null and DateTime.MinValue (Go's zero time) are "no time".
    /// </summary>
    public static DateTimeOffset? ToUtc(DateTime? timestamp)
    {
        if (timestamp is not { } t || t == DateTime.MinValue)
        {
            return null;
        }

        var utc = t.Kind switch
        {
            DateTimeKind.Local => t.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => t,
        };
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    private static bool IsSidecar(V1Container? c) => c?.RestartPolicy == RestartPolicyAlways;

    private static DateTimeOffset? LastFinishedAt(V1ContainerStatus cs) =>
        cs.LastState?.Terminated is { } t ? ToUtc(t.FinishedAt) : null;

    // metav1.Time.Before: a zero (missing) time never replaces a known one.
    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate)
    {
        if (candidate is not { } c)
        {
            return current;
        }

        return current is { } cur && cur >= c ? cur : c;
    }

    // Only the FIRST Initialized condition counts.
    private static bool IsInitializedConditionTrue(IList<V1PodCondition> conditions)
    {
        foreach (var c in conditions)
        {
            if (c?.Type == "Initialized")
            {
                return c.Status == "True";
            }
        }

        return false;
    }

    // Any Ready condition with status True.
    private static bool HasReadyConditionTrue(IList<V1PodCondition> conditions) =>
        conditions.Any(c => c is { Type: "Ready", Status: "True" });

    private static string NoneIfEmpty(string? s) => string.IsNullOrEmpty(s) ? None : s;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
