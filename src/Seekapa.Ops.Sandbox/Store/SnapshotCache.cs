using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Store;

/// <summary>
/// Keeps the snapshots behind outstanding continue tokens so every page of a list comes from the same
/// resourceVersion. Bounded in count and age; an evicted token gets 410 Expired, like a compacted etcd revision.
/// </summary>
internal sealed class SnapshotCache(TimeProvider time, int capacity = 128, TimeSpan? maxAge = null)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _maxAge = maxAge ?? TimeSpan.FromMinutes(5);
    private readonly LinkedList<(ResourceDefinition Resource, ListSnapshot Snapshot, DateTimeOffset At)> _entries = new();

    public void Remember(ResourceDefinition resource, ListSnapshot snapshot)
    {
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (ReferenceEquals(node.Value.Resource, resource) && node.Value.Snapshot.ResourceVersion == snapshot.ResourceVersion)
                {
                    _entries.Remove(node);
                    break;
                }
            }
            _entries.AddFirst((resource, snapshot, time.GetUtcNow()));
            while (_entries.Count > capacity)
            {
                _entries.RemoveLast();
            }
        }
    }

    public ListSnapshot? Find(ResourceDefinition resource, long resourceVersion)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            while (_entries.Last is { } last && now - last.Value.At > _maxAge)
            {
                _entries.RemoveLast();
            }
            foreach (var (r, s, _) in _entries)
            {
                if (ReferenceEquals(r, resource) && s.ResourceVersion == resourceVersion)
                {
                    return s;
                }
            }
            return null;
        }
    }
}
