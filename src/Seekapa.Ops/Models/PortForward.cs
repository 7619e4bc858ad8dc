namespace Seekapa.Ops;

/// <summary>
/// A local port forwarded to a pod through the Kubernetes API (what Start-SeekapaPortForward returns). Live: Pod,
/// Connections and Failures change while it runs; it lives until Stop-SeekapaPortForward or the end of the runspace.
/// </summary>
public sealed class PortForward
{
    private readonly object _lock = new();
    private readonly List<PortForwardFailure> _failures = [];
    private long _connections;
    private string _pod;

    internal PortForward(int id, string target, string @namespace, string pod, int localPort, int remotePort, string context, DateTimeOffset started)
    {
        Id = id;
        Target = target;
        Namespace = @namespace;
        _pod = pod;
        LocalPort = localPort;
        RemotePort = remotePort;
        Context = context;
        Started = started;
    }

    /// <summary>The runspace-wide number of this forward (Get-/Stop-SeekapaPortForward -Id).</summary>
    public int Id { get; }

    /// <summary>What was asked for: pod/NAME, service/NAME, deployment/NAME or statefulset/NAME.</summary>
    public string Target { get; }

    public string Namespace { get; }

    /// <summary>The pod connections go to now (a service, deployment or statefulset target picks a new one when it goes).</summary>
    public string Pod
    {
        get { lock (_lock) { return _pod; } }
        internal set { lock (_lock) { _pod = value; } }
    }

    /// <summary>Always 127.0.0.1: the forward is never reachable from other machines.</summary>
    public string LocalAddress => "127.0.0.1";

    public int LocalPort { get; }

    /// <summary>The pod's port (a service port already translated to its targetPort).</summary>
    public int RemotePort { get; }

    /// <summary>The kubeconfig context the forward goes through.</summary>
    public string Context { get; }

    public DateTimeOffset Started { get; }

    /// <summary>Local connections accepted so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Running, or Stopped (by Stop-SeekapaPortForward or the runspace closing).</summary>
    public PortForwardState State { get; internal set; } = PortForwardState.Running;

    /// <summary>Connections that failed (ErrorId PortForwardLost when the pod went away mid-connection), oldest first.</summary>
    public IReadOnlyList<PortForwardFailure> Failures
    {
        get { lock (_lock) { return _failures.ToArray(); } }
    }

    /// <summary>"127.0.0.1:PORT", for a client's connection string.</summary>
    public string Endpoint => $"{LocalAddress}:{LocalPort}";

    /// <summary>The live tunnel; lives in the private load context, so only Core and the cmdlets touch it.</summary>
    internal object? Handle { get; set; }

    internal void CountConnection() => Interlocked.Increment(ref _connections);

    internal void AddFailure(PortForwardFailure failure)
    {
        lock (_lock)
        {
            // Bounded: a forward left running for days must not grow without end.
            if (_failures.Count >= 100)
            {
                _failures.RemoveAt(0);
            }
            _failures.Add(failure);
        }
    }

    public override string ToString() => $"{Endpoint} -> {Target}:{RemotePort} ({Namespace})";
}

public enum PortForwardState
{
    Running,
    Stopped,
}

/// <summary>One forwarded connection that failed.</summary>
public sealed class PortForwardFailure
{
    internal PortForwardFailure(DateTimeOffset time, string pod, string errorId, string message)
    {
        Time = time;
        Pod = pod;
        ErrorId = errorId;
        Message = message;
    }

    public DateTimeOffset Time { get; }
    public string Pod { get; }

    /// <summary>PortForwardLost (the pod went away), PortForwardFailed (the pod refused the port), PortForwardUnavailable (no pod to go to).</summary>
    public string ErrorId { get; }

    public string Message { get; }

    public override string ToString() => $"{ErrorId}: {Message}";
}
