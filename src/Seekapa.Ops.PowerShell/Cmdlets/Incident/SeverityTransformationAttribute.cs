using System.Management.Automation;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Lets -Severity take the runbook's spelling ("SEV-2"), the enum name (SEV2) or the number (2).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SeverityTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            string text => IncidentSeverityText.TryParse(text, out var severity) ? severity : value,
            int number and >= 1 and <= 4 => (IncidentSeverity)number,
            object[] items => items.Select(i => Transform(engineIntrinsics, i)).ToArray(),
            _ => inputData,
        };
    }
}
