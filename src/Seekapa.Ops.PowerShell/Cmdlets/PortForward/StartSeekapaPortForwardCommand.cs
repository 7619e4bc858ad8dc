using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.PortForward;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.PortForward;

/// <summary>
/// kubectl port-forward, without a second terminal: listens on 127.0.0.1 and carries every connection to a pod of the
/// target through the Kubernetes API. Returns at once; the forward runs until Stop-SeekapaPortForward or the end of
/// the runspace.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SeekapaPortForward", HelpUri = HelpLinks.Cmdlets + "Start-SeekapaPortForward.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Ops.PortForward))]
public sealed class StartSeekapaPortForwardCommand : ClusterCmdlet
{
    /// <summary>pod/NAME, svc/NAME (service/NAME), deploy/NAME, sts/NAME, or a bare NAME for a pod, as kubectl takes them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Target { get; set; } = string.Empty;

    /// <summary>One or more kubectl port specs: LOCAL:REMOTE, :REMOTE (any free local port) or REMOTE (the same port locally). REMOTE may be a port name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Port { get; set; } = Array.Empty<string>();

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    protected override void Process()
    {
        // Bad input is refused before any call and opens nothing.
        var target = ForwardTarget.Parse(Target);
        var specs = Port.Select(PortSpec.Parse).ToList();
        var ns = Namespace ?? Session.DefaultNamespace;
        var registry = RunspaceState.Current.PortForwards;
        foreach (var spec in specs)
        {
            if (!ShouldProcess($"{target} in namespace {ns}", $"Forward 127.0.0.1:{(spec.LocalPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(any free port)")} to port {spec.Remote}"))
            {
                continue;
            }
            try
            {
                var tunnel = Await(PortForwardTunnel.StartAsync(Session, registry.NextId(), ns, target, spec, TimeProvider.System, CancellationToken));
                registry.Add(tunnel.Model);
                WriteVerbose($"Forwarding {tunnel.Model.Endpoint} -> {target} (pod {tunnel.Model.Pod}) port {tunnel.Model.RemotePort}.");
                WriteObject(tunnel.Model);
            }
            catch (SeekapaException ex) when (!IsSetupError(ex))
            {
                WriteFailure(ex);
            }
        }
    }
}
