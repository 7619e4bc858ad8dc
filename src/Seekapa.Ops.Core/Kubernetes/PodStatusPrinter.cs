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

public static class PodStatusPrinter
{
    // PLACEHOLDER: replaced by the full printPod port.
    public static PodStatusColumns Print(V1Pod pod, DateTimeOffset now)
    {
        var total = pod.Spec?.Containers?.Count ?? 0;
        var status = pod.Status?.Phase ?? string.Empty;
        var age = pod.Metadata?.CreationTimestamp is { } c ? HumanDuration.Format(now - new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : "<unknown>";
        return new PodStatusColumns($"0/{total}", 0, total, status, 0, null, "0", age);
    }
}
