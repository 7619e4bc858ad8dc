using System.Globalization;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>apimachinery's duration.HumanDuration: the AGE and "(5m ago)" strings kubectl prints.</summary>
/// <remarks>
/// Precision is roughly two to three significant figures; every unit is truncated (never rounded):
/// seconds below 2m, minutes (plus seconds) below 10m, minutes below 3h, hours (plus minutes) below 8h,
/// hours below 48h, days (plus hours) below 8d, days below 2y, years (plus days) below 8y, then years
/// (a year is 365 days). Up to one second in the future counts as "0s" (clock skew tolerance); anything
/// further in the future is "&lt;invalid&gt;". See specs/kubectl-semantics.md section A.
/// </remarks>
public static class HumanDuration
{
    private const long HoursPerDay = 24;
    private const long DaysPerYear = 365;

    public static string Format(TimeSpan d)
    {
        // Integer division of ticks truncates toward zero, like Go's int(d.Seconds()).
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 2 * 60)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 3 * 60)
        {
            return Invariant($"{minutes}m");
        }

        var hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        var days = hours / HoursPerDay;
        if (hours < 8 * HoursPerDay)
        {
            var h = hours % HoursPerDay;
            return h == 0 ? Invariant($"{days}d") : Invariant($"{days}d{h}h");
        }

        if (hours < 2 * DaysPerYear * HoursPerDay)
        {
            return Invariant($"{days}d");
        }

        var years = days / DaysPerYear;
        if (hours < 8 * DaysPerYear * HoursPerDay)
        {
            var dy = days % DaysPerYear;
            return dy == 0 ? Invariant($"{years}y") : Invariant($"{years}y{dy}d");
        }

        return Invariant($"{years}y");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
