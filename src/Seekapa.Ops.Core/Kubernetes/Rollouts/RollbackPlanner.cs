using System.Text.Json.Nodes;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>
/// kubectl rollout undo (pkg/polymorphichelpers/rollback.go), as pure functions over objects already read: which revision,
/// whether to refuse or skip, and the exact patch document.
/// </summary>
public static class RollbackPlanner
{
    public const string RolledBack = "rolled back";
    public const string SkippedPrefix = "skipped rollback";

    /// <summary>
    /// DeploymentRollbacker.Rollback steps 1-7 (spec C). <paramref name="replicaSets"/> must be the ReplicaSets the
    /// Deployment controls (selector + controller ownerReference).
    /// </summary>
    public static RollbackPlan PlanDeployment(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> replicaSets, int toRevision)
    {
        var name = deployment.Metadata.Name;
        var target = new WorkloadRef(WorkloadKind.Deployment, deployment.Metadata.NamespaceProperty, name);
        if (toRevision < 0)
        {
            throw RevisionNotFound(target, toRevision);
        }

        var source = FindReplicaSet(deployment, replicaSets, toRevision, target);
        var resolved = RolloutAnnotations.RevisionOf(source.Metadata) ?? toRevision;

        if (deployment.Spec.Paused == true)
        {
            throw new SeekapaException("DeploymentPaused", FailureCategory.InvalidOperation,
                "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
                $"{target.Namespace}/{name}", $"Resume it first (kubectl rollout resume {target}), then roll back.");
        }

        var current = deployment.Spec.Template;
        var imagesBefore = TemplateSummary.Images(current);
        var fromRevision = RolloutAnnotations.RevisionOf(deployment.Metadata);
        var warnings = Warnings(deployment.Metadata, target);
        if (TemplateJson.EqualIgnoreHash(source.Spec.Template, current))
        {
            return SkippedPlan(target, fromRevision, resolved, source.Metadata.Name, imagesBefore, warnings, deployment.Metadata.ResourceVersion);
        }

        var template = TemplateJson.WithoutHash(source.Spec.Template);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in RolloutAnnotations.SkipOnRollback)
        {
            if (deployment.Metadata.Annotations?.TryGetValue(key, out var value) == true)
            {
                annotations[key] = value;
            }
        }

        foreach (var (key, value) in source.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            if (!RolloutAnnotations.SkipOnRollback.Contains(key))
            {
                annotations[key] = value;
            }
        }

        return new RollbackPlan
        {
            Target = target,
            FromRevision = fromRevision,
            ToRevision = resolved,
            SourceName = source.Metadata.Name,
            Message = RolledBack,
            ImagesBefore = imagesBefore,
            ImagesAfter = TemplateSummary.Images(template),
            Changes = TemplateSummary.Diff(current, template),
            Warnings = warnings,
            PatchType = V1Patch.PatchType.JsonPatch,
            PatchDocument = DeploymentPatch(template, annotations, deployment.Metadata.ResourceVersion),
            DeadlineExceededAt = deployment.Status?.Conditions?.FirstOrDefault(c =>
                c.Type == "Progressing" && c.Reason == RolloutStatusEvaluator.ProgressDeadlineExceeded)?.LastUpdateTime,
            ResourceVersion = deployment.Metadata.ResourceVersion,
        };
    }

    /// <summary>
    /// kubectl's getDeploymentPatch (replace /spec/template and /metadata/annotations) plus a replace of
    /// /metadata/resourceVersion with the version read: the API server then refuses the patch with 409 if anyone wrote
    /// the Deployment since, instead of silently overwriting their change.
    /// </summary>
    public static string DeploymentPatch(V1PodTemplateSpec template, IReadOnlyDictionary<string, string> annotations, string? resourceVersion)
    {
        var annotationNode = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            annotationNode[key] = value;
        }

        var ops = new JsonArray
        {
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = TemplateJson.ToNode(template) },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/annotations", ["value"] = annotationNode },
        };
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/metadata/resourceVersion", ["value"] = resourceVersion });
        }

        return ops.ToJsonString();
    }

    /// <summary>
    /// StatefulSetRollbacker.Rollback: ControllerRevisions (owned by the set), the second-highest revision when
    /// <paramref name="toRevision"/> is 0, and a strategic merge patch of the revision's data.
    /// </summary>
    public static RollbackPlan PlanStatefulSet(V1StatefulSet set, IReadOnlyList<V1ControllerRevision> history, int toRevision)
    {
        var name = set.Metadata.Name;
        var target = new WorkloadRef(WorkloadKind.StatefulSet, set.Metadata.NamespaceProperty, name);
        if (toRevision < 0)
        {
            throw RevisionNotFound(target, toRevision);
        }

        if (toRevision == 0 && history.Count <= 1)
        {
            throw new SeekapaException("RevisionNotFound", FailureCategory.ObjectNotFound, "no last revision to roll back to",
                $"{target.Namespace}/{name}", "A statefulset needs at least two revisions to roll back (Get-SeekapaRolloutHistory -Kind StatefulSet).");
        }

        var sorted = history.OrderBy(h => h.Revision ?? 0).ToList();
        var source = toRevision == 0 ? sorted[^2] : sorted.FirstOrDefault(h => h.Revision == toRevision)
            ?? throw RevisionNotFound(target, toRevision);
        var resolved = (int)(source.Revision ?? 0);

        var data = source.Data is null ? new JsonObject() : TemplateJson.ToNode(source.Data);
        var templateNode = data["spec"]?["template"]?.DeepClone();
        if (templateNode is JsonObject templateObject)
        {
            templateObject.Remove("$patch");
        }

        var targetTemplate = templateNode is null ? null : TemplateJson.FromNode(templateNode);
        var current = set.Spec.Template;
        var imagesBefore = TemplateSummary.Images(current);
        int? fromRevision = history.FirstOrDefault(h => h.Metadata.Name == set.Status?.UpdateRevision)?.Revision is { } rev
            ? (int)rev
            : sorted.Count > 0 ? (int)(sorted[^1].Revision ?? 0) : null;
        var warnings = Warnings(set.Metadata, target);

        if (templateNode is not null && TemplateJson.SemanticEquals(TemplateJson.ToNode(current), templateNode))
        {
            return SkippedPlan(target, fromRevision, resolved, source.Metadata.Name, imagesBefore, warnings, set.Metadata.ResourceVersion);
        }

        // The revision data as stored (spec.template with "$patch":"replace"), plus the resourceVersion precondition.
        var patch = data.DeepClone().AsObject();
        if (!string.IsNullOrEmpty(set.Metadata.ResourceVersion))
        {
            patch["metadata"] = new JsonObject { ["resourceVersion"] = set.Metadata.ResourceVersion };
        }

        return new RollbackPlan
        {
            Target = target,
            FromRevision = fromRevision,
            ToRevision = resolved,
            SourceName = source.Metadata.Name,
            Message = RolledBack,
            ImagesBefore = imagesBefore,
            ImagesAfter = TemplateSummary.Images(targetTemplate),
            Changes = TemplateSummary.Diff(current, targetTemplate),
            Warnings = warnings,
            PatchType = V1Patch.PatchType.StrategicMergePatch,
            PatchDocument = patch.ToJsonString(),
            ResourceVersion = set.Metadata.ResourceVersion,
        };
    }

    /// <summary>kubectl's "skipped rollback": the target already runs that template, so nothing is sent.</summary>
    private static RollbackPlan SkippedPlan(WorkloadRef target, int? fromRevision, int resolved, string sourceName,
        IReadOnlyList<string> images, IReadOnlyList<string> warnings, string? resourceVersion) => new()
    {
        Target = target,
        FromRevision = fromRevision,
        ToRevision = resolved,
        SourceName = sourceName,
        Skipped = true,
        Message = $"{SkippedPrefix} (current template already matches revision {resolved})",
        ImagesBefore = images,
        ImagesAfter = images,
        Warnings = warnings,
        ResourceVersion = resourceVersion,
    };

    /// <summary>kubectl's deploymentRevision: the RS with revision N, or for N==0 the second-highest revision.</summary>
    private static V1ReplicaSet FindReplicaSet(V1Deployment deployment, IReadOnlyList<V1ReplicaSet> replicaSets, int toRevision, WorkloadRef target)
    {
        V1ReplicaSet? latest = null, previous = null;
        long latestRevision = -1, previousRevision = -1;
        foreach (var rs in replicaSets)
        {
            if (RolloutAnnotations.RevisionOf(rs.Metadata) is not { } v)
            {
                continue;
            }

            if (toRevision == 0)
            {
                if (latestRevision < v)
                {
                    previousRevision = latestRevision;
                    previous = latest;
                    latestRevision = v;
                    latest = rs;
                }
                else if (previousRevision < v)
                {
                    previousRevision = v;
                    previous = rs;
                }
            }
            else if (toRevision == v)
            {
                return rs;
            }
        }

        if (toRevision > 0)
        {
            throw RevisionNotFound(target, toRevision);
        }

        return previous ?? throw new SeekapaException("RevisionNotFound", FailureCategory.ObjectNotFound,
            $"no rollout history found for deployment \"{deployment.Metadata.Name}\"", $"{target.Namespace}/{target.Name}",
            "There is no earlier revision to roll back to: see Get-SeekapaRolloutHistory.");
    }

    private static SeekapaException RevisionNotFound(WorkloadRef target, int revision) =>
        new("RevisionNotFound", FailureCategory.ObjectNotFound, $"unable to find specified revision {revision} in history",
            $"{target.Namespace}/{target.Name}", $"List the revisions with Get-SeekapaRolloutHistory {target.Name} -Namespace {target.Namespace}.");

    /// <summary>kubectl's apply-managed warning, and ours for ArgoCD-tracked objects (auto-sync would revert the rollback).</summary>
    public static IReadOnlyList<string> Warnings(V1ObjectMeta metadata, WorkloadRef target)
    {
        var warnings = new List<string>();
        var annotations = metadata.Annotations ?? new Dictionary<string, string>();
        var labels = metadata.Labels ?? new Dictionary<string, string>();
        if (annotations.ContainsKey(RolloutAnnotations.LastAppliedConfiguration))
        {
            warnings.Add($"resource {target} was previously managed with 'kubectl apply'. Rolling back will not update the " +
                $"{RolloutAnnotations.LastAppliedConfiguration} annotation, which may cause unexpected behavior on future 'kubectl apply' " +
                "operations. Consider using 'kubectl apply' with your previous configuration file instead.");
        }

        if (ArgoCdTracking.Application(labels, annotations) is { } app)
        {
            warnings.Add($"{target} is tracked by the ArgoCD application '{app}'. If that application has auto-sync (self-heal) " +
                "enabled, ArgoCD will revert this rollback to the revision in Git: disable auto-sync, or roll back in ArgoCD/Git instead.");
        }

        return warnings;
    }
}
