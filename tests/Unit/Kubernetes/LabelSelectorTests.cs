using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public class LabelSelectorTests
{
    [Theory]
    [InlineData("app=backend", 1)]
    [InlineData("app==backend,tier!=cache", 2)]
    [InlineData("env in (prod,staging),!canary", 2)]
    [InlineData("env notin (dev), app", 2)]
    [InlineData("app.kubernetes.io/name=api", 1)]
    [InlineData("app=", 1)]
    public void ParsesValidSelectors(string text, int requirements)
    {
        Assert.Equal(requirements, LabelSelector.Parse(text).Requirements.Count);
    }

    [Theory]
    [InlineData("app=(")]
    [InlineData("app in (a,b")]
    [InlineData("app=backend,")]
    [InlineData(",app")]
    [InlineData("-app=x")]
    [InlineData("app=bad value")]
    [InlineData("app in ()")]
    [InlineData("Bad_Prefix!/x=y")]
    [InlineData("app=" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("   ")]
    public void RejectsMalformedSelectorsWithInvalidSelector(string text)
    {
        var ex = Assert.Throws<SeekapaException>(() => LabelSelector.Parse(text));
        Assert.Equal("InvalidSelector", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.Equal(text, ex.Target);
    }

    [Theory]
    [InlineData("app=backend", true)]
    [InlineData("app!=backend", false)]
    [InlineData("tier in (api,web)", true)]
    [InlineData("tier notin (api)", false)]
    [InlineData("canary", false)]
    [InlineData("!canary", true)]
    [InlineData("app=backend,tier=web", false)]
    [InlineData("missing!=x", true)]
    public void MatchesLikeTheApiServer(string selector, bool expected)
    {
        var labels = new Dictionary<string, string> { ["app"] = "backend", ["tier"] = "api" };
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(labels));
    }
}
