using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

public sealed class QuantityTests
{
    // Expected values follow apimachinery's canonical form (resource.Quantity.String / CanonicalizeBytes).
    [Theory]
    [InlineData("0", "0")]
    [InlineData("0n", "0")]
    [InlineData("0Gi", "0")]
    [InlineData("0.0", "0")]
    [InlineData("1", "1")]
    [InlineData("+1", "1")]
    [InlineData("1000m", "1")]
    [InlineData("0.5", "500m")]
    [InlineData(".5", "500m")]
    [InlineData("1.5", "1500m")]
    [InlineData("100m", "100m")]
    [InlineData("250m", "250m")]
    [InlineData("0.0001", "100u")]
    [InlineData("0.1n", "1n")]
    [InlineData("1000", "1k")]
    [InlineData("1024", "1024")]
    [InlineData("1000000", "1M")]
    [InlineData("1k", "1k")]
    [InlineData("1G", "1G")]
    [InlineData("1.G", "1G")]
    [InlineData("1E", "1E")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("1024Ki", "1Mi")]
    [InlineData("4Gi", "4Gi")]
    [InlineData("4096Mi", "4Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1.5Ki", "1536")]
    [InlineData("0.1Ki", "102400m")]
    [InlineData("1.1Mi", "1153433600m")]
    [InlineData("8Gi", "8Gi")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E3", "1e3")]
    [InlineData("1.5e3", "1500")]
    [InlineData("12e6", "12e6")]
    [InlineData("1e-3", "1e-3")]
    [InlineData("100e-3", "100e-3")]
    [InlineData("-1", "-1")]
    [InlineData("-500m", "-500m")]
    [InlineData("-1Gi", "-1Gi")]
    [InlineData("007", "7")]
    public void CanonicalFormMatchesApimachinery(string input, string expected) =>
        Assert.Equal(expected, Quantity.Parse(input).ToString());

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("abc")]
    [InlineData("1Kb")]
    [InlineData("1ki")]
    [InlineData("1K")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("--1")]
    [InlineData("1Mi1")]
    [InlineData("Gi")]
    [InlineData("e3")]
    [InlineData("4 Gi")]
    [InlineData("4GB")]
    public void GarbageIsInvalidQuantity(string input)
    {
        Assert.False(Quantity.TryParse(input, out _));
        var ex = Assert.Throws<SeekapaException>(() => Quantity.Parse(input, "-MemoryLimit"));
        Assert.Equal("InvalidQuantity", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.Contains("-MemoryLimit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "1000m")]
    [InlineData("4Gi", "4096Mi")]
    [InlineData("1k", "1000")]
    [InlineData("1e3", "1k")]
    [InlineData("0.5", "500m")]
    public void EqualValuesCompareEqualWhateverTheSpelling(string a, string b)
    {
        Assert.Equal(Quantity.Parse(a), Quantity.Parse(b));
        Assert.Equal(0, Quantity.Parse(a).CompareTo(Quantity.Parse(b)));
    }

    [Fact]
    public void ComparesByValueAcrossBinaryAndDecimal()
    {
        Assert.True(Quantity.Parse("1Gi") > Quantity.Parse("1G"));
        Assert.True(Quantity.Parse("999m") < Quantity.Parse("1"));
        Assert.True(Quantity.Parse("5Gi") > Quantity.Parse("4Gi"));
    }
}
