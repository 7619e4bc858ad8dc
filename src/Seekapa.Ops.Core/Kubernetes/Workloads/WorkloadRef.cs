namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>One workload addressed by kind, namespace and name.</summary>
public sealed record WorkloadRef(WorkloadKind Kind, string Namespace, string Name)
{
    /// <summary>The plural resource name the API server uses in paths and messages.</summary>
    public string Resource => Kind == WorkloadKind.Deployment ? "deployments" : "statefulsets";

    /// <summary>kubectl's spelling: deployment/backend-deployment.</summary>
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name}";
}
