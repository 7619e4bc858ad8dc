using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>
/// Runs the in-process controllers (deployments, replicasets, statefulsets, a simulated kubelet, a small garbage
/// collector) on ONE loop: store watches and timers only enqueue keys, and every reconcile reads the store fresh, so
/// the controllers never race each other and need no informer caches or expectations.
/// </summary>
internal sealed class ControllerManager : IAsyncDisposable
{
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<WorkKey> _pending = [];
    private readonly Dictionary<WorkKey, (DateTimeOffset Due, ITimer Timer)> _timers = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly List<Task> _tasks = [];
    private int _busy;
    private int _queued;

    public ControllerManager(ResourceService service, SandboxOptions options, IEnumerable<string>? crashingImages = null)
    {
        Service = service;
        Options = options;
        Time = options.TimeProvider;
        CrashingImages = (crashingImages ?? options.CrashingImages).ToList();
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ControllerManager>();
        var registry = service.Registry;
        Deployments = registry.Find("apps", "v1", "deployments")!;
        ReplicaSets = registry.Find("apps", "v1", "replicasets")!;
        StatefulSets = registry.Find("apps", "v1", "statefulsets")!;
        ControllerRevisions = registry.Find("apps", "v1", "controllerrevisions")!;
        Pods = registry.Find("", "v1", "pods")!;
        Nodes = registry.Find("", "v1", "nodes")!;
        Events = new EventRecorder(service);
        Kubelet = new Kubelet(this);
        ReplicaSetController = new ReplicaSetController(this);
        DeploymentController = new DeploymentController(this);
        StatefulSetController = new StatefulSetController(this);
    }

    public ResourceService Service { get; }
    public SandboxOptions Options { get; }
    public TimeProvider Time { get; }
    public IReadOnlyList<string> CrashingImages { get; }
    public ResourceDefinition Deployments { get; }
    public ResourceDefinition ReplicaSets { get; }
    public ResourceDefinition StatefulSets { get; }
    public ResourceDefinition ControllerRevisions { get; }
    public ResourceDefinition Pods { get; }
    public ResourceDefinition Nodes { get; }
    public EventRecorder Events { get; }
    public Kubelet Kubelet { get; }
    public ReplicaSetController ReplicaSetController { get; }
    public DeploymentController DeploymentController { get; }
    public StatefulSetController StatefulSetController { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>True when nothing is queued or being reconciled (timers may still be pending).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count == 0 && Volatile.Read(ref _busy) == 0 && Volatile.Read(ref _queued) == 0;
            }
        }
    }

    public void Start()
    {
        // Graceful pod deletions over HTTP are finished by the simulated kubelet (Killing events, termination delay).
        Service.PodTerminationHandler = pod =>
        {
            var (ns, name, uid) = (pod.Namespace, pod.Name, pod.Uid);
            Post(() => Kubelet.TakeOver(ns, name, uid));
            return true;
        };
        _tasks.Add(Task.Run(RunAsync));
        foreach (var resource in (ResourceDefinition[])[Deployments, ReplicaSets, StatefulSets, ControllerRevisions, Pods])
        {
            _tasks.Add(Task.Run(() => PumpAsync(resource)));
        }
    }

    public void Enqueue(WorkKey key)
    {
        lock (_lock)
        {
            if (!_pending.Add(key))
            {
                return;
            }
        }
        Interlocked.Increment(ref _queued);
        _queue.Writer.TryWrite(key);
    }

    /// <summary>Runs <paramref name="action"/> on the loop (for calls from other threads, e.g. the server's public API).</summary>
    public void Post(Action action)
    {
        Interlocked.Increment(ref _queued);
        _queue.Writer.TryWrite(action);
    }

    /// <summary>Reconciles <paramref name="key"/> again at <paramref name="at"/> on the sandbox clock (the earliest request wins).</summary>
    public void EnqueueAt(WorkKey key, DateTimeOffset at)
    {
        var delay = at - Now;
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(key);
            return;
        }
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_timers.TryGetValue(key, out var existing))
            {
                if (existing.Due <= at)
                {
                    return;
                }
                existing.Timer.Dispose();
            }
            ITimer? timer = null;
            timer = Time.CreateTimer(_ =>
            {
                lock (_lock)
                {
                    if (_timers.TryGetValue(key, out var current) && ReferenceEquals(current.Timer, timer))
                    {
                        _timers.Remove(key);
                    }
                }
                timer?.Dispose();
                Enqueue(key);
            }, null, delay, Timeout.InfiniteTimeSpan);
            _timers[key] = (at, timer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        Service.PodTerminationHandler = null;
        await _stop.CancelAsync();
        _queue.Writer.TryComplete();
        lock (_lock)
        {
            foreach (var (_, (_, timer)) in _timers)
            {
                timer.Dispose();
            }
            _timers.Clear();
        }
        try
        {
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // The loop ends at its next await; nothing it does after the server stopped matters.
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                Interlocked.Increment(ref _busy);
                Interlocked.Decrement(ref _queued);
                try
                {
                    if (item is WorkKey key)
                    {
                        lock (_lock)
                        {
                            _pending.Remove(key);
                        }
                        Reconcile(key);
                    }
                    else if (item is Action action)
                    {
                        action();
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _busy);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Reconcile(WorkKey key)
    {
        try
        {
            switch (key.Kind)
            {
                case WorkKind.Deployment:
                    DeploymentController.Sync(key.Namespace, key.Name);
                    break;
                case WorkKind.ReplicaSet:
                    ReplicaSetController.Sync(key.Namespace, key.Name);
                    break;
                case WorkKind.StatefulSet:
                    StatefulSetController.Sync(key.Namespace, key.Name);
                    break;
                case WorkKind.Pod:
                    Kubelet.Sync(key.Namespace, key.Name);
                    break;
            }
        }
        catch (ApiException e) when (e.Code is 409 or 404)
        {
            // Someone else wrote in between (a client, a scenario reload): try again on fresh state.
            EnqueueAt(key, Now + TimeSpan.FromMilliseconds(20));
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            _logger.LogWarning(e, "controller sync of {Kind} {Namespace}/{Name} failed", key.Kind, key.Namespace, key.Name);
            EnqueueAt(key, Now + TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Feeds one resource's changes into the queue; resumes after dropped watches (a fault tests inject).</summary>
    private async Task PumpAsync(ResourceDefinition resource)
    {
        long? from = null;
        while (!_stop.IsCancellationRequested)
        {
            WatchSubscription sub;
            try
            {
                sub = Service.Store.Watch(resource, null, from);
            }
            catch (StoreException e) when (e.Error == StoreError.Gone)
            {
                from = null;
                continue;
            }
            using (sub)
            {
                try
                {
                    foreach (var e in sub.Initial)
                    {
                        Route(e);
                    }
                    from = Math.Max(sub.StartResourceVersion, sub.Initial.Count > 0 ? sub.Initial[^1].ResourceVersion : 0);
                    await foreach (var e in sub.Events.ReadAllAsync(_stop.Token))
                    {
                        Route(e);
                        from = e.ResourceVersion;
                    }
                    return;
                }
                catch (WatchClosedException)
                {
                    // Resume from the last event seen.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Route(WatchEvent e)
    {
        var obj = e.Object;
        var ns = obj.Namespace;
        if (ReferenceEquals(obj.Resource, Deployments))
        {
            Enqueue(new WorkKey(WorkKind.Deployment, ns, obj.Name));
        }
        else if (ReferenceEquals(obj.Resource, StatefulSets))
        {
            Enqueue(new WorkKey(WorkKind.StatefulSet, ns, obj.Name));
        }
        else if (ReferenceEquals(obj.Resource, ReplicaSets))
        {
            Enqueue(new WorkKey(WorkKind.ReplicaSet, ns, obj.Name));
            EnqueueOwner(obj, e.Previous);
        }
        else if (ReferenceEquals(obj.Resource, Pods))
        {
            Enqueue(new WorkKey(WorkKind.Pod, ns, obj.Name));
            EnqueueOwner(obj, e.Previous);
            if (e.Type == WatchEventType.Deleted)
            {
                // Recreate waits for the old pods to be gone: the deployment hears about pod deletions too.
                Post(() => EnqueueDeploymentOfPod(obj));
            }
        }
        else if (ReferenceEquals(obj.Resource, ControllerRevisions))
        {
            EnqueueOwner(obj, e.Previous);
        }
        if (e.Type == WatchEventType.Deleted && obj.Resource != Pods && obj.Resource != ControllerRevisions)
        {
            var uid = obj.Uid;
            Post(() => CollectGarbage(ns, uid));
        }
    }

    private void EnqueueDeploymentOfPod(StoredObject pod)
    {
        foreach (var owner in (JsonPaths.Find(pod.ToJsonObject(), "metadata.ownerReferences") as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>())
        {
            if (JsonPaths.String(owner, "kind") == "ReplicaSet" && JsonPaths.String(owner, "name") is { } rsName &&
                Service.Store.Get(ReplicaSets, pod.Namespace, rsName) is { } rs)
            {
                EnqueueOwner(rs, null);
            }
        }
    }

    private void EnqueueOwner(StoredObject obj, StoredObject? previous)
    {
        foreach (var candidate in (StoredObject?[])[obj, previous])
        {
            if (candidate is null)
            {
                continue;
            }
            var json = candidate.ToJsonObject();
            foreach (var owner in (JsonPaths.Find(json, "metadata.ownerReferences") as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>())
            {
                var kind = JsonPaths.String(owner, "kind") switch
                {
                    "Deployment" => WorkKind.Deployment,
                    "ReplicaSet" => WorkKind.ReplicaSet,
                    "StatefulSet" => WorkKind.StatefulSet,
                    _ => (WorkKind?)null,
                };
                if (kind is { } k && JsonPaths.String(owner, "name") is { } name)
                {
                    Enqueue(new WorkKey(k, candidate.Namespace, name));
                }
            }
        }
    }

    /// <summary>
    /// The garbage collector's background cascade: objects whose controller was deleted go too (pods gracefully,
    /// through the kubelet). kubectl delete deployment relies on it.
    /// </summary>
    private void CollectGarbage(string ns, string ownerUid)
    {
        foreach (var resource in (ResourceDefinition[])[ReplicaSets, ControllerRevisions, Pods])
        {
            var snapshot = Service.Store.Snapshot(resource);
            var (start, end) = snapshot.Range(ns);
            for (var i = start; i < end; i++)
            {
                var obj = snapshot.Items[i].ToJsonObject();
                if (Workloads.ControllerUid(obj) != ownerUid)
                {
                    continue;
                }
                try
                {
                    if (ReferenceEquals(resource, Pods))
                    {
                        Kubelet.BeginTermination(obj);
                    }
                    else
                    {
                        Service.Delete(resource, ns, snapshot.Items[i].Name);
                    }
                }
                catch (ApiException)
                {
                    // Already gone.
                }
            }
        }
    }

    /// <summary>The objects of <paramref name="resource"/> in <paramref name="ns"/> controlled by <paramref name="ownerUid"/>.</summary>
    public List<StoredObject> Owned(ResourceDefinition resource, string ns, string ownerUid)
    {
        var snapshot = Service.Store.Snapshot(resource);
        var (start, end) = snapshot.Range(ns);
        var result = new List<StoredObject>();
        var uidBytes = System.Text.Encoding.UTF8.GetBytes(ownerUid);
        for (var i = start; i < end; i++)
        {
            var item = snapshot.Items[i];
            // Cheap pre-filter on the raw JSON before parsing: most objects in a namespace belong to someone else.
            if (item.Json.AsSpan().IndexOf(uidBytes) < 0)
            {
                continue;
            }
            if (Workloads.ControllerUid(item.ToJsonObject()) == ownerUid)
            {
                result.Add(item);
            }
        }
        return result;
    }
}
