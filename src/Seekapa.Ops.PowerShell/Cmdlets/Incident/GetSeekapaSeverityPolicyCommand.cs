using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>The runbook's severity levels, or a policy file's overrides of them.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaSeverityPolicy", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaSeverityPolicy.md")]
[OutputType(typeof(SeverityPolicy))]
public sealed class GetSeekapaSeverityPolicyCommand : IncidentCmdlet
{
    [Parameter(Position = 0)]
    [SeverityTransformation]
    public IncidentSeverity[]? Severity { get; set; }

    [Parameter]
    public string? Path { get; set; }

    protected override void End()
    {
        var path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        foreach (var level in SeverityPolicyCatalog.Load(path))
        {
            if (Severity is null || Severity.Contains(level.Severity))
            {
                WriteObject(level);
            }
        }
    }
}
