using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>What the template-editing cmdlets need from a Deployment or StatefulSet, read at one resourceVersion.</summary>
public sealed record WorkloadState(WorkloadRef Target, V1ObjectMeta Metadata, V1PodTemplateSpec Template, bool Paused)
{
    public string? ResourceVersion => Metadata.ResourceVersion;

    public static WorkloadState From(WorkloadRef target, V1Deployment deployment) =>
        new(target, deployment.Metadata, deployment.Spec.Template, deployment.Spec.Paused == true);

    public static WorkloadState From(WorkloadRef target, V1StatefulSet statefulSet) =>
        new(target, statefulSet.Metadata, statefulSet.Spec.Template, false);

    public static async Task<WorkloadState> ReadAsync(WorkloadClient client, WorkloadRef target, CancellationToken ct) =>
        target.Kind == WorkloadKind.Deployment
            ? From(target, await client.GetDeploymentAsync(target.Namespace, target.Name, ct).ConfigureAwait(false))
            : From(target, await client.GetStatefulSetAsync(target.Namespace, target.Name, ct).ConfigureAwait(false));
}
