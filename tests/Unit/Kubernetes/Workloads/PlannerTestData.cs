using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Tests.Kubernetes.Workloads;

/// <summary>A deployment shaped like the production backend: app + sidecar containers and an init container.</summary>
internal static class PlannerTestData
{
    public static readonly WorkloadRef Target = new(WorkloadKind.Deployment, "seekapa-production", "backend-deployment");

    public static WorkloadState Backend(bool paused = false, string resourceVersion = "41") => new(
        Target,
        new V1ObjectMeta { Name = Target.Name, NamespaceProperty = Target.Namespace, ResourceVersion = resourceVersion },
        new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "backend" } },
            Spec = new V1PodSpec
            {
                InitContainers = new List<V1Container>
                {
                    new() { Name = "migrate", Image = "backend:2.14.1" },
                },
                Containers = new List<V1Container>
                {
                    new()
                    {
                        Name = "backend",
                        Image = "backend:2.14.1",
                        Env = new List<V1EnvVar>
                        {
                            new() { Name = "LOG_LEVEL", Value = "info" },
                            new() { Name = "DATABASE_URL", Value = "postgres://app:hunter2@db:5432/app" },
                            new() { Name = "FEATURE_X", Value = "on" },
                            new()
                            {
                                Name = "API_TOKEN",
                                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "backend", Key = "token" } },
                            },
                        },
                        Resources = new V1ResourceRequirements
                        {
                            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("2Gi") },
                            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("1Gi") },
                        },
                    },
                    new() { Name = "log-shipper", Image = "fluent-bit:3.0" },
                },
            },
        },
        paused);
}
