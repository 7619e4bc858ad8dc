using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Xunit;
using static Seekapa.Ops.Tests.Kubernetes.Rollouts.RolloutObjects;

namespace Seekapa.Ops.Tests.Kubernetes.Rollouts;

public sealed class RolloutStatusEvaluatorTests
{
    private static V1Deployment D(int? specReplicas, int replicas, int updated, int available, long generation = 2, long observed = 2,
        string? progressingReason = null)
    {
        var d = Deployment("b:1", 5, name: "api");
        d.Metadata.Generation = generation;
        d.Spec.Replicas = specReplicas;
        d.Status = new V1DeploymentStatus
        {
            ObservedGeneration = observed, Replicas = replicas, UpdatedReplicas = updated, AvailableReplicas = available, ReadyReplicas = available,
            Conditions = progressingReason is null ? null : new List<V1DeploymentCondition>
            {
                new() { Type = "Available", Status = "False", Reason = "MinimumReplicasUnavailable" },
                new() { Type = "Progressing", Status = "False", Reason = progressingReason, Message = "ReplicaSet \"api-5d\" has timed out progressing." },
            },
        };
        return d;
    }

    [Theory]
    [InlineData(3, 3, 1, 1, "Waiting for deployment \"api\" rollout to finish: 1 out of 3 new replicas have been updated...")]
    [InlineData(3, 5, 3, 3, "Waiting for deployment \"api\" rollout to finish: 2 old replicas are pending termination...")]
    [InlineData(3, 3, 3, 1, "Waiting for deployment \"api\" rollout to finish: 1 of 3 updated replicas are available...")]
    [InlineData(0, 0, 0, 0, "deployment \"api\" successfully rolled out")]
    public void DeploymentMessagesInKubectlsOrder(int spec, int replicas, int updated, int available, string expected)
    {
        var result = RolloutStatusEvaluator.Evaluate(D(spec, replicas, updated, available));
        Assert.Equal(expected, result.Message);
        Assert.Equal(expected.EndsWith("rolled out", StringComparison.Ordinal), result.Done);
        Assert.Null(result.Error);
    }

    [Fact]
    public void CompleteWhenEverythingIsUpdatedAndAvailable()
    {
        var result = RolloutStatusEvaluator.Evaluate(D(3, 3, 3, 3));
        Assert.True(result.Done);
        Assert.Equal(RolloutState.Complete, result.State);
    }

    [Fact]
    public void NilSpecReplicasSkipsTheUpdatedCheck()
    {
        Assert.Equal("Waiting for deployment \"api\" rollout to finish: 1 of 2 updated replicas are available...",
            RolloutStatusEvaluator.Evaluate(D(null, 2, 2, 1)).Message);
    }

    [Fact]
    public void UnobservedGenerationWaitsForTheSpecUpdate()
    {
        var result = RolloutStatusEvaluator.Evaluate(D(3, 3, 3, 3, generation: 5, observed: 4));
        Assert.False(result.Done);
        Assert.Equal("Waiting for deployment spec update to be observed...", result.Message);
        // Even a deadline-exceeded condition is not trusted before the controller observed the spec.
        Assert.Null(RolloutStatusEvaluator.Evaluate(D(3, 3, 1, 1, generation: 5, observed: 4, progressingReason: "ProgressDeadlineExceeded")).Error);
    }

    [Fact]
    public void ProgressDeadlineExceededIsRolloutFailedWithKubectlsMessageAndTheCondition()
    {
        var result = RolloutStatusEvaluator.Evaluate(D(3, 4, 1, 3, progressingReason: "ProgressDeadlineExceeded"));
        Assert.False(result.Done);
        Assert.Equal(RolloutState.Failed, result.State);
        Assert.Equal("RolloutFailed", result.Error!.ErrorId);
        Assert.Equal("deployment \"api\" exceeded its progress deadline: ReplicaSet \"api-5d\" has timed out progressing.", result.Error.Message);
        Assert.Null(RolloutStatusEvaluator.Evaluate(D(3, 3, 3, 3, progressingReason: "NewReplicaSetAvailable")).Error);
    }

    [Fact]
    public void AStaleDeadlineConditionFromBeforeOurChangeIsNotThisRolloutsFailure()
    {
        var at = new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc);
        var d = D(3, 4, 1, 3, progressingReason: "ProgressDeadlineExceeded");
        d.Status.Conditions[1].LastUpdateTime = at;
        var stale = RolloutStatusEvaluator.Evaluate(d, null, at);
        Assert.Null(stale.Error);
        Assert.Equal("Waiting for deployment \"api\" rollout to finish: 1 out of 3 new replicas have been updated...", stale.Message);
        // Exceeded again after our change: a real failure.
        d.Status.Conditions[1].LastUpdateTime = at.AddMinutes(11);
        Assert.Equal("RolloutFailed", RolloutStatusEvaluator.Evaluate(d, null, at).Error!.ErrorId);
        Assert.Equal("RolloutFailed", RolloutStatusEvaluator.Evaluate(d).Error!.ErrorId);
    }

    [Fact]
    public void RevisionMismatchIsAnError()
    {
        var d = D(3, 3, 3, 3);
        Assert.True(RolloutStatusEvaluator.Evaluate(d, 5).Done);
        var result = RolloutStatusEvaluator.Evaluate(d, 4);
        Assert.Equal("RevisionMismatch", result.Error!.ErrorId);
        Assert.Equal("desired revision (4) is different from the running revision (5)", result.Error.Message);
    }

    [Fact]
    public void StateOfPausedAndFailedDeployments()
    {
        var paused = D(3, 3, 3, 3);
        paused.Spec.Paused = true;
        Assert.Equal(RolloutState.Paused, RolloutStatusEvaluator.StateOf(paused).State);
        Assert.Equal(RolloutState.Failed, RolloutStatusEvaluator.StateOf(D(3, 4, 1, 3, progressingReason: "ProgressDeadlineExceeded")).State);
        Assert.Equal(RolloutState.Progressing, RolloutStatusEvaluator.StateOf(D(3, 3, 1, 1)).State);
        Assert.Equal(RolloutState.Complete, RolloutStatusEvaluator.StateOf(D(3, 3, 3, 3)).State);
    }

    private static V1StatefulSet S(int? spec, int ready, int updated, int current, string currentRev, string updateRev,
        long generation = 2, long observed = 2, int? partition = null, bool rollingUpdateBlock = false, string? type = "RollingUpdate")
    {
        var s = StatefulSet("postgres:16");
        s.Metadata.Name = "db";
        s.Metadata.Generation = generation;
        s.Spec.Replicas = spec;
        s.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy
        {
            Type = type,
            RollingUpdate = partition is not null || rollingUpdateBlock ? new V1RollingUpdateStatefulSetStrategy { Partition = partition } : null,
        };
        s.Status = new V1StatefulSetStatus
        {
            ObservedGeneration = observed, ReadyReplicas = ready, UpdatedReplicas = updated, CurrentReplicas = current, Replicas = spec ?? 0,
            CurrentRevision = currentRev, UpdateRevision = updateRev,
        };
        return s;
    }

    [Fact]
    public void StatefulSetMessages()
    {
        Assert.Equal("Waiting for statefulset spec update to be observed...", RolloutStatusEvaluator.Evaluate(S(3, 3, 3, 3, "a", "a", observed: 0)).Message);
        Assert.Equal("Waiting for statefulset spec update to be observed...", RolloutStatusEvaluator.Evaluate(S(3, 3, 3, 3, "a", "a", generation: 3)).Message);
        Assert.Equal("Waiting for 2 pods to be ready...", RolloutStatusEvaluator.Evaluate(S(3, 1, 3, 3, "a", "a")).Message);
        var rolling = RolloutStatusEvaluator.Evaluate(S(3, 3, 1, 2, "db-1", "db-2"));
        Assert.False(rolling.Done);
        Assert.Equal("waiting for statefulset rolling update to complete 1 pods at revision db-2...", rolling.Message);
        var done = RolloutStatusEvaluator.Evaluate(S(3, 3, 3, 3, "db-2", "db-2"));
        Assert.True(done.Done);
        Assert.Equal("statefulset rolling update complete 3 pods at revision db-2...", done.Message);
    }

    [Fact]
    public void StatefulSetPartitionRules()
    {
        var waiting = RolloutStatusEvaluator.Evaluate(S(5, 5, 1, 4, "db-1", "db-2", partition: 2));
        Assert.False(waiting.Done);
        Assert.Equal("Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...", waiting.Message);
        var partitioned = RolloutStatusEvaluator.Evaluate(S(5, 5, 3, 2, "db-1", "db-2", partition: 2));
        Assert.True(partitioned.Done);
        Assert.Equal("partitioned roll out complete: 3 new pods have been updated...", partitioned.Message);
        // A rollingUpdate block without a partition is "complete" at once, as in kubectl, even with revisions differing.
        Assert.True(RolloutStatusEvaluator.Evaluate(S(3, 3, 1, 2, "db-1", "db-2", rollingUpdateBlock: true)).Done);
    }

    [Fact]
    public void OnDeleteStatefulSetHasNoRolloutStatus()
    {
        var result = RolloutStatusEvaluator.Evaluate(S(3, 3, 3, 3, "a", "a", type: "OnDelete"));
        Assert.Equal("RolloutStatusUnsupported", result.Error!.ErrorId);
        Assert.Equal("rollout status is only available for RollingUpdate strategy type", result.Error.Message);
        Assert.Null(RolloutStatusEvaluator.Evaluate(S(3, 3, 3, 3, "a", "a", type: null)).Error);
    }
}
