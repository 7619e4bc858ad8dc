using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>A V1Deployment as the public Deployment model: kubectl get deploy -o wide columns plus the rollout state.</summary>
public static class DeploymentBuilder
{
    public static Deployment Build(V1Deployment deployment, DateTimeOffset now)
    {
        var status = deployment.Status ?? new V1DeploymentStatus();
        var desired = deployment.Spec?.Replicas ?? 0;
        var (state, message) = RolloutStatusEvaluator.StateOf(deployment);
        DateTimeOffset? created = deployment.Metadata?.CreationTimestamp is { } c
            ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))
            : null;
        return new Deployment
        {
            Namespace = deployment.Metadata?.NamespaceProperty ?? string.Empty,
            Name = deployment.Metadata?.Name ?? string.Empty,
            Ready = $"{status.ReadyReplicas ?? 0}/{desired}",
            Replicas = desired,
            ReadyReplicas = status.ReadyReplicas ?? 0,
            UpdatedReplicas = status.UpdatedReplicas ?? 0,
            AvailableReplicas = status.AvailableReplicas ?? 0,
            Age = created is { } t ? HumanDuration.Format(now - t) : "<unknown>",
            Created = created,
            Revision = RolloutAnnotations.RevisionOf(deployment.Metadata) ?? 0,
            Images = TemplateSummary.Images(deployment.Spec?.Template),
            Containers = TemplateSummary.Containers(deployment.Spec?.Template),
            Selector = SelectorText.Format(deployment.Spec?.Selector),
            Paused = deployment.Spec?.Paused == true,
            RolloutState = state,
            Message = message,
            Generation = deployment.Metadata?.Generation ?? 0,
            ObservedGeneration = status.ObservedGeneration ?? 0,
            Labels = Copy(deployment.Metadata?.Labels),
            Annotations = Copy(deployment.Metadata?.Annotations),
        };
    }

    private static IReadOnlyDictionary<string, string> Copy(IDictionary<string, string>? source) =>
        source is null ? new Dictionary<string, string>() : new Dictionary<string, string>(source, StringComparer.Ordinal);
}
