using System.Management.Automation;
using Seekapa.Ops.Core.Incidents;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Writes an incident's post-mortem as Markdown.</summary>
[Cmdlet(VerbsData.Export, "SeekapaPostmortem", HelpUri = HelpLinks.Cmdlets + "Export-SeekapaPostmortem.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSeekapaPostmortemCommand : IncidentStoreCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    [Alias("Id")]
    public object? Incident { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        var (service, id) = Resolve(Incident);
        var incident = service.Store.Get(id);
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        PostmortemFile.Check(path, Force);
        if (!ShouldProcess(path, $"Write the post-mortem of {incident.Id}"))
        {
            return;
        }

        PostmortemFile.Write(path, PostmortemWriter.Render(incident, SeverityPolicyCatalog.Load()));
        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
