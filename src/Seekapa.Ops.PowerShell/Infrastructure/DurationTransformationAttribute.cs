using System.Globalization;
using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take what people type during an incident: a TimeSpan, a number of seconds (90), a kubectl
/// duration ("90s", "30m", "1.5h", "2h30m", "1d") or a TimeSpan string ("01:30:00"). Negative durations are refused.
/// Without it PowerShell binds "1h" not at all and an integer as ticks.
/// </summary>
/// <remarks>
/// PowerShell parses some unquoted durations as numeric literals before we see them: 90s is the short 90 (right, as
/// seconds), but 2d is the decimal 2. A decimal is therefore refused with a hint to quote it, rather than silently
/// meaning two seconds.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => Convert(inputData);

    /// <summary>The conversion itself, usable without an engine (tests, other attributes).</summary>
    public static object? Convert(object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        TimeSpan? result = value switch
        {
            null => null,
            TimeSpan t => t,
            int i => TimeSpan.FromSeconds(i),
            long l => TimeSpan.FromSeconds(l),
            short or byte or sbyte or ushort or uint => TimeSpan.FromSeconds(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            double d => TimeSpan.FromSeconds(d),
            decimal m => throw new ArgumentTransformationMetadataException(
                $"PowerShell read this duration as the decimal number {m.ToString(CultureInfo.InvariantCulture)} (an unquoted 'd' suffix means decimal): " +
                $"quote it ('{m.ToString(CultureInfo.InvariantCulture)}d'), or give hours ({(m * 24).ToString(CultureInfo.InvariantCulture)}h)."),
            string s => FromString(s),
            _ => null,
        };
        if (value is null)
        {
            return inputData;
        }

        if (result is null)
        {
            throw new ArgumentTransformationMetadataException(GoDuration.Invalid(value.ToString() ?? string.Empty).Message);
        }

        if (result < TimeSpan.Zero)
        {
            throw new ArgumentTransformationMetadataException($"'{value}' is negative: a duration must be zero or more.");
        }

        return result.Value;
    }

    private static TimeSpan? FromString(string text)
    {
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (GoDuration.TryParse(s, out var go))
        {
            return go;
        }

        // "01:30:00", "1.02:00:00": only the colon forms, so that "1" or "1.5" never mean days.
        return s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
