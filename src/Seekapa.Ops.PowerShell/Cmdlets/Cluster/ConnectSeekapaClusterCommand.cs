using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Cluster;

/// <summary>Connects to a cluster through a kubeconfig context, verifies it, and makes it this session's default.</summary>
[Cmdlet(VerbsCommunications.Connect, "SeekapaCluster")]
[OutputType(typeof(ClusterConnection))]
public sealed class ConnectSeekapaClusterCommand : SeekapaCmdlet
{
    /// <summary>The kubeconfig file; default $KUBECONFIG, else ~/.kube/config.</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>The context; default the kubeconfig's current-context.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    /// <summary>The default namespace for cluster cmdlets; default the context's namespace, else "default".</summary>
    [Parameter]
    public string? Namespace { get; set; }

    protected override void Process()
    {
        var kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig);
        var session = ClusterSession.Open(new ClusterTarget(kubeconfig, Context, Namespace));
        WriteVerbose($"Connecting to context '{session.Connection.Context}' at {session.Connection.Server}.");
        var version = Await(session.VerifyAsync(CancellationToken));
        WriteVerbose($"Server version {version}.");
        RunspaceState.Current.DefaultCluster = session.Connection;
        WriteObject(session.Connection);
    }
}
