using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Workloads;

public sealed class RestartAndScaleTests
{
    [Theory]
    [InlineData("2026-11-27T23:40:00.987+00:00", "2026-11-27T23:40:00Z")]
    [InlineData("2026-11-27T15:40:07-08:00", "2026-11-27T15:40:07-08:00")]
    [InlineData("2026-11-28T05:10:00+05:30", "2026-11-28T05:10:00+05:30")]
    public void TimestampIsGoRfc3339InTheLocalOffset(string now, string expected) =>
        Assert.Equal(expected, RestartPlanner.FormatTimestamp(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void RestartPatchIsTheAnnotationWithTheResourceVersionPrecondition()
    {
        var state = PlannerTestData.Backend(resourceVersion: "812");
        var plan = RestartPlanner.Plan(state, new DateTimeOffset(2026, 11, 27, 23, 40, 0, TimeSpan.Zero));
        Assert.Equal(
            """{"metadata":{"resourceVersion":"812"},"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-27T23:40:00Z"}}}}}""",
            TemplatePlan.WithPrecondition(state.ResourceVersion, plan.SpecPatch!).ToJsonString());
        Assert.Equal("restartedAt <none>", plan.Before);
        Assert.Equal("restartedAt 2026-11-27T23:40:00Z", plan.After);
    }

    [Fact]
    public void RestartShowsThePreviousRestart()
    {
        var state = PlannerTestData.Backend();
        state.Template.Metadata.Annotations = new Dictionary<string, string> { [RestartPlanner.RestartedAtAnnotation] = "2026-11-27T20:00:00Z" };
        var plan = RestartPlanner.Plan(state, new DateTimeOffset(2026, 11, 27, 23, 40, 0, TimeSpan.Zero));
        Assert.Equal("restartedAt 2026-11-27T20:00:00Z", plan.Before);
    }

    [Fact]
    public void PausedDeploymentIsRefusedWithKubectlsMessage()
    {
        var ex = Assert.Throws<SeekapaException>(() => RestartPlanner.Plan(PlannerTestData.Backend(paused: true), DateTimeOffset.Now));
        Assert.Equal("DeploymentPaused", ex.ErrorId);
        Assert.Equal("can't restart paused deployment (run rollout resume first)", ex.Message);
    }

    [Fact]
    public void ScalePreconditionUsesKubectlsMessage()
    {
        WorkloadScaler.CheckPrecondition(PlannerTestData.Target, 3, 3);
        var ex = Assert.Throws<SeekapaException>(() => WorkloadScaler.CheckPrecondition(PlannerTestData.Target, 3, 5));
        Assert.Equal("ScalePreconditionFailed", ex.ErrorId);
        Assert.Equal("Expected replicas to be 3, was 5", ex.Message);
    }

    [Fact]
    public void NegativeReplicasAreInvalid() =>
        Assert.Equal("InvalidReplicas", Assert.Throws<SeekapaException>(() => WorkloadScaler.ValidateReplicas(-1)).ErrorId);

    [Theory]
    [InlineData(null, null)]
    [InlineData(30L, 30L)]
    [InlineData(0L, 0L)] // immediate: kubectl --grace-period=0 --force
    public void GracePeriodIsSentAsGiven(long? requested, long? expected) =>
        Assert.Equal(expected, PodRemover.EffectiveGracePeriod(requested));

    [Fact]
    public void ANegativeGracePeriodIsInvalid() =>
        Assert.Equal("InvalidGracePeriod", Assert.Throws<SeekapaException>(() => PodRemover.EffectiveGracePeriod(-1)).ErrorId);
}
