using System.Management.Automation;

namespace Seekapa.Ops.PowerShell.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (-Timeout 90). Without it PowerShell converts an integer to
/// TimeSpan as ticks, so -Timeout 90 would mean 9 microseconds.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            int i => TimeSpan.FromSeconds(i),
            long l => TimeSpan.FromSeconds(l),
            double d => TimeSpan.FromSeconds(d),
            decimal m => TimeSpan.FromSeconds((double)m),
            _ => inputData,
        };
    }
}
