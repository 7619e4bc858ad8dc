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
