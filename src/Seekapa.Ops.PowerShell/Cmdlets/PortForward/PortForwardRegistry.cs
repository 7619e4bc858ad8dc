using System.Management.Automation.Runspaces;
using Seekapa.Ops.Core.Kubernetes.PortForward;

namespace Seekapa.Ops.PowerShell.Cmdlets.PortForward;

/// <summary>
/// The port-forwards of one runspace. Listening sockets outlive the cmdlet that opened them, so the runspace owns
/// them: when it closes (or breaks), every forward is stopped, as closing the terminal stops kubectl port-forward.
/// </summary>
public sealed class PortForwardRegistry
{
    private readonly object _lock = new();
    private readonly List<Ops.PortForward> _forwards = [];
    private int _nextId;

    internal PortForwardRegistry(Runspace? runspace)
    {
        if (runspace is not null)
        {
            runspace.StateChanged += (_, e) =>
            {
                if (e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)
                {
                    StopAll();
                }
            };
        }
    }

    public int NextId() => Interlocked.Increment(ref _nextId);

    public IReadOnlyList<Ops.PortForward> All
    {
        get { lock (_lock) { return _forwards.ToArray(); } }
    }

    public void Add(Ops.PortForward forward)
    {
        lock (_lock)
        {
            _forwards.Add(forward);
        }
    }

    /// <summary>Stops one forward and forgets it; false when it was already stopped.</summary>
    public bool Stop(Ops.PortForward forward)
    {
        lock (_lock)
        {
            _forwards.Remove(forward);
        }
        if (forward.State == PortForwardState.Stopped)
        {
            return false;
        }
        PortForwardTunnel.FromModel(forward).DisposeAsync().AsTask().GetAwaiter().GetResult();
        return true;
    }

    public void StopAll()
    {
        foreach (var forward in All)
        {
            try
            {
                Stop(forward);
            }
            catch (Exception)
            {
                // Closing the runspace must not fail because one listener did.
            }
        }
    }
}
