using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Adds a note to an incident's timeline (the active incident by default).</summary>
[Cmdlet(VerbsCommon.Add, "SeekapaIncidentNote", HelpUri = HelpLinks.Cmdlets + "Add-SeekapaIncidentNote.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(IncidentTimelineEntry))]
public sealed class AddSeekapaIncidentNoteCommand : IncidentStoreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Message { get; set; } = string.Empty;

    [Parameter]
    public object? Incident { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        IncidentLimits.Text(Message, "The note");
        var (service, id) = Resolve(Incident);
        if (!ShouldProcess(id, "Add a note to the incident timeline"))
        {
            return;
        }

        var entry = service.AddNote(id, Message, Actor);
        if (PassThru)
        {
            WriteObject(entry);
        }
    }
}
