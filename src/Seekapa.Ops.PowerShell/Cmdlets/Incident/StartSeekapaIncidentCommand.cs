using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Declares an incident: stores the record and makes it the session's active incident.</summary>
[Cmdlet(VerbsLifecycle.Start, "SeekapaIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class StartSeekapaIncidentCommand : IncidentCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [SeverityTransformation]
    public IncidentSeverity Severity { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = string.Empty;

    [Parameter]
    public string? Service { get; set; }

    [Parameter]
    public string? Impact { get; set; }

    [Parameter]
    public string? Lead { get; set; }

    protected override void End()
    {
        var store = DefaultStore();
        if (!ShouldProcess($"{Severity.Label()} '{Title}' in {store.Directory}", "Start incident"))
        {
            return;
        }

        var service = new IncidentService(store, SeverityPolicyCatalog.Load());
        var incident = service.Start(new IncidentStart(Severity, Title, Service, Impact, Lead ?? Actor), Actor);
        Session.ActiveIncident = new ActiveIncident(incident.Id, store.Directory);
        WriteVerbose($"Incident {incident.Id} stored in {store.PathOf(incident.Id)}; it is now the session's active incident.");
        WriteObject(incident);
    }
}
