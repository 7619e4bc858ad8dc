using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Infrastructure;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>GoDuration (kubectl's --since syntax) and the DurationTransformation attribute behind -Since.</summary>
public sealed class EventDurationTests
{
    [Theory]
    [InlineData("1h", 3600)]
    [InlineData("30m", 1800)]
    [InlineData("90s", 90)]
    [InlineData("2h30m", 9000)]
    [InlineData("1.5h", 5400)]
    [InlineData("1h0m0s", 3600)]
    [InlineData("500ms", 0.5)]
    [InlineData("1d", 86400)]
    [InlineData("0", 0)]
    [InlineData(" 45m ", 2700)]
    [InlineData("-1m", -60)]
    public void ParsesGoDurations(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value), text);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("1x")]
    [InlineData("1.2.3h")]
    [InlineData("1hh")]
    [InlineData("one hour")]
    [InlineData(".h")]
    public void RejectsInvalidDurations(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _), text);
        Assert.Equal("InvalidDuration", Assert.Throws<SeekapaException>(() => GoDuration.Parse(text)).ErrorId);
    }

    [Theory]
    [InlineData(9000, "2h30m")]
    [InlineData(90, "1m30s")]
    [InlineData(0, "0s")]
    [InlineData(90000, "1d1h")]
    public void FormatsShortest(double seconds, string expected) => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));

    public static TheoryData<object, TimeSpan> Accepted => new()
    {
        { TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(7) },
        { 90, TimeSpan.FromSeconds(90) },
        { 90L, TimeSpan.FromSeconds(90) },
        { 1.5, TimeSpan.FromSeconds(1.5) },
        { (short)90, TimeSpan.FromSeconds(90) },
        { "90", TimeSpan.FromSeconds(90) },
        { "1h", TimeSpan.FromHours(1) },
        { "2h30m", TimeSpan.FromMinutes(150) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { "01:30:00", TimeSpan.FromMinutes(90) },
        { new PSObject("30m"), TimeSpan.FromMinutes(30) },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void TransformationAcceptsTimeSpansSecondsAndDurations(object input, TimeSpan expected) =>
        Assert.Equal(expected, DurationTransformationAttribute.Convert(input));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData(-3)]
    public void TransformationRejectsInvalidAndNegative(object input) =>
        Assert.Throws<ArgumentTransformationMetadataException>(() => DurationTransformationAttribute.Convert(input));

    [Fact]
    public void AnUnquotedDaySuffixIsADecimalAndIsRefusedWithAHint()
    {
        var ex = Assert.Throws<ArgumentTransformationMetadataException>(() => DurationTransformationAttribute.Convert(2m));
        Assert.Contains("'2d'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("48h", ex.Message, StringComparison.Ordinal);
    }
}
