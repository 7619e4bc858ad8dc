using k8s.Models;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Tests.Kubernetes.Rollouts;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>Recent changes from hand-built Deployments/ReplicaSets and StatefulSets/ControllerRevisions.</summary>
public sealed class RecentChangeBuilderTests
{
    // RolloutObjects creates revision N's ReplicaSet at 2026-11-01 00:0N.
    private static readonly DateTimeOffset Base = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Base + TimeSpan.FromMinutes(30);

    private static readonly NameFilter All = new(null);

    [Fact]
    public void RevisionsInsideTheWindowNewestFirstWithImagesBeforeAndAfter()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        var rows = RecentChangeBuilder.FromDeployment(d, sets, Base + TimeSpan.FromMinutes(1.5), Now);
        Assert.Equal(new[] { 2, 3 }, rows.Select(r => r.Revision));

        var sorted = RecentChangeReader.Build(new[] { d }, sets, Array.Empty<V1StatefulSet>(), Array.Empty<V1ControllerRevision>(), All,
            Base + TimeSpan.FromMinutes(1.5), Now, out var found);
        Assert.Equal(new[] { 3, 2 }, sorted.Select(r => r.Revision));
        Assert.Equal("backend-deployment", Assert.Single(found));

        var newest = sorted[0];
        Assert.Equal((WorkloadKind.Deployment, "seekapa-production", "backend-deployment"), (newest.Kind, newest.Namespace, newest.Name));
        Assert.Equal(Base + TimeSpan.FromMinutes(3), newest.Time);
        Assert.Equal("27m", newest.Age);
        Assert.Equal(RecentChangeBuilder.ReplicaSetCreated, newest.TimeSource);
        Assert.Equal(new[] { "registry/backend:2" }, newest.ImagesBefore);
        Assert.Equal(new[] { "registry/backend:3" }, newest.ImagesAfter);
        Assert.Equal("registry/backend:2 -> registry/backend:3", newest.ImageChange);
        Assert.Equal(2, newest.PreviousRevision);
        Assert.True(newest.IsCurrent);
        Assert.Equal(RolloutState.Complete, newest.RolloutState);
        Assert.Equal("backend-deployment-ccc333", newest.ReplicaSet);

        var older = sorted[1];
        Assert.False(older.IsCurrent);
        Assert.Null(older.RolloutState);
        Assert.Equal("deploy 2", older.ChangeCause);
        Assert.Equal(new[] { "registry/backend:1" }, older.ImagesBefore);
    }

    [Fact]
    public void FirstRevisionHasNoImagesBefore()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        var first = RecentChangeBuilder.FromDeployment(d, sets, Base, Now).Single(r => r.Revision == 1);
        Assert.Empty(first.ImagesBefore);
        Assert.Null(first.PreviousRevision);
        Assert.Equal("(new) -> registry/backend:1", first.ImageChange);
    }

    [Fact]
    public void NothingOutsideTheWindow()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        Assert.Empty(RecentChangeBuilder.FromDeployment(d, sets, Base + TimeSpan.FromMinutes(4), Now));
    }

    [Fact]
    public void RollbackReusesTheOldReplicaSetAndUsesTheProgressingConditionTime()
    {
        // Rolled back from 3 to the template of 1: the controller re-numbers the old ReplicaSet 4, with history "1".
        var d = RolloutObjects.Deployment("registry/backend:1", 4);
        var rollbackSeen = Base + TimeSpan.FromMinutes(25);
        d.Status.Conditions = new List<V1DeploymentCondition>
        {
            new() { Type = "Progressing", Status = "True", Reason = "NewReplicaSetAvailable", LastUpdateTime = rollbackSeen.UtcDateTime,
                LastTransitionTime = Base.UtcDateTime, Message = "ReplicaSet \"backend-deployment-aaa111\" has successfully progressed." },
        };
        var sets = new List<V1ReplicaSet>
        {
            RolloutObjects.ReplicaSet("registry/backend:1", 4, "aaa111", replicas: 3,
                annotations: new Dictionary<string, string> { ["deployment.kubernetes.io/revision-history"] = "1" }),
            RolloutObjects.ReplicaSet("registry/backend:2", 2, "bbb222"),
            RolloutObjects.ReplicaSet("registry/backend:3", 3, "ccc333"),
        };
        sets[0].Metadata.CreationTimestamp = Base.UtcDateTime;

        var rows = RecentChangeReader.Build(new[] { d }, sets, Array.Empty<V1StatefulSet>(), Array.Empty<V1ControllerRevision>(), All,
            Now - TimeSpan.FromMinutes(10), Now, out _);
        var rollback = Assert.Single(rows);
        Assert.Equal((4, rollbackSeen, RecentChangeBuilder.ProgressingCondition), (rollback.Revision, rollback.Time, rollback.TimeSource));
        Assert.Equal(new[] { "registry/backend:3" }, rollback.ImagesBefore);
        Assert.Equal(new[] { "registry/backend:1" }, rollback.ImagesAfter);
        Assert.Equal(3, rollback.PreviousRevision);
        Assert.True(rollback.IsCurrent);

        // Without revision-history, a ReplicaSet older than a lower revision is still recognised as re-used.
        sets[0].Metadata.Annotations.Remove("deployment.kubernetes.io/revision-history");
        var again = RecentChangeBuilder.FromDeployment(d, sets, Now - TimeSpan.FromMinutes(10), Now);
        Assert.Equal(RecentChangeBuilder.ProgressingCondition, Assert.Single(again).TimeSource);
    }

    [Fact]
    public void FailedRolloutStateIsOnTheCurrentRow()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        d.Status.Conditions = new List<V1DeploymentCondition>
        {
            new() { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"backend-deployment-ccc333\" has timed out progressing." },
        };
        var current = RecentChangeBuilder.FromDeployment(d, sets, Base, Now).Single(r => r.IsCurrent);
        Assert.Equal((3, RolloutState.Failed), (current.Revision, current.RolloutState));
        Assert.Contains("timed out", current.RolloutMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void IgnoresReplicaSetsOfOtherOwnersAndWithoutRevisions()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        sets.Add(RolloutObjects.ReplicaSet("registry/other:1", 5, "ddd444", ownerUid: "someone-else"));
        sets.Add(RolloutObjects.ReplicaSet("registry/backend:x", null, "eee555"));
        sets.Add(RolloutObjects.ReplicaSet("registry/backend:y", null, "fff666", revisionText: "abc"));
        var rows = RecentChangeReader.Build(new[] { d }, sets, Array.Empty<V1StatefulSet>(), Array.Empty<V1ControllerRevision>(), All, Base, Now, out _);
        Assert.Equal(new[] { 3, 2, 1 }, rows.Select(r => r.Revision));
    }

    [Fact]
    public void StatefulSetRevisionsFromControllerRevisions()
    {
        var set = RolloutObjects.StatefulSet("postgres:15.4", updateRevision: "postgres-rev2");
        var revisions = new[] { RolloutObjects.ControllerRevision("postgres:15.3", 1), RolloutObjects.ControllerRevision("postgres:15.4", 2) };
        revisions[0].Metadata.CreationTimestamp = (Base - TimeSpan.FromDays(60)).UtcDateTime;
        revisions[1].Metadata.CreationTimestamp = (Now - TimeSpan.FromMinutes(10)).UtcDateTime;

        var rows = RecentChangeReader.Build(Array.Empty<V1Deployment>(), Array.Empty<V1ReplicaSet>(), new[] { set }, revisions, All,
            Now - TimeSpan.FromHours(2), Now, out var found);
        var row = Assert.Single(rows);
        Assert.Equal((WorkloadKind.StatefulSet, "postgres", 2, "postgres-rev2"), (row.Kind, row.Name, row.Revision, row.ControllerRevision));
        Assert.Equal(RecentChangeBuilder.ControllerRevisionCreated, row.TimeSource);
        Assert.Equal(new[] { "postgres:15.3" }, row.ImagesBefore);
        Assert.Equal(new[] { "postgres:15.4" }, row.ImagesAfter);
        Assert.True(row.IsCurrent);
        Assert.Equal(RolloutState.Complete, row.RolloutState);
        Assert.Contains("postgres", found);
    }

    [Fact]
    public void NameFilterSelectsWorkloadsAndReportsWhatItFound()
    {
        var (d, sets) = RolloutObjects.ThreeRevisions();
        var none = RecentChangeReader.Build(new[] { d }, sets, Array.Empty<V1StatefulSet>(), Array.Empty<V1ControllerRevision>(),
            new NameFilter(new[] { "frontend-*", "missing" }), Base, Now, out var found);
        Assert.Empty(none);
        Assert.Empty(found);

        var wild = RecentChangeReader.Build(new[] { d }, sets, Array.Empty<V1StatefulSet>(), Array.Empty<V1ControllerRevision>(),
            new NameFilter(new[] { "BACKEND-*" }), Base, Now, out found);
        Assert.Equal(3, wild.Count);
    }
}
