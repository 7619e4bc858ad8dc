using Seekapa.Ops.Sandbox.Api;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The sandbox's label and field selector parsers (apimachinery's grammar and semantics).</summary>
public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["app"] = "backend",
        ["tier"] = "api",
        ["example.com/team"] = "payments",
        ["replicas"] = "3",
        ["empty"] = "",
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=backend", true)]
    [InlineData("app==backend", true)]
    [InlineData("app!=backend", false)]
    [InlineData("app!=frontend", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (frontend, backend)", true)]
    [InlineData("app in (frontend)", false)]
    [InlineData("app notin (frontend)", true)]
    [InlineData("missing notin (x)", true)]
    [InlineData("app notin (backend,frontend)", false)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app=backend,tier=api", true)]
    [InlineData("app=backend,tier=web", false)]
    [InlineData("  app = backend , tier  ", true)]
    [InlineData("example.com/team=payments", true)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas<3", false)]
    [InlineData("empty=", true)]
    [InlineData("empty in (,x)", true)]
    [InlineData("app in (in, notin, backend)", true)]
    public void LabelSelectorMatches(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Theory]
    [InlineData("app in (", "unable to parse requirement: found '', expected: ',', ')' or identifier")]
    [InlineData("=x", "unable to parse requirement: found '=', expected: !, identifier, or 'end of string'")]
    [InlineData("app notin x", "unable to parse requirement: found 'x', expected: '('")]
    [InlineData("app=a,", "unable to parse requirement: found '', expected: identifier after ','")]
    [InlineData("app in ()", "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("a b", "unable to parse requirement: found 'b', expected: [!= < = == > in notin]")]
    [InlineData("replicas>x", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("-app=x", "key: Invalid value: \"-app\"")]
    [InlineData("app=-x", "values[0][app]: Invalid value: \"-x\"")]
    public void MalformedLabelSelectorsExplainThemselves(string selector, string message)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata.name=web-1", true)]
    [InlineData("metadata.name==web-1", true)]
    [InlineData("metadata.name!=web-1", false)]
    [InlineData("status.phase=Running,metadata.namespace=prod", true)]
    [InlineData("status.phase=Running,metadata.namespace!=prod", false)]
    [InlineData("spec.nodeName=", true)]
    [InlineData("metadata.annotation=a\\,b", true)]
    [InlineData("metadata.annotation=a\\=b", false)]
    public void FieldSelectorMatches(string selector, bool expected)
    {
        var fields = new Dictionary<string, string>
        {
            ["metadata.name"] = "web-1",
            ["metadata.namespace"] = "prod",
            ["status.phase"] = "Running",
            ["spec.nodeName"] = "",
            ["metadata.annotation"] = "a,b",
        };
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(fields));
    }

    [Fact]
    public void FieldSelectorsFindTheExactName()
    {
        Assert.Equal("web-1", FieldSelector.Parse("status.phase=Running,metadata.name=web-1").ExactMatch("metadata.name"));
        Assert.Null(FieldSelector.Parse("metadata.name!=web-1").ExactMatch("metadata.name"));
        Assert.Throws<FormatException>(() => FieldSelector.Parse("metadata.name"));
    }
}
