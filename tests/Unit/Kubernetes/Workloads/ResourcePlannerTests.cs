using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Workloads;

public sealed class ResourcePlannerTests
{
    private static TemplatePlan Plan(string[]? containers, string? cpuLimit = null, string? memoryLimit = null,
        string? cpuRequest = null, string? memoryRequest = null) =>
        ResourcePlanner.Plan(PlannerTestData.Backend(), new ContainerSelection(containers),
            ResourceEdit.Create(cpuLimit, memoryLimit, cpuRequest, memoryRequest));

    [Fact]
    public void RunbookMemoryLimitPatchesOnlyThatKeyOfThatContainer()
    {
        var plan = Plan(new[] { "backend" }, memoryLimit: "4096Mi");
        Assert.Equal(
            """{"template":{"spec":{"containers":[{"name":"backend","resources":{"limits":{"memory":"4Gi"}}}]}}}""",
            plan.SpecPatch!.ToJsonString());
        Assert.Equal(new[] { "backend limits.memory 2Gi -> 4Gi" }, plan.Changes);
        Assert.Equal("backend limits.memory 2Gi", plan.Before);
        Assert.Equal("backend limits.memory 4Gi", plan.After);
    }

    [Fact]
    public void DefaultSelectsEveryContainerIncludingInitContainers()
    {
        var plan = Plan(null, cpuLimit: "0.5", cpuRequest: "250m");
        var spec = plan.SpecPatch!["template"]!["spec"]!;
        Assert.Equal(new[] { "backend", "log-shipper" }, spec["containers"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal("migrate", (string)spec["initContainers"]![0]!["name"]!);
        Assert.Equal("500m", (string)spec["initContainers"]![0]!["resources"]!["limits"]!["cpu"]!);
        Assert.Equal("250m", (string)spec["containers"]![1]!["resources"]!["requests"]!["cpu"]!);
        Assert.Contains("backend limits.cpu 1 -> 500m", plan.Changes);
        Assert.Contains("migrate limits.cpu <none> -> 500m", plan.Changes);
    }

    [Fact]
    public void WildcardsMatchOverContainersAndInitContainers()
    {
        var plan = Plan(new[] { "m*" }, memoryLimit: "256Mi");
        var spec = plan.SpecPatch!["template"]!["spec"]!.AsObject();
        Assert.False(spec.ContainsKey("containers"));
        Assert.Equal("migrate", (string)spec["initContainers"]![0]!["name"]!);
    }

    [Theory]
    [InlineData("frontend")]
    [InlineData("x*")]
    public void AContainerPatternMatchingNothingIsContainerNotFound(string pattern)
    {
        var ex = Assert.Throws<SeekapaException>(() => Plan(new[] { "backend", pattern }, memoryLimit: "4Gi"));
        Assert.Equal("ContainerNotFound", ex.ErrorId);
        Assert.Equal($"unable to find container named {pattern}", ex.Message);
    }

    [Fact]
    public void SameValueInAnotherSpellingIsUnchanged()
    {
        var plan = Plan(new[] { "backend" }, cpuLimit: "1000m", memoryLimit: "2048Mi");
        Assert.True(plan.IsUnchanged);
        Assert.Empty(plan.Changes);
    }

    [Fact]
    public void ExistingKeysAreKeptAndOnlyChangedKeysSent()
    {
        var plan = Plan(new[] { "backend" }, cpuLimit: "1", memoryLimit: "3Gi", memoryRequest: "1Gi");
        var resources = plan.SpecPatch!["template"]!["spec"]!["containers"]![0]!["resources"]!.AsObject();
        Assert.Equal("""{"limits":{"memory":"3Gi"}}""", resources.ToJsonString());
    }

    [Fact]
    public void RequestAboveTheMergedLimitIsInvalidRequestBeforeAnyCall()
    {
        // The existing limit is 2Gi; the API server would refuse a 3Gi request.
        var ex = Assert.Throws<SeekapaException>(() => Plan(new[] { "backend" }, memoryRequest: "3Gi"));
        Assert.Equal("InvalidRequest", ex.ErrorId);
        Assert.Contains("2Gi", ex.Message, StringComparison.Ordinal);
        // Lowering the limit below the existing request is refused the same way.
        Assert.Equal("InvalidRequest", Assert.Throws<SeekapaException>(() => Plan(new[] { "backend" }, cpuLimit: "100m")).ErrorId);
    }

    [Fact]
    public void RequestAboveLimitWithinTheEditFailsAtCreate()
    {
        var ex = Assert.Throws<SeekapaException>(() => ResourceEdit.Create(null, "1Gi", null, "2Gi"));
        Assert.Equal("InvalidRequest", ex.ErrorId);
    }

    [Theory]
    [InlineData("4GB", null)]
    [InlineData(null, "-1")]
    public void BadOrNegativeQuantitiesAreInvalidQuantity(string? memoryLimit, string? cpuRequest)
    {
        var ex = Assert.Throws<SeekapaException>(() => ResourceEdit.Create(null, memoryLimit, cpuRequest, null));
        Assert.Equal("InvalidQuantity", ex.ErrorId);
    }

    [Fact]
    public void NothingGivenIsRefused() =>
        Assert.Throws<SeekapaException>(() => ResourceEdit.Create(null, null, null, null));

    [Fact]
    public void PreconditionWrapsTheSpecPatch()
    {
        var plan = Plan(new[] { "backend" }, memoryLimit: "4Gi");
        var document = TemplatePlan.WithPrecondition("41", plan.SpecPatch!);
        Assert.Equal("41", (string)document["metadata"]!["resourceVersion"]!);
        Assert.NotNull(document["spec"]!["template"]);
        Assert.IsType<JsonObject>(document);
    }
}
