using k8s.Models;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

/// <summary>Hand-built Deployments, ReplicaSets, StatefulSets and ControllerRevisions shaped as the API server returns them.</summary>
internal static class RolloutObjects
{
    public const string Ns = "seekapa-production";
    public const string DeploymentUid = "d-uid-1";

    public static V1PodTemplateSpec Template(string image, string? hash = null, IList<V1EnvVar>? env = null, string container = "backend")
    {
        var labels = new Dictionary<string, string> { ["app"] = "backend" };
        if (hash is not null)
        {
            labels["pod-template-hash"] = hash;
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = labels },
            Spec = new V1PodSpec
            {
                Containers = new List<V1Container>
                {
                    new() { Name = container, Image = image, Env = env },
                },
                RestartPolicy = "Always",
            },
        };
    }

    public static V1Deployment Deployment(string image, int revision, string name = "backend-deployment", bool paused = false,
        IDictionary<string, string>? annotations = null, string resourceVersion = "100")
    {
        var all = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (k, v) in annotations ?? new Dictionary<string, string>())
        {
            all[k] = v;
        }

        return new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = Ns, Uid = DeploymentUid, ResourceVersion = resourceVersion, Generation = 4,
                Annotations = all, CreationTimestamp = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Paused = paused,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "backend" } },
                Template = Template(image),
            },
            Status = new V1DeploymentStatus { ObservedGeneration = 4, Replicas = 3, UpdatedReplicas = 3, ReadyReplicas = 3, AvailableReplicas = 3 },
        };
    }

    public static V1ReplicaSet ReplicaSet(string image, int? revision, string hash, string ownerUid = DeploymentUid,
        IDictionary<string, string>? annotations = null, string? revisionText = null, int replicas = 0)
    {
        var all = new Dictionary<string, string>
        {
            ["deployment.kubernetes.io/desired-replicas"] = "3",
            ["deployment.kubernetes.io/max-replicas"] = "4",
        };
        if (revisionText is not null || revision is not null)
        {
            all["deployment.kubernetes.io/revision"] = revisionText ?? revision!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (k, v) in annotations ?? new Dictionary<string, string>())
        {
            all[k] = v;
        }

        return new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"backend-deployment-{hash}", NamespaceProperty = Ns, Annotations = all,
                CreationTimestamp = new DateTime(2026, 11, 1, 0, revision ?? 0, 0, DateTimeKind.Utc),
                OwnerReferences = new List<V1OwnerReference>
                {
                    new() { ApiVersion = "apps/v1", Kind = "Deployment", Name = "backend-deployment", Uid = ownerUid, Controller = true },
                },
            },
            Spec = new V1ReplicaSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "backend", ["pod-template-hash"] = hash } },
                Template = Template(image, hash),
            },
            Status = new V1ReplicaSetStatus { Replicas = replicas },
        };
    }

    /// <summary>backend:1, backend:2, backend:3 as revisions 1..3; the deployment runs revision 3.</summary>
    public static (V1Deployment Deployment, List<V1ReplicaSet> ReplicaSets) ThreeRevisions(bool paused = false, IDictionary<string, string>? deploymentAnnotations = null)
    {
        var d = Deployment("registry/backend:3", 3, paused: paused, annotations: deploymentAnnotations);
        var sets = new List<V1ReplicaSet>
        {
            ReplicaSet("registry/backend:1", 1, "aaa111"),
            ReplicaSet("registry/backend:3", 3, "ccc333", replicas: 3),
            ReplicaSet("registry/backend:2", 2, "bbb222", annotations: new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "deploy 2" }),
        };
        return (d, sets);
    }

    public static V1StatefulSet StatefulSet(string image, string updateRevision = "postgres-rev3", string resourceVersion = "200")
    {
        return new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "postgres", NamespaceProperty = Ns, Uid = "sts-uid", ResourceVersion = resourceVersion, Generation = 2 },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "postgres" } },
                Template = Template(image, container: "postgres"),
                ServiceName = "postgres",
            },
            Status = new V1StatefulSetStatus
            {
                ObservedGeneration = 2, Replicas = 3, ReadyReplicas = 3, UpdatedReplicas = 3, CurrentReplicas = 3,
                CurrentRevision = updateRevision, UpdateRevision = updateRevision,
            },
        };
    }

    public static V1ControllerRevision ControllerRevision(string image, long revision, string ownerUid = "sts-uid")
    {
        var template = k8s.KubernetesJson.Serialize(Template(image, container: "postgres"));
        var data = System.Text.Json.Nodes.JsonNode.Parse($"{{\"spec\":{{\"template\":{template}}}}}")!;
        data["spec"]!["template"]!["$patch"] = "replace";
        return new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"postgres-rev{revision}", NamespaceProperty = Ns,
                OwnerReferences = new List<V1OwnerReference> { new() { Kind = "StatefulSet", Name = "postgres", Uid = ownerUid, Controller = true, ApiVersion = "apps/v1" } },
            },
            Revision = revision,
            Data = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(data.ToJsonString()),
        };
    }
}
