using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

/// <summary>
/// apimachinery duration.HumanDuration, boundary by boundary (re-expressing the cases of upstream
/// duration_test.go TestHumanDuration / TestHumanDurationBoundaries plus the ones in specs/kubectl-semantics.md A).
/// Durations are given in ticks; 1 tick (100ns) stands in for Go's 1ns where upstream uses it.
/// </summary>
public sealed class HumanDurationTests
{
    private const long Ms = TimeSpan.TicksPerMillisecond;
    private const long S = TimeSpan.TicksPerSecond;
    private const long M = TimeSpan.TicksPerMinute;
    private const long H = TimeSpan.TicksPerHour;
    private const long D = TimeSpan.TicksPerDay;
    private const long Y = 365 * D;

    [Theory]
    // future: up to 1s of skew is "0s", beyond that "<invalid>"
    [InlineData(-10 * S, "<invalid>")]
    [InlineData(-2 * S, "<invalid>")]
    [InlineData(-2 * S + 1, "0s")]
    [InlineData(-1 * S, "0s")]
    [InlineData(-1, "0s")]
    // seconds below 2 minutes
    [InlineData(0L, "0s")]
    [InlineData(S - Ms, "0s")]
    [InlineData(S, "1s")]
    [InlineData(59 * S, "59s")]
    [InlineData(60 * S, "60s")]
    [InlineData(70 * S, "70s")]
    [InlineData(119 * S, "119s")]
    [InlineData(2 * M - Ms, "119s")]
    // minutes (+ seconds) below 10 minutes
    [InlineData(2 * M, "2m")]
    [InlineData(2 * M + S, "2m1s")]
    [InlineData(190 * S, "3m10s")]
    [InlineData(5 * M, "5m")]
    [InlineData(599 * S, "9m59s")]
    [InlineData(10 * M - Ms, "9m59s")]
    // minutes below 3 hours
    [InlineData(10 * M, "10m")]
    [InlineData(10 * M + S, "10m")]
    [InlineData(70 * M, "70m")]
    [InlineData(2 * H, "120m")]
    [InlineData(179 * M, "179m")]
    [InlineData(3 * H - Ms, "179m")]
    // hours (+ minutes) below 8 hours
    [InlineData(3 * H, "3h")]
    [InlineData(3 * H + M, "3h1m")]
    [InlineData(3 * H + 30 * M, "3h30m")]
    [InlineData(3 * H + 30 * M + 59 * S, "3h30m")]
    [InlineData(7 * H + 59 * M, "7h59m")]
    [InlineData(8 * H - Ms, "7h59m")]
    // hours below 48 hours
    [InlineData(8 * H, "8h")]
    [InlineData(8 * H + 59 * M, "8h")]
    [InlineData(24 * H, "24h")]
    [InlineData(47 * H, "47h")]
    [InlineData(2 * D - Ms, "47h")]
    // days (+ hours) below 8 days
    [InlineData(48 * H, "2d")]
    [InlineData(49 * H, "2d1h")]
    [InlineData(5 * D, "5d")]
    [InlineData(191 * H, "7d23h")]
    [InlineData(8 * D - Ms, "7d23h")]
    // days below 2 years
    [InlineData(192 * H, "8d")]
    [InlineData(8 * D + 2 * H, "8d")]
    [InlineData(8 * D + 23 * H, "8d")]
    [InlineData(365 * D, "365d")]
    [InlineData(367 * D, "367d")]
    [InlineData(729 * D, "729d")]
    [InlineData(2 * Y - Ms, "729d")]
    // years (+ days) below 8 years
    [InlineData(730 * D, "2y")]
    [InlineData(2 * Y + 23 * H, "2y")]
    [InlineData(2 * Y + 23 * H + 59 * M, "2y")]
    [InlineData(2 * Y + 24 * H - Ms, "2y")]
    [InlineData(731 * D, "2y1d")]
    [InlineData(2 * Y + 25 * H, "2y1d")]
    [InlineData(3 * Y, "3y")]
    [InlineData(4 * Y, "4y")]
    [InlineData(5 * Y, "5y")]
    [InlineData(6 * Y, "6y")]
    [InlineData(7 * Y, "7y")]
    [InlineData(8 * Y - Ms, "7y364d")]
    // whole years from 8 years on
    [InlineData(8 * Y, "8y")]
    [InlineData(8 * Y + 2 * H, "8y")]
    [InlineData(8 * Y + 364 * D, "8y")]
    [InlineData(9 * Y, "9y")]
    [InlineData(100 * Y + 200 * D, "100y")]
    public void Format_matches_apimachinery(long ticks, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Extreme_values_do_not_throw()
    {
        Assert.Equal("<invalid>", HumanDuration.Format(TimeSpan.MinValue));
        Assert.Equal("29247y", HumanDuration.Format(TimeSpan.MaxValue));
    }
}
