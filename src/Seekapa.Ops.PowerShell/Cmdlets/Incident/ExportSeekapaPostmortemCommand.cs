using System.Management.Automation;
using System.Text;
using Seekapa.Ops.Core.Errors;
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
        if (File.Exists(path) && !Force)
        {
            throw new SeekapaException("PostmortemFileExists", FailureCategory.ResourceExists,
                $"'{path}' already exists.", path, "Use -Force to overwrite it, or choose another -Path.");
        }

        if (!ShouldProcess(path, $"Write the post-mortem of {incident.Id}"))
        {
            return;
        }

        var markdown = PostmortemWriter.Render(incident, SeverityPolicyCatalog.Load());
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        // Temp file + rename: a reader never sees half a document, and a failed write keeps the old one.
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, markdown, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
        if (PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
