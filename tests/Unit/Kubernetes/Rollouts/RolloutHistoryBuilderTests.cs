using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Xunit;
using static Seekapa.Ops.Tests.Kubernetes.Rollouts.RolloutObjects;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

public sealed class RolloutHistoryBuilderTests
{
    [Fact]
    public void RevisionsAreSortedWithChangeCauseImagesAndTheCurrentOne()
    {
        var (d, sets) = ThreeRevisions();
        sets[0].Spec.Template.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "from template" };
        var history = RolloutHistoryBuilder.FromReplicaSets(d, sets);
        Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Revision));
        Assert.Equal(new[] { "from template", "deploy 2", null }, history.Select(h => h.ChangeCause));
        Assert.Equal(new[] { false, false, true }, history.Select(h => h.IsCurrent));
        Assert.Equal(new[] { "registry/backend:2" }, history[1].Images);
        Assert.Equal("backend-deployment-bbb222", history[1].ReplicaSet);
        Assert.All(history, h => Assert.Equal("backend-deployment", h.Name));
        Assert.All(history, h => Assert.Equal(WorkloadKind.Deployment, h.Kind));
        Assert.Equal(3, history[2].Replicas);
    }

    [Fact]
    public void ReplicaSetsWithUnparsableRevisionsAreLeftOut()
    {
        var (d, sets) = ThreeRevisions();
        sets.Add(ReplicaSet("x", null, "zzz", revisionText: "abc"));
        Assert.Equal(3, RolloutHistoryBuilder.FromReplicaSets(d, sets).Count);
    }

    [Fact]
    public void RevisionHistoryAnnotationIsParsed()
    {
        var (d, sets) = ThreeRevisions();
        sets[0].Metadata.Annotations["deployment.kubernetes.io/revision-history"] = "1,4";
        Assert.Equal(new[] { 1, 4 }, RolloutHistoryBuilder.FromReplicaSets(d, sets)[0].PreviousRevisions);
    }

    [Fact]
    public void StatefulSetRevisionsComeFromControllerRevisionData()
    {
        var set = StatefulSet("postgres:16.2", updateRevision: "postgres-rev2");
        var history = RolloutHistoryBuilder.FromControllerRevisions(set, new[] { ControllerRevision("postgres:16.2", 2), ControllerRevision("postgres:16.1", 1) });
        Assert.Equal(new[] { 1, 2 }, history.Select(h => h.Revision));
        Assert.Equal(new[] { "postgres:16.1" }, history[0].Images);
        Assert.Equal(new[] { false, true }, history.Select(h => h.IsCurrent));
        Assert.Equal("postgres-rev1", history[0].ControllerRevision);
        Assert.Equal(WorkloadKind.StatefulSet, history[0].Kind);
    }

    [Fact]
    public void SelectorTextSortsRequirementsByKey()
    {
        var selector = new k8s.Models.V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["tier"] = "api", ["app"] = "backend" },
            MatchExpressions = new List<k8s.Models.V1LabelSelectorRequirement>
            {
                new() { Key = "env", OperatorProperty = "In", Values = new List<string> { "prod", "canary" } },
                new() { Key = "zone", OperatorProperty = "DoesNotExist" },
            },
        };
        Assert.Equal("app=backend,env in (canary,prod),tier=api,!zone", SelectorText.Format(selector));
        Assert.Null(SelectorText.Format(new k8s.Models.V1LabelSelector()));
    }
}
