using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>
/// A workload with the objects that hold its revisions, read as kubectl reads them: list by the workload's selector,
/// keep what the workload controls (controller ownerReference with its uid).
/// </summary>
public static class WorkloadHistory
{
    private const int PageSize = 500;

    public static async Task<(V1Deployment Deployment, IReadOnlyList<V1ReplicaSet> ReplicaSets)> ReadDeploymentAsync(
        WorkloadClient workloads, WorkloadRef target, CancellationToken ct)
    {
        var deployment = await workloads.GetDeploymentAsync(target.Namespace, target.Name, ct).ConfigureAwait(false);
        return (deployment, await OwnedReplicaSetsAsync(workloads.Session, deployment, ct).ConfigureAwait(false));
    }

    public static async Task<(V1StatefulSet StatefulSet, IReadOnlyList<V1ControllerRevision> Revisions)> ReadStatefulSetAsync(
        WorkloadClient workloads, WorkloadRef target, CancellationToken ct)
    {
        var set = await workloads.GetStatefulSetAsync(target.Namespace, target.Name, ct).ConfigureAwait(false);
        return (set, await OwnedControllerRevisionsAsync(workloads.Session, set, ct).ConfigureAwait(false));
    }

    public static async Task<IReadOnlyList<V1ReplicaSet>> OwnedReplicaSetsAsync(ClusterSession session, V1Deployment deployment, CancellationToken ct)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var selector = SelectorText.Format(deployment.Spec?.Selector);
        var owned = new List<V1ReplicaSet>();
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", "replicasets", ns, null,
                () => session.Client.AppsV1.ListNamespacedReplicaSetAsync(ns, continueParameter: continueToken, labelSelector: selector,
                    limit: PageSize, cancellationToken: ct)).ConfigureAwait(false);
            owned.AddRange(page.Items.Where(rs => RolloutAnnotations.IsControlledBy(rs.Metadata, deployment.Metadata.Uid)));
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return owned;
    }

    public static async Task<IReadOnlyList<V1ControllerRevision>> OwnedControllerRevisionsAsync(ClusterSession session, V1StatefulSet set, CancellationToken ct)
    {
        var ns = set.Metadata.NamespaceProperty;
        var selector = SelectorText.Format(set.Spec?.Selector);
        var owned = new List<V1ControllerRevision>();
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", "controllerrevisions", ns, null,
                () => session.Client.AppsV1.ListNamespacedControllerRevisionAsync(ns, continueParameter: continueToken, labelSelector: selector,
                    limit: PageSize, cancellationToken: ct)).ConfigureAwait(false);
            owned.AddRange(page.Items.Where(cr => RolloutAnnotations.IsControlledBy(cr.Metadata, set.Metadata.Uid)));
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return owned;
    }
}
