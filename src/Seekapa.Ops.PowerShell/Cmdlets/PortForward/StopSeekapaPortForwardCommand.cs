using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.PortForward;

/// <summary>Stops port-forwards: the local port stops listening and open connections are closed.</summary>
[Cmdlet(VerbsLifecycle.Stop, "SeekapaPortForward", HelpUri = HelpLinks.Cmdlets + "Stop-SeekapaPortForward.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(Ops.PortForward))]
public sealed class StopSeekapaPortForwardCommand : SeekapaCmdlet
{
    private const string ObjectSet = "InputObject";
    private const string IdSet = "Id";
    private const string AllSet = "All";

    /// <summary>Forwards from Start- or Get-SeekapaPortForward.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    [ValidateNotNull]
    public Ops.PortForward[] InputObject { get; set; } = Array.Empty<Ops.PortForward>();

    /// <summary>The ids of forwards to stop.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Every forward of this runspace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Writes each stopped forward.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        var registry = RunspaceState.Current.PortForwards;
        var running = registry.All;
        IEnumerable<Ops.PortForward> chosen = ParameterSetName switch
        {
            IdSet => Id.Select(id => running.FirstOrDefault(f => f.Id == id) ?? NotFound(id)).OfType<Ops.PortForward>(),
            AllSet => running,
            _ => InputObject,
        };
        foreach (var forward in chosen.ToList())
        {
            if (!ShouldProcess($"port-forward {forward.Id} ({forward})", "Stop"))
            {
                continue;
            }
            try
            {
                registry.Stop(forward);
                WriteVerbose($"Stopped {forward} after {forward.Connections} connection(s).");
                if (PassThru)
                {
                    WriteObject(forward);
                }
            }
            catch (SeekapaException ex)
            {
                WriteFailure(ex);
            }
        }
    }

    private Ops.PortForward? NotFound(int id)
    {
        WriteFailure(new SeekapaException("PortForwardNotFound", FailureCategory.ObjectNotFound,
            $"No port-forward with id {id} is running in this session.", id));
        return null;
    }
}
