using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>
/// What a rollback would do, computed from one read of the workload and its history: either Skipped (the template
/// already matches) or one patch document to send. Nothing in it has been sent.
/// </summary>
public sealed class RollbackPlan
{
    public required WorkloadRef Target { get; init; }

    /// <summary>The revision running now (Deployment revision annotation; StatefulSet update revision), if known.</summary>
    public int? FromRevision { get; init; }

    /// <summary>The revision being restored (resolved: never 0).</summary>
    public required int ToRevision { get; init; }

    /// <summary>The ReplicaSet or ControllerRevision that holds the target revision.</summary>
    public required string SourceName { get; init; }

    public bool Skipped { get; init; }

    /// <summary>kubectl's result text: "rolled back" or "skipped rollback (current template already matches revision N)".</summary>
    public required string Message { get; init; }

    public IReadOnlyList<string> ImagesBefore { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ImagesAfter { get; init; } = Array.Empty<string>();

    /// <summary>One line per difference (images, env vars), secrets masked.</summary>
    public IReadOnlyList<string> Changes { get; init; } = Array.Empty<string>();

    /// <summary>Things the operator should know before it lands (apply-managed object, ArgoCD auto-sync).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>The Content-Type of <see cref="PatchDocument"/>: V1Patch.PatchType.JsonPatch or StrategicMergePatch.</summary>
    public V1Patch.PatchType PatchType { get; init; }

    /// <summary>The patch body; null when skipped. It pins metadata.resourceVersion so a concurrent writer causes a 409.</summary>
    public string? PatchDocument { get; init; }

    /// <summary>
    /// When the Deployment read had a ProgressDeadlineExceeded condition (the revision being rolled back got stuck), its
    /// lastUpdateTime: hand it to <see cref="RolloutWaiter.StaleDeadlineExceeded"/> when waiting for the rollback.
    /// </summary>
    public DateTime? DeadlineExceededAt { get; init; }

    /// <summary>The resourceVersion the plan was computed from.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The text ShouldProcess shows: revision from -> to, then the changes.</summary>
    public string Describe()
    {
        var head = $"Roll back {Target} in namespace '{Target.Namespace}' from revision {FromRevision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} to revision {ToRevision} ({SourceName})";
        if (Skipped)
        {
            return $"{head}: {Message}";
        }

        var images = $"images: {string.Join(", ", ImagesBefore)} -> {string.Join(", ", ImagesAfter)}";
        return Changes.Count == 0
            ? $"{head}; {images}"
            : $"{head}; {images}; {string.Join("; ", Changes)}";
    }
}
