using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Infrastructure;

/// <summary>
/// Per-runspace state: the default cluster connection set by Connect-SeekapaCluster, and sessions opened implicitly
/// from kubeconfig so that repeated cmdlets do not re-read the file. Weakly keyed: a closed runspace takes its state with it.
/// </summary>
internal sealed class RunspaceState
{
    private static readonly ConditionalWeakTable<Runspace, RunspaceState> States = new();
    private static readonly RunspaceState NoRunspace = new();

    public ClusterConnection? DefaultCluster { get; set; }

    /// <summary>Implicit sessions keyed by kubeconfig path(s), context and the file's last write time.</summary>
    public ConcurrentDictionary<string, ClusterSession> ImplicitSessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Receives every change a cmdlet records in this runspace (the incident timeline subscribes here).</summary>
    public event Action<ChangeRecord>? ChangeRecorded;

    public void Record(ChangeRecord change) => ChangeRecorded?.Invoke(change);

    public static RunspaceState Current =>
        Runspace.DefaultRunspace is { } runspace ? States.GetValue(runspace, _ => new RunspaceState()) : NoRunspace;
}
