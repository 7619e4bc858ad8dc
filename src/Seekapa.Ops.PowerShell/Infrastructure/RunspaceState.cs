using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Cmdlets.Incident;

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

    /// <summary>The default PostgreSQL connection set by Connect-SeekapaDatabase.</summary>
    public DatabaseConnection? DefaultDatabase { get; set; }

    /// <summary>The default Azure connection set by Connect-SeekapaAzure.</summary>
    public AzureConnection? DefaultAzure { get; set; }

    /// <summary>Implicit sessions keyed by kubeconfig path(s), context and the file's last write time.</summary>
    public ConcurrentDictionary<string, ClusterSession> ImplicitSessions { get; } = new(StringComparer.Ordinal);

    /// <summary>The session's active incident (Start-SeekapaIncident sets it, Stop-SeekapaIncident clears it).</summary>
    public ActiveIncident? ActiveIncident { get; set; }

    /// <summary>Who the timeline names as the actor; null means the OS user (an Azure identity can set it later).</summary>
    public string? Actor { get; set; }

    public string ActorName => Actor ?? Environment.UserName;

    /// <summary>Every secret this runspace was given; SeekapaCmdlet puts it in scope so that every redaction consults it.</summary>
    public Core.Security.SecretRegistry Secrets { get; } = new();

    /// <summary>Port-forwards started here (Start-SeekapaPortForward); all stopped when the runspace closes.</summary>
    public Cmdlets.PortForward.PortForwardRegistry PortForwards => _portForwards ??= new Cmdlets.PortForward.PortForwardRegistry(_runspace);

    private Runspace? _runspace;
    private Cmdlets.PortForward.PortForwardRegistry? _portForwards;

    public RunspaceState() => ChangeRecorded += change => IncidentTimeline.Append(this, change);

    /// <summary>Receives every change a cmdlet records in this runspace (the incident timeline subscribes here).</summary>
    public event Action<ChangeRecord>? ChangeRecorded;

    /// <summary>
    /// Hands the change to every subscriber; a subscriber's failure is returned, not thrown, so that a change that has
    /// already landed never turns into a failed cmdlet (the caller writes warnings).
    /// </summary>
    public IReadOnlyList<Exception> Record(ChangeRecord change)
    {
        var failures = new List<Exception>();
        foreach (var handler in ChangeRecorded?.GetInvocationList() ?? Array.Empty<Delegate>())
        {
            try
            {
                ((Action<ChangeRecord>)handler)(change);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        return failures;
    }

    public static RunspaceState Current =>
        Runspace.DefaultRunspace is { } runspace ? States.GetValue(runspace, r => new RunspaceState { _runspace = r }) : NoRunspace;
}
