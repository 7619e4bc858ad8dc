using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>
/// kubectl rollout undo against the cluster: read and plan (<see cref="PlanAsync"/>, which sends nothing, for -WhatIf and
/// confirmation), then apply the confirmed plan under optimistic concurrency (<see cref="ApplyAsync"/>).
/// </summary>
public sealed class Rollbacker(ClusterSession session)
{
    private readonly WorkloadClient _workloads = new(session);

    /// <summary>Reads the workload and its history and computes the rollback. Throws RevisionNotFound, DeploymentPaused, ...</summary>
    public async Task<RollbackPlan> PlanAsync(WorkloadRef target, int toRevision, CancellationToken ct)
    {
        if (target.Kind == WorkloadKind.Deployment)
        {
            var (deployment, replicaSets) = await WorkloadHistory.ReadDeploymentAsync(_workloads, target, ct).ConfigureAwait(false);
            return RollbackPlanner.PlanDeployment(deployment, replicaSets, toRevision);
        }

        var (set, revisions) = await WorkloadHistory.ReadStatefulSetAsync(_workloads, target, ct).ConfigureAwait(false);
        return RollbackPlanner.PlanStatefulSet(set, revisions, toRevision);
    }

    /// <summary>
    /// Sends the plan's patch. When another writer changed the workload after our read, the API server answers 409 (the
    /// patch pins the resourceVersion read); the workload is then read and planned again, for the same revision number
    /// the operator confirmed, and the new patch sent. Returns the plan that landed, which is Skipped when the workload
    /// meanwhile came to match the target.
    /// </summary>
    public Task<RollbackPlan> ApplyAsync(RollbackPlan confirmed, CancellationToken ct) =>
        WorkloadClient.WithConflictRetryAsync(async attempt =>
        {
            var plan = attempt == 1 ? confirmed : await PlanAsync(confirmed.Target, confirmed.ToRevision, ct).ConfigureAwait(false);
            if (plan.Skipped || plan.PatchDocument is null)
            {
                return plan;
            }

            await _workloads.PatchAsync(plan.Target, new V1Patch(plan.PatchDocument, plan.PatchType), dryRun: false, ct).ConfigureAwait(false);
            return plan;
        }, ct);
}
