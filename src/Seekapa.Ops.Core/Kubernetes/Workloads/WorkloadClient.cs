using System.Net;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>
/// Reads and patches Deployments and StatefulSets with error translation (DeploymentNotFound / StatefulSetNotFound),
/// and runs read-modify-write steps under optimistic concurrency (re-read and retry on 409).
/// </summary>
public sealed class WorkloadClient(ClusterSession session)
{
    /// <summary>How many times a read-modify-write is attempted before a Conflict surfaces.</summary>
    public const int ConflictAttempts = 5;

    public ClusterSession Session { get; } = session;

    public Task<V1Deployment> GetDeploymentAsync(string ns, string name, CancellationToken ct) =>
        KubernetesErrors.Guard(Session, "get", "deployments", ns, name,
            () => Session.Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct),
            NotFound(new WorkloadRef(WorkloadKind.Deployment, ns, name)));

    public Task<V1StatefulSet> GetStatefulSetAsync(string ns, string name, CancellationToken ct) =>
        KubernetesErrors.Guard(Session, "get", "statefulsets", ns, name,
            () => Session.Client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct),
            NotFound(new WorkloadRef(WorkloadKind.StatefulSet, ns, name)));

    /// <summary>Patches a workload; <paramref name="dryRun"/> asks the server to validate without storing (dryRun=All).</summary>
    public Task<IKubernetesObject<V1ObjectMeta>> PatchAsync(WorkloadRef target, V1Patch patch, bool dryRun, CancellationToken ct)
    {
        var dry = dryRun ? "All" : null;
        return KubernetesErrors.Guard(Session, "patch", target.Resource, target.Namespace, target.Name,
            async () => target.Kind == WorkloadKind.Deployment
                ? (IKubernetesObject<V1ObjectMeta>)await Session.Client.AppsV1.PatchNamespacedDeploymentAsync(
                    patch, target.Name, target.Namespace, dryRun: dry, cancellationToken: ct).ConfigureAwait(false)
                : await Session.Client.AppsV1.PatchNamespacedStatefulSetAsync(
                    patch, target.Name, target.Namespace, dryRun: dry, cancellationToken: ct).ConfigureAwait(false),
            NotFound(target));
    }

    /// <summary>The autoscaling/v1 Scale of a workload (GET .../scale).</summary>
    public Task<V1Scale> GetScaleAsync(WorkloadRef target, CancellationToken ct) =>
        KubernetesErrors.Guard(Session, "get", target.Resource + "/scale", target.Namespace, target.Name,
            () => target.Kind == WorkloadKind.Deployment
                ? Session.Client.AppsV1.ReadNamespacedDeploymentScaleAsync(target.Name, target.Namespace, cancellationToken: ct)
                : Session.Client.AppsV1.ReadNamespacedStatefulSetScaleAsync(target.Name, target.Namespace, cancellationToken: ct),
            NotFound(target));

    /// <summary>kubectl scale without preconditions: PATCH .../scale, application/merge-patch+json, {"spec":{"replicas":N}}.</summary>
    public Task<V1Scale> PatchScaleAsync(WorkloadRef target, int replicas, CancellationToken ct)
    {
        var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}",
            V1Patch.PatchType.MergePatch);
        return KubernetesErrors.Guard(Session, "patch", target.Resource + "/scale", target.Namespace, target.Name,
            () => target.Kind == WorkloadKind.Deployment
                ? Session.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, target.Name, target.Namespace, cancellationToken: ct)
                : Session.Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(patch, target.Name, target.Namespace, cancellationToken: ct),
            NotFound(target));
    }

    /// <summary>PUT .../scale with the Scale's resourceVersion: a 409 when the workload changed since it was read.</summary>
    public Task<V1Scale> ReplaceScaleAsync(WorkloadRef target, V1Scale scale, CancellationToken ct) =>
        KubernetesErrors.Guard(Session, "update", target.Resource + "/scale", target.Namespace, target.Name,
            () => target.Kind == WorkloadKind.Deployment
                ? Session.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, target.Name, target.Namespace, cancellationToken: ct)
                : Session.Client.AppsV1.ReplaceNamespacedStatefulSetScaleAsync(scale, target.Name, target.Namespace, cancellationToken: ct),
            NotFound(target));

    /// <summary>
    /// Runs one read-modify-write attempt, re-running it from a fresh read when the write meets a Conflict (another
    /// writer changed the object since our read). Each attempt must re-read; the last Conflict surfaces as is.
    /// </summary>
    public static async Task<T> WithConflictRetryAsync<T>(Func<int, Task<T>> attempt, CancellationToken ct)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt(i).ConfigureAwait(false);
            }
            catch (SeekapaException ex) when (ex.ErrorId == "Conflict" && i < ConflictAttempts)
            {
                // Back off a little with jitter so two retrying writers do not collide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * i), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A 404 on a named workload becomes DeploymentNotFound / StatefulSetNotFound.</summary>
    public static Func<HttpStatusCode, string, SeekapaException?> NotFound(WorkloadRef target) => (status, _) =>
        status == HttpStatusCode.NotFound
            ? new SeekapaException($"{target.Kind}NotFound", FailureCategory.ObjectNotFound,
                $"{target.Kind} '{target.Name}' was not found in namespace '{target.Namespace}'.", $"{target.Namespace}/{target.Name}",
                target.Kind == WorkloadKind.Deployment
                    ? "List the deployments with Get-SeekapaDeployment, or check -Namespace."
                    : "Check the name and -Namespace (kubectl get statefulsets).")
            : null;
}
