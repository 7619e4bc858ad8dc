using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Xunit;
using static Seekapa.Ops.Tests.Kubernetes.Rollouts.RolloutObjects;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

public sealed class RollbackPlannerTests
{
    private static JsonArray Ops(RollbackPlan plan) => JsonNode.Parse(plan.PatchDocument!)!.AsArray();

    [Fact]
    public void DefaultTargetIsTheSecondHighestRevisionWhateverTheListOrder()
    {
        var (d, sets) = ThreeRevisions();
        sets.Reverse();
        var plan = RollbackPlanner.PlanDeployment(d, sets, 0);
        Assert.Equal(2, plan.ToRevision);
        Assert.Equal(3, plan.FromRevision);
        Assert.Equal("backend-deployment-bbb222", plan.SourceName);
        Assert.False(plan.Skipped);
        Assert.Equal("rolled back", plan.Message);
        Assert.Equal(new[] { "registry/backend:3" }, plan.ImagesBefore);
        Assert.Equal(new[] { "registry/backend:2" }, plan.ImagesAfter);
    }

    [Fact]
    public void SecondHighestIsByRevisionNumberNotCreationOrder()
    {
        // After a rollback RS#1 was re-used as revision 4: previous is then 3, not 2.
        var d = Deployment("registry/backend:1", 4);
        var sets = new List<V1ReplicaSet>
        {
            ReplicaSet("registry/backend:1", 4, "aaa111"),
            ReplicaSet("registry/backend:2", 2, "bbb222"),
            ReplicaSet("registry/backend:3", 3, "ccc333"),
        };
        var plan = RollbackPlanner.PlanDeployment(d, sets, 0);
        Assert.Equal(3, plan.ToRevision);
        Assert.Equal(new[] { "registry/backend:3" }, plan.ImagesAfter);
    }

    [Fact]
    public void ExplicitRevisionIsUsed()
    {
        var (d, sets) = ThreeRevisions();
        var plan = RollbackPlanner.PlanDeployment(d, sets, 1);
        Assert.Equal(1, plan.ToRevision);
        Assert.Equal(new[] { "registry/backend:1" }, plan.ImagesAfter);
    }

    [Fact]
    public void NegativeRevisionIsRevisionNotFoundWithKubectlsText()
    {
        var (d, sets) = ThreeRevisions();
        var ex = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, sets, -1));
        Assert.Equal("RevisionNotFound", ex.ErrorId);
        Assert.Equal("unable to find specified revision -1 in history", ex.Message);
        Assert.Equal(FailureCategory.ObjectNotFound, ex.Category);
    }

    [Fact]
    public void MissingExplicitRevisionIsRevisionNotFound()
    {
        var (d, sets) = ThreeRevisions();
        var ex = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, sets, 7));
        Assert.Equal("RevisionNotFound", ex.ErrorId);
        Assert.Equal("unable to find specified revision 7 in history", ex.Message);
    }

    [Fact]
    public void OnlyOneRevisionMeansNoRolloutHistory()
    {
        var d = Deployment("registry/backend:1", 1);
        var ex = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, new[] { ReplicaSet("registry/backend:1", 1, "aaa111") }, 0));
        Assert.Equal("RevisionNotFound", ex.ErrorId);
        Assert.Equal("no rollout history found for deployment \"backend-deployment\"", ex.Message);
        var none = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, Array.Empty<V1ReplicaSet>(), 0));
        Assert.Equal("RevisionNotFound", none.ErrorId);
    }

    [Fact]
    public void UnparsableRevisionsAreIgnoredAndMissingOnesCountAsZero()
    {
        var d = Deployment("registry/backend:3", 3);
        var sets = new List<V1ReplicaSet>
        {
            ReplicaSet("registry/backend:x", null, "xxx000", revisionText: "not-a-number"),
            ReplicaSet("registry/backend:0", null, "zzz000"),
            ReplicaSet("registry/backend:3", 3, "ccc333"),
        };
        var plan = RollbackPlanner.PlanDeployment(d, sets, 0);
        Assert.Equal(0, plan.ToRevision);
        Assert.Equal(new[] { "registry/backend:0" }, plan.ImagesAfter);
    }

    [Fact]
    public void PausedDeploymentIsRefusedButOnlyAfterTheRevisionIsFound()
    {
        var (d, sets) = ThreeRevisions(paused: true);
        var ex = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, sets, 0));
        Assert.Equal("DeploymentPaused", ex.ErrorId);
        Assert.Equal("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again", ex.Message);
        Assert.Equal(FailureCategory.InvalidOperation, ex.Category);
        // kubectl looks the revision up first: a missing revision wins over paused.
        Assert.Equal("RevisionNotFound", Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanDeployment(d, sets, 9)).ErrorId);
    }

    [Fact]
    public void TemplateEqualToCurrentIgnoringHashIsSkippedAndSendsNothing()
    {
        var (d, sets) = ThreeRevisions();
        var plan = RollbackPlanner.PlanDeployment(d, sets, 3);
        Assert.True(plan.Skipped);
        Assert.Null(plan.PatchDocument);
        Assert.Equal("skipped rollback (current template already matches revision 3)", plan.Message);
        Assert.Equal(plan.ImagesBefore, plan.ImagesAfter);
    }

    [Fact]
    public void EqualityTreatsMissingAndEmptyListsAlikeButSeesRealDifferences()
    {
        var current = Template("registry/backend:2");
        var stored = Template("registry/backend:2", "bbb222");
        stored.Spec.Volumes = new List<V1Volume>();
        stored.Metadata.Annotations = new Dictionary<string, string>();
        Assert.True(TemplateJson.EqualIgnoreHash(current, stored));
        var env = Template("registry/backend:2", "bbb222", new List<V1EnvVar> { new() { Name = "MODE", Value = "x" } });
        Assert.False(TemplateJson.EqualIgnoreHash(current, env));
        var label = Template("registry/backend:2", "bbb222");
        label.Metadata.Labels["tier"] = "api";
        Assert.False(TemplateJson.EqualIgnoreHash(current, label));
    }

    [Fact]
    public void PatchIsKubectlsTwoReplaceOpsPlusTheResourceVersionPin()
    {
        var (d, sets) = ThreeRevisions();
        var plan = RollbackPlanner.PlanDeployment(d, sets, 2);
        Assert.Equal(V1Patch.PatchType.JsonPatch, plan.PatchType);
        var ops = Ops(plan);
        Assert.Equal(3, ops.Count);
        Assert.Equal("replace", (string?)ops[0]!["op"]);
        Assert.Equal("/spec/template", (string?)ops[0]!["path"]);
        Assert.Equal("replace", (string?)ops[1]!["op"]);
        Assert.Equal("/metadata/annotations", (string?)ops[1]!["path"]);
        Assert.Equal("replace", (string?)ops[2]!["op"]);
        Assert.Equal("/metadata/resourceVersion", (string?)ops[2]!["path"]);
        Assert.Equal("100", (string?)ops[2]!["value"]);

        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(ops[0]!["value"]!.ToJsonString());
        Assert.Equal("registry/backend:2", template.Spec.Containers[0].Image);
        Assert.Equal("Always", template.Spec.RestartPolicy);
        Assert.False(template.Metadata.Labels.ContainsKey("pod-template-hash"));
        Assert.Equal("backend", template.Metadata.Labels["app"]);
    }

    [Fact]
    public void ExactPatchDocument()
    {
        var d = Deployment("b:2", 2, resourceVersion: "42");
        d.Spec.Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "b" } },
            Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "c", Image = "b:2" } } },
        };
        var rs = ReplicaSet("b:1", 1, "h1");
        rs.Metadata.Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = "1" };
        rs.Spec.Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "b", ["pod-template-hash"] = "h1" } },
            Spec = new V1PodSpec { Containers = new List<V1Container> { new() { Name = "c", Image = "b:1" } } },
        };
        var plan = RollbackPlanner.PlanDeployment(d, new[] { rs, ReplicaSet("b:2", 2, "h2") }, 0);
        Assert.Equal(
            "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":{\"metadata\":{\"labels\":{\"app\":\"b\"}},\"spec\":{\"containers\":[{\"image\":\"b:1\",\"name\":\"c\"}]}}}," +
            "{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":{\"deployment.kubernetes.io/revision\":\"2\"}}," +
            "{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"}]",
            plan.PatchDocument);
    }

    [Fact]
    public void AnnotationsKeepTheSkipListFromTheDeploymentAndEverythingElseFromTheReplicaSet()
    {
        var (d, sets) = ThreeRevisions(deploymentAnnotations: new Dictionary<string, string>
        {
            ["deployment.kubernetes.io/revision-history"] = "1",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
            ["deprecated.deployment.rollback.to"] = "5",
            ["kubernetes.io/change-cause"] = "deploy 3",
            ["team"] = "payments",
        });
        sets[2].Metadata.Annotations["deployment.kubernetes.io/revision-history"] = "9";
        sets[2].Metadata.Annotations["owner"] = "rs";
        var plan = RollbackPlanner.PlanDeployment(d, sets, 2);
        var annotations = Ops(plan)[1]!["value"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        Assert.Equal(new Dictionary<string, string?>
        {
            // From the Deployment (skip list):
            ["deployment.kubernetes.io/revision"] = "3",
            ["deployment.kubernetes.io/revision-history"] = "1",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
            ["deprecated.deployment.rollback.to"] = "5",
            // From the ReplicaSet (not in the skip list); its desired/max-replicas are skipped and the Deployment has none:
            ["kubernetes.io/change-cause"] = "deploy 2",
            ["owner"] = "rs",
        }, annotations);
        Assert.DoesNotContain("team", annotations.Keys);
    }

    [Fact]
    public void WarnsForApplyManagedAndArgoCdTrackedObjects()
    {
        var (d, sets) = ThreeRevisions(deploymentAnnotations: new Dictionary<string, string>
        {
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
            ["argocd.argoproj.io/tracking-id"] = "seekapa-backend:apps/Deployment:seekapa-production/backend-deployment",
        });
        d.Metadata.Labels = new Dictionary<string, string> { ["app.kubernetes.io/instance"] = "seekapa-backend" };
        var plan = RollbackPlanner.PlanDeployment(d, sets, 0);
        Assert.Equal(2, plan.Warnings.Count);
        Assert.Contains("previously managed with 'kubectl apply'", plan.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("ArgoCD application 'seekapa-backend'", plan.Warnings[1], StringComparison.Ordinal);

        var (plain, plainSets) = ThreeRevisions();
        plain.Metadata.Labels = new Dictionary<string, string> { ["app.kubernetes.io/instance"] = "helm-release" };
        Assert.Empty(RollbackPlanner.PlanDeployment(plain, plainSets, 0).Warnings);
    }

    [Fact]
    public void DescriptionShowsRevisionsImagesAndEnvChangesWithSecretsMasked()
    {
        var d = Deployment("registry/backend:3", 3);
        d.Spec.Template = Template("registry/backend:3", env: new List<V1EnvVar>
        {
            new() { Name = "MODE", Value = "fast" },
            new() { Name = "DB_PASSWORD", Value = "hunter2-now" },
            new() { Name = "NEW_FLAG", Value = "on" },
        });
        var rs = ReplicaSet("registry/backend:2", 2, "bbb222");
        rs.Spec.Template = Template("registry/backend:2", "bbb222", new List<V1EnvVar>
        {
            new() { Name = "MODE", Value = "safe" },
            new() { Name = "DB_PASSWORD", Value = "hunter1-old" },
            new() { Name = "API_TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "backend-secrets", Key = "token" } } },
        });
        var plan = RollbackPlanner.PlanDeployment(d, new[] { rs, ReplicaSet("registry/backend:3", 3, "ccc333") }, 0);
        var text = plan.Describe();
        Assert.Contains("from revision 3 to revision 2", text, StringComparison.Ordinal);
        Assert.Contains("registry/backend:3 -> registry/backend:2", text, StringComparison.Ordinal);
        Assert.Contains("env MODE changed (value 'fast' -> value 'safe')", text, StringComparison.Ordinal);
        Assert.Contains("env DB_PASSWORD changed", text, StringComparison.Ordinal);
        Assert.Contains("env API_TOKEN added (from secret backend-secrets/token)", text, StringComparison.Ordinal);
        Assert.Contains("env NEW_FLAG removed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StatefulSetDefaultIsTheSecondToLastControllerRevision()
    {
        var set = StatefulSet("postgres:16.3");
        var history = new[] { ControllerRevision("postgres:16.3", 3), ControllerRevision("postgres:16.1", 1), ControllerRevision("postgres:16.2", 2) };
        var plan = RollbackPlanner.PlanStatefulSet(set, history, 0);
        Assert.Equal(2, plan.ToRevision);
        Assert.Equal(3, plan.FromRevision);
        Assert.Equal("postgres-rev2", plan.SourceName);
        Assert.Equal(V1Patch.PatchType.StrategicMergePatch, plan.PatchType);
        var patch = JsonNode.Parse(plan.PatchDocument!)!;
        Assert.Equal("replace", (string?)patch["spec"]!["template"]!["$patch"]);
        Assert.Equal("postgres:16.2", (string?)patch["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal("200", (string?)patch["metadata"]!["resourceVersion"]);
        Assert.Equal(new[] { "postgres:16.2" }, plan.ImagesAfter);
    }

    [Fact]
    public void StatefulSetRulesForMissingAndEqualRevisions()
    {
        var set = StatefulSet("postgres:16.3");
        var one = Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanStatefulSet(set, new[] { ControllerRevision("postgres:16.3", 1) }, 0));
        Assert.Equal("RevisionNotFound", one.ErrorId);
        Assert.Equal("no last revision to roll back to", one.Message);
        var history = new[] { ControllerRevision("postgres:16.1", 1), ControllerRevision("postgres:16.3", 3) };
        Assert.Equal("unable to find specified revision 2 in history",
            Assert.Throws<SeekapaException>(() => RollbackPlanner.PlanStatefulSet(set, history, 2)).Message);
        var same = RollbackPlanner.PlanStatefulSet(set, history, 3);
        Assert.True(same.Skipped);
        Assert.Equal("skipped rollback (current template already matches revision 3)", same.Message);
    }
}
