using System.Threading.Channels;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Store;

/// <summary>
/// One watcher's queue. Bounded: a watcher that cannot keep up is closed (the client re-lists or resumes), as the
/// API server does, instead of letting memory grow without limit.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly Channel<WatchEvent> _channel;
    private readonly Action<WatchSubscription> _unsubscribe;

    public WatchSubscription(ResourceDefinition resource, string? @namespace, int capacity, Action<WatchSubscription> unsubscribe)
    {
        Resource = resource;
        Namespace = @namespace;
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity) { SingleReader = true });
    }

    public ResourceDefinition Resource { get; }
    public string? Namespace { get; }
    public ChannelReader<WatchEvent> Events => _channel.Reader;

    /// <summary>The store's resourceVersion when the watch was opened (everything up to it is in <see cref="Initial"/> or before it).</summary>
    public long StartResourceVersion { get; set; }

    /// <summary>Events already due when the watch started (history replay or the current objects).</summary>
    public IReadOnlyList<WatchEvent> Initial { get; set; } = [];

    internal bool Wants(WatchEvent e) =>
        ReferenceEquals(e.Object.Resource, Resource) && (Namespace is null || e.Object.Namespace == Namespace);

    internal void Deliver(WatchEvent e)
    {
        if (!_channel.Writer.TryWrite(e))
        {
            _channel.Writer.TryComplete(new WatchClosedException("watcher too slow"));
        }
    }

    /// <summary>Ends the watch; the reader sees <see cref="WatchClosedException"/> once it drains.</summary>
    internal void Close(string reason) => _channel.Writer.TryComplete(new WatchClosedException(reason));

    public void Dispose() => _unsubscribe(this);
}

internal sealed class WatchClosedException(string reason) : Exception(reason);
