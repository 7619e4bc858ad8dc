using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public class NameFilterTests
{
    [Fact]
    public void EmptyFilterMatchesEverything()
    {
        var filter = new NameFilter(null);
        Assert.True(filter.IsEmpty);
        Assert.True(filter.Matches("anything"));
    }

    [Fact]
    public void WildcardsAreNotExplicitNames()
    {
        var filter = new NameFilter(new[] { "backend-*", "redis-0", "web-?", "db-[ab]" });
        Assert.Equal(new[] { "redis-0" }, filter.ExplicitNames);
        Assert.Null(filter.SingleExplicitName);
        Assert.True(filter.Matches("backend-7d9f-x2"));
        Assert.True(filter.Matches("redis-0"));
        Assert.True(filter.Matches("web-1"));
        Assert.False(filter.Matches("web-12"));
        Assert.True(filter.Matches("db-b"));
        Assert.False(filter.Matches("db-c"));
        Assert.False(filter.Matches("frontend-1"));
    }

    [Fact]
    public void OneExplicitNameCanBeFilteredByTheServer()
    {
        Assert.Equal("redis-0", new NameFilter(new[] { "redis-0" }).SingleExplicitName);
    }

    [Fact]
    public void AWildcardThatBacktracksTooLongIsPatternTimeoutNotAHang()
    {
        // Every "*" is a ".*": many of them against a long name that does not match backtrack polynomially.
        var filter = new NameFilter(new[] { string.Concat(Enumerable.Repeat("*a", 12)) + "*b" });

        var ex = Assert.Throws<Seekapa.Ops.Core.Errors.SeekapaException>(() => filter.Matches(new string('a', 253)));

        Assert.Equal("PatternTimeout", ex.ErrorId);
    }
}
