using System.Management.Automation;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Resolves an incident: root cause, resolution, follow-ups; clears it as the session's active incident.</summary>
[Cmdlet(VerbsLifecycle.Stop, "SeekapaIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class StopSeekapaIncidentCommand : IncidentCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    [Alias("Id")]
    public object? Incident { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string RootCause { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Resolution { get; set; } = string.Empty;

    [Parameter]
    public string[]? FollowUp { get; set; }

    protected override void Process()
    {
        var (service, id) = Resolve(Incident);
        if (!ShouldProcess(id, "Resolve incident"))
        {
            return;
        }

        var resolved = service.Resolve(id, RootCause, Resolution, FollowUp, Actor);
        if (Session.ActiveIncident?.Id == resolved.Id)
        {
            Session.ActiveIncident = null;
        }

        WriteObject(resolved);
    }
}
