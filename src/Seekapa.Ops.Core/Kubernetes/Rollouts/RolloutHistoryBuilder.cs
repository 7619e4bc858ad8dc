using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>kubectl rollout history's table as objects: one per revision, sorted by revision.</summary>
public static class RolloutHistoryBuilder
{
    /// <summary>
    /// One row per revision of the Deployment's ReplicaSets. Like kubectl, a ReplicaSet whose revision annotation is not a
    /// number is left out, and two ReplicaSets claiming one revision keep the later one listed.
    /// </summary>
    public static IReadOnlyList<RolloutRevision> FromReplicaSets(V1Deployment deployment, IEnumerable<V1ReplicaSet> replicaSets)
    {
        var byRevision = new SortedDictionary<int, RolloutRevision>();
        var current = deployment.Spec?.Template;
        foreach (var rs in replicaSets)
        {
            if (RolloutAnnotations.RevisionOf(rs.Metadata) is not { } revision)
            {
                continue;
            }

            var template = rs.Spec?.Template;
            byRevision[revision] = new RolloutRevision
            {
                Kind = WorkloadKind.Deployment,
                Namespace = deployment.Metadata.NamespaceProperty,
                Name = deployment.Metadata.Name,
                Revision = revision,
                ChangeCause = ChangeCause(rs.Metadata, template),
                Images = TemplateSummary.Images(template),
                Containers = TemplateSummary.Containers(template),
                Environment = TemplateSummary.EnvNames(template),
                Created = ToOffset(rs.Metadata.CreationTimestamp),
                IsCurrent = current is not null && TemplateJson.EqualIgnoreHash(template, current),
                ReplicaSet = rs.Metadata.Name,
                Replicas = rs.Status?.Replicas ?? 0,
                PreviousRevisions = RolloutAnnotations.HistoryOf(rs.Metadata),
            };
        }

        return byRevision.Values.ToArray();
    }

    /// <summary>One row per ControllerRevision the StatefulSet owns; its template is the revision's data.spec.template.</summary>
    public static IReadOnlyList<RolloutRevision> FromControllerRevisions(V1StatefulSet set, IEnumerable<V1ControllerRevision> revisions)
    {
        var list = revisions.ToList();
        var updateRevision = set.Status?.UpdateRevision;
        if (string.IsNullOrEmpty(updateRevision) || list.All(r => r.Metadata.Name != updateRevision))
        {
            updateRevision = list.OrderBy(r => r.Revision ?? 0).LastOrDefault()?.Metadata.Name;
        }

        var byRevision = new SortedDictionary<long, RolloutRevision>();
        foreach (var cr in list)
        {
            var template = TemplateOf(cr);
            byRevision[cr.Revision ?? 0] = new RolloutRevision
            {
                Kind = WorkloadKind.StatefulSet,
                Namespace = set.Metadata.NamespaceProperty,
                Name = set.Metadata.Name,
                Revision = (int)(cr.Revision ?? 0),
                ChangeCause = ChangeCause(cr.Metadata, template),
                Images = TemplateSummary.Images(template),
                Containers = TemplateSummary.Containers(template),
                Environment = TemplateSummary.EnvNames(template),
                Created = ToOffset(cr.Metadata.CreationTimestamp),
                IsCurrent = cr.Metadata.Name == updateRevision,
                ControllerRevision = cr.Metadata.Name,
            };
        }

        return byRevision.Values.ToArray();
    }

    /// <summary>The pod template a StatefulSet ControllerRevision restores (data.spec.template), or null.</summary>
    public static V1PodTemplateSpec? TemplateOf(V1ControllerRevision revision)
    {
        if (revision.Data is null)
        {
            return null;
        }

        var node = TemplateJson.ToNode(revision.Data)["spec"]?["template"]?.DeepClone();
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            obj.Remove("$patch");
            return TemplateJson.FromNode(obj);
        }

        return null;
    }

    /// <summary>The object's kubernetes.io/change-cause, else its template's; null when neither has one.</summary>
    public static string? ChangeCause(V1ObjectMeta? metadata, V1PodTemplateSpec? template)
    {
        if (metadata?.Annotations?.TryGetValue(RolloutAnnotations.ChangeCause, out var cause) == true && !string.IsNullOrEmpty(cause))
        {
            return cause;
        }

        return template?.Metadata?.Annotations?.TryGetValue(RolloutAnnotations.ChangeCause, out var fromTemplate) == true
            && !string.IsNullOrEmpty(fromTemplate) ? fromTemplate : null;
    }

    private static DateTimeOffset? ToOffset(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
