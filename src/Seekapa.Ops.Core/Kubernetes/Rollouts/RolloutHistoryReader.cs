using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>kubectl rollout history: reads the workload and the objects holding its revisions.</summary>
public sealed class RolloutHistoryReader(ClusterSession session)
{
    public const string NoHistory = "No rollout history found.";

    private readonly WorkloadClient _workloads = new(session);

    /// <summary>Every revision, sorted; empty when there is none. With <paramref name="revision"/>, only that one, or RevisionNotFound.</summary>
    public async Task<IReadOnlyList<RolloutRevision>> ReadAsync(WorkloadRef target, int? revision, CancellationToken ct)
    {
        IReadOnlyList<RolloutRevision> all;
        if (target.Kind == WorkloadKind.Deployment)
        {
            var (deployment, replicaSets) = await WorkloadHistory.ReadDeploymentAsync(_workloads, target, ct).ConfigureAwait(false);
            all = RolloutHistoryBuilder.FromReplicaSets(deployment, replicaSets);
        }
        else
        {
            var (set, revisions) = await WorkloadHistory.ReadStatefulSetAsync(_workloads, target, ct).ConfigureAwait(false);
            all = RolloutHistoryBuilder.FromControllerRevisions(set, revisions);
        }

        if (revision is > 0 && all.Count > 0)
        {
            var match = all.Where(r => r.Revision == revision).ToArray();
            return match.Length > 0 ? match : throw new SeekapaException("RevisionNotFound", FailureCategory.ObjectNotFound,
                $"unable to find the specified revision {revision} of {target} in namespace '{target.Namespace}'",
                $"{target.Namespace}/{target.Name}", $"Its revisions are {string.Join(", ", all.Select(r => r.Revision))}.");
        }

        return all;
    }
}
