using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>One evaluation of a workload's rollout: done or not, kubectl's message, or the error that ends the wait.</summary>
public sealed record RolloutEvaluation(bool Done, string Message, SeekapaException? Error = null)
{
    public RolloutState State => Done ? RolloutState.Complete
        : Error?.ErrorId == "RolloutFailed" ? RolloutState.Failed
        : RolloutState.Progressing;
}

/// <summary>
/// kubectl rollout status's StatusViewers (pkg/polymorphichelpers/rollout_status.go) for Deployments and StatefulSets:
/// the same conditions in the same order and the same messages (without the trailing newline).
/// </summary>
public static class RolloutStatusEvaluator
{
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <param name="deployment">The Deployment as last seen.</param>
    /// <param name="revision">kubectl --revision: the revision the Deployment must run (checked when &gt; 0).</param>
    /// <param name="staleDeadlineExceeded">
    /// The lastUpdateTime of a ProgressDeadlineExceeded condition that was there BEFORE the change being waited for
    /// (e.g. a rollback of the stuck revision). The controller keeps that condition until the new template makes progress,
    /// so kubectl reports the old failure for the new rollout (kubernetes#49637); a condition not updated since is ignored.
    /// </param>
    public static RolloutEvaluation Evaluate(V1Deployment deployment, int? revision = null, DateTime? staleDeadlineExceeded = null)
    {
        var name = deployment.Metadata?.Name ?? string.Empty;
        var target = $"{deployment.Metadata?.NamespaceProperty}/{name}";
        if (revision is > 0)
        {
            var running = RolloutAnnotations.RevisionOf(deployment.Metadata);
            if (running is null)
            {
                return new RolloutEvaluation(false, string.Empty, new SeekapaException("RolloutFailed", FailureCategory.InvalidData,
                    $"cannot get the revision of deployment \"{name}\": the {RolloutAnnotations.Revision} annotation is not a number", target));
            }

            if (running != revision)
            {
                return new RolloutEvaluation(false, string.Empty, new SeekapaException("RevisionMismatch", FailureCategory.InvalidOperation,
                    $"desired revision ({revision}) is different from the running revision ({running})", target,
                    "Omit -Revision, or check the current revision with Get-SeekapaRolloutHistory."));
            }
        }

        var status = deployment.Status ?? new V1DeploymentStatus();
        var generation = deployment.Metadata?.Generation ?? 0;
        if (generation <= (status.ObservedGeneration ?? 0))
        {
            var progressing = status.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
            var stale = staleDeadlineExceeded is { } before && progressing?.LastUpdateTime is { } lastUpdate && lastUpdate <= before;
            if (progressing?.Reason == ProgressDeadlineExceeded && !stale)
            {
                var message = $"deployment \"{name}\" exceeded its progress deadline";
                return new RolloutEvaluation(false, message, new SeekapaException("RolloutFailed", FailureCategory.InvalidOperation,
                    string.IsNullOrEmpty(progressing.Message) ? message : $"{message}: {progressing.Message}", target,
                    "Look at the new pods (Get-SeekapaPodHealth -Unhealthy) and roll back with Invoke-SeekapaRollback."));
            }

            var updated = status.UpdatedReplicas ?? 0;
            var replicas = status.Replicas ?? 0;
            var available = status.AvailableReplicas ?? 0;
            if (deployment.Spec?.Replicas is { } desired && updated < desired)
            {
                return new RolloutEvaluation(false,
                    $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated...");
            }

            if (replicas > updated)
            {
                return new RolloutEvaluation(false,
                    $"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination...");
            }

            if (available < updated)
            {
                return new RolloutEvaluation(false,
                    $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...");
            }

            return new RolloutEvaluation(true, $"deployment \"{name}\" successfully rolled out");
        }

        return new RolloutEvaluation(false, "Waiting for deployment spec update to be observed...");
    }

    /// <summary>
    /// StatefulSetStatusViewer. kubectl ignores --revision for statefulsets, and so does this. An updateStrategy without a
    /// type counts as RollingUpdate, the API server's default.
    /// </summary>
    public static RolloutEvaluation Evaluate(V1StatefulSet set)
    {
        var name = set.Metadata?.Name ?? string.Empty;
        var target = $"{set.Metadata?.NamespaceProperty}/{name}";
        var strategy = set.Spec?.UpdateStrategy;
        var type = string.IsNullOrEmpty(strategy?.Type) ? "RollingUpdate" : strategy.Type;
        if (type != "RollingUpdate")
        {
            return new RolloutEvaluation(true, string.Empty, new SeekapaException("RolloutStatusUnsupported", FailureCategory.InvalidOperation,
                "rollout status is only available for RollingUpdate strategy type", target,
                $"StatefulSet '{name}' uses the {type} update strategy: its pods change only when deleted (Remove-SeekapaPod)."));
        }

        var status = set.Status ?? new V1StatefulSetStatus();
        var observed = status.ObservedGeneration ?? 0;
        if (observed == 0 || (set.Metadata?.Generation ?? 0) > observed)
        {
            return new RolloutEvaluation(false, "Waiting for statefulset spec update to be observed...");
        }

        var desired = set.Spec?.Replicas;
        var ready = status.ReadyReplicas ?? 0;
        var updated = status.UpdatedReplicas ?? 0;
        if (desired is { } d && ready < d)
        {
            return new RolloutEvaluation(false, $"Waiting for {d - ready} pods to be ready...");
        }

        if (strategy?.RollingUpdate is { } rolling)
        {
            if (desired is { } replicas && rolling.Partition is { } partition && updated < replicas - partition)
            {
                return new RolloutEvaluation(false,
                    $"Waiting for partitioned roll out to finish: {updated} out of {replicas - partition} new pods have been updated...");
            }

            return new RolloutEvaluation(true, $"partitioned roll out complete: {updated} new pods have been updated...");
        }

        if (status.UpdateRevision != status.CurrentRevision)
        {
            return new RolloutEvaluation(false,
                $"waiting for statefulset rolling update to complete {updated} pods at revision {status.UpdateRevision}...");
        }

        return new RolloutEvaluation(true,
            $"statefulset rolling update complete {status.CurrentReplicas ?? 0} pods at revision {status.CurrentRevision}...");
    }

    /// <summary>The RolloutState Get-SeekapaDeployment shows: Paused, Failed (deadline exceeded), Complete, else Progressing.</summary>
    public static (RolloutState State, string Message) StateOf(V1Deployment deployment)
    {
        var progressing = deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (deployment.Spec?.Paused == true)
        {
            return (RolloutState.Paused, "deployment is paused; resume it with kubectl rollout resume");
        }

        if (progressing?.Reason == ProgressDeadlineExceeded)
        {
            return (RolloutState.Failed, progressing.Message ?? $"deployment \"{deployment.Metadata?.Name}\" exceeded its progress deadline");
        }

        var evaluation = Evaluate(deployment);
        return (evaluation.Done ? RolloutState.Complete : RolloutState.Progressing, evaluation.Message);
    }
}
