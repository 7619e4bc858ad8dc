using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Fills one of the runbook's communication templates (Initial, Update, Resolution) from an incident.</summary>
[Cmdlet(VerbsCommon.Format, "SeekapaIncidentMessage", HelpUri = HelpLinks.Cmdlets + "Format-SeekapaIncidentMessage.md")]
[OutputType(typeof(IncidentMessage))]
public sealed class FormatSeekapaIncidentMessageCommand : IncidentStoreCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public IncidentMessageKind Kind { get; set; }

    [Parameter(ValueFromPipeline = true)]
    [Alias("Id")]
    public object? Incident { get; set; }

    [Parameter]
    [ValidateNotNull]
    public string[]? NextStep { get; set; }

    protected override void Begin() => IncidentLimits.Texts(NextStep, "-NextStep");

    protected override void Process()
    {
        var (service, id) = Resolve(Incident);
        var incident = service.Store.Get(id);
        WriteObject(IncidentMessageFormatter.Render(incident, Kind, DateTimeOffset.UtcNow, SeverityPolicyCatalog.Load(), NextStep));
    }
}
