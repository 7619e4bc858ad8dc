using System.Globalization;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>
/// Durations as kubectl takes them (--since=1h, --timeout=2m30s): Go's time.ParseDuration syntax, a sequence of decimal
/// numbers each with a unit (ns, us, µs, ms, s, m, h), e.g. "90s", "1.5h", "2h30m". "d" (24h) is accepted as well,
/// because people type it; Go does not. A bare "0" is zero, as in Go.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        // Accumulated in decimal ticks so that "1.5h" or "0.1s" carry no binary rounding error.
        decimal ticks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var number = s[start..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            decimal? unit = s[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            try
            {
                ticks += amount * unit.Value;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Truncate(ticks));
        if (negative)
        {
            value = value.Negate();
        }

        return true;
    }

    /// <summary>Parses or throws InvalidDuration (InvalidArgument) with the accepted forms.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw Invalid(text);

    public static SeekapaException Invalid(string text) =>
        new("InvalidDuration", FailureCategory.InvalidArgument,
            $"'{text}' is not a duration: use a number of seconds (90), a kubectl duration (90s, 30m, 1.5h, 2h30m, 1d) or a TimeSpan (01:30:00).",
            text);

    /// <summary>kubectl's shortest form of a duration, e.g. 2h30m0s -> "2h30m", for messages.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        value = value.Duration();
        var parts = new List<string>();
        if (value.Days > 0)
        {
            parts.Add(value.Days.ToString(CultureInfo.InvariantCulture) + "d");
        }

        if (value.Hours > 0)
        {
            parts.Add(value.Hours.ToString(CultureInfo.InvariantCulture) + "h");
        }

        if (value.Minutes > 0)
        {
            parts.Add(value.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
        }

        var seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
        if (seconds > 0)
        {
            parts.Add(seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s");
        }

        return sign + string.Concat(parts);
    }
}
