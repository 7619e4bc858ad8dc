using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Store;

/// <summary>
/// The generic in-memory object store: every resource's objects keyed by namespace + name, one global monotonically
/// increasing resourceVersion, change events fanned out to watchers and kept in a bounded history.
/// One lock serialises writes; reads take immutable snapshots, so a paged list stays consistent while writes continue.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceDefinition, ResourceTable> _tables = new(ReferenceEqualityComparer.Instance);
    private readonly List<WatchSubscription> _watchers = [];
    private readonly WatchHistory _history;
    private readonly int _watcherCapacity;
    private long _resourceVersion;

    public ObjectStore(int historyCapacity = 20_000, int watcherCapacity = 50_000)
    {
        _history = new WatchHistory(historyCapacity);
        _watcherCapacity = watcherCapacity;
    }

    public long ResourceVersion
    {
        get { lock (_lock) { return _resourceVersion; } }
    }

    public int WatcherCount
    {
        get { lock (_lock) { return _watchers.Count; } }
    }

    public StoredObject? Get(ResourceDefinition resource, string @namespace, string name)
    {
        lock (_lock)
        {
            return Table(resource).Items.GetValueOrDefault(new ObjectKey(resource.Namespaced ? @namespace : "", name));
        }
    }

    /// <summary>Stores a new object (already defaulted and validated by the caller).</summary>
    public StoredObject Create(ResourceDefinition resource, JsonObject obj)
    {
        lock (_lock)
        {
            var table = Table(resource);
            var key = KeyOf(resource, obj);
            if (table.Items.ContainsKey(key))
            {
                throw new StoreException(StoreError.AlreadyExists, $"{resource.GroupResource} \"{key.Name}\" already exists");
            }
            var stored = StoredObject.Create(resource, obj, _resourceVersion + 1);
            _resourceVersion++;
            table.Set(key, stored);
            Publish(new WatchEvent(WatchEventType.Added, stored, null));
            return stored;
        }
    }

    /// <summary>Replaces an object. A non-empty metadata.resourceVersion must match the stored one (optimistic concurrency).</summary>
    public StoredObject Update(ResourceDefinition resource, JsonObject obj)
    {
        lock (_lock)
        {
            var table = Table(resource);
            var key = KeyOf(resource, obj);
            if (!table.Items.TryGetValue(key, out var current))
            {
                throw NotFound(resource, key.Name);
            }
            var expected = JsonPaths.String(obj, "metadata.resourceVersion");
            if (!string.IsNullOrEmpty(expected) && expected != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new StoreException(StoreError.Conflict,
                    $"Operation cannot be fulfilled on {resource.GroupResource} \"{key.Name}\": the object has been modified; please apply your changes to the latest version and try again");
            }
            var stored = StoredObject.Create(resource, obj, _resourceVersion + 1);
            _resourceVersion++;
            table.Set(key, stored);
            Publish(new WatchEvent(WatchEventType.Modified, stored, current));
            return stored;
        }
    }

    /// <summary>Removes an object at once; the DELETED event carries the deletion's resourceVersion.</summary>
    public StoredObject Delete(ResourceDefinition resource, string @namespace, string name)
    {
        lock (_lock)
        {
            var table = Table(resource);
            var key = new ObjectKey(resource.Namespaced ? @namespace : "", name);
            if (!table.Items.TryGetValue(key, out var current))
            {
                throw NotFound(resource, name);
            }
            var final = StoredObject.Create(resource, current.ToJsonObject(), _resourceVersion + 1);
            _resourceVersion++;
            table.Remove(key);
            Publish(new WatchEvent(WatchEventType.Deleted, final, current));
            return final;
        }
    }

    /// <summary>A consistent, sorted view of one resource at the current resourceVersion.</summary>
    public ListSnapshot Snapshot(ResourceDefinition resource)
    {
        lock (_lock)
        {
            return new ListSnapshot(_resourceVersion, Table(resource).Sorted());
        }
    }

    /// <summary>
    /// Opens a watch. Without <paramref name="fromResourceVersion"/> the current objects are replayed as ADDED first;
    /// with it, the history after that version (410 Gone if it has been compacted away). Replay and subscription happen
    /// under the lock, so no event falls in between.
    /// </summary>
    public WatchSubscription Watch(ResourceDefinition resource, string? @namespace, long? fromResourceVersion)
    {
        lock (_lock)
        {
            var sub = new WatchSubscription(resource, @namespace, _watcherCapacity, Unsubscribe) { StartResourceVersion = _resourceVersion };
            if (fromResourceVersion is { } from)
            {
                if (from < _history.CompactedThrough)
                {
                    throw new StoreException(StoreError.Gone, $"too old resource version: {from} ({_history.CompactedThrough + 1})");
                }
                sub.Initial = _history.After(from, sub.Wants);
            }
            else
            {
                var initial = new List<WatchEvent>();
                foreach (var obj in Table(resource).Sorted())
                {
                    if (@namespace is null || obj.Namespace == @namespace)
                    {
                        initial.Add(new WatchEvent(WatchEventType.Added, obj, null));
                    }
                }
                sub.Initial = initial;
            }
            _watchers.Add(sub);
            return sub;
        }
    }

    /// <summary>Ends every open watch (a fault for tests: clients must resume).</summary>
    public int CloseAllWatches(string reason)
    {
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Close(reason);
            }
            var n = _watchers.Count;
            _watchers.Clear();
            return n;
        }
    }

    private void Unsubscribe(WatchSubscription sub)
    {
        lock (_lock)
        {
            _watchers.Remove(sub);
        }
    }

    private void Publish(WatchEvent e)
    {
        _history.Append(e);
        foreach (var w in _watchers)
        {
            if (w.Wants(e))
            {
                w.Deliver(e);
            }
        }
    }

    private ResourceTable Table(ResourceDefinition resource)
    {
        if (!_tables.TryGetValue(resource, out var table))
        {
            table = new ResourceTable();
            _tables[resource] = table;
        }
        return table;
    }

    private static ObjectKey KeyOf(ResourceDefinition resource, JsonObject obj) =>
        new(resource.Namespaced ? JsonPaths.String(obj, "metadata.namespace") ?? "" : "", JsonPaths.String(obj, "metadata.name") ?? "");

    private static StoreException NotFound(ResourceDefinition resource, string name) =>
        new(StoreError.NotFound, $"{resource.GroupResource} \"{name}\" not found");

    /// <summary>One resource's objects: a persistent sorted map (cheap to snapshot) plus a lazily built array for paging.</summary>
    private sealed class ResourceTable
    {
        private StoredObject[]? _sorted;

        public ImmutableSortedDictionary<ObjectKey, StoredObject> Items { get; private set; } =
            ImmutableSortedDictionary<ObjectKey, StoredObject>.Empty;

        public void Set(ObjectKey key, StoredObject obj)
        {
            Items = Items.SetItem(key, obj);
            _sorted = null;
        }

        public void Remove(ObjectKey key)
        {
            Items = Items.Remove(key);
            _sorted = null;
        }

        public StoredObject[] Sorted() => _sorted ??= Items.Values.ToArray();
    }
}

/// <summary>All objects of one resource at <see cref="ResourceVersion"/>, sorted by namespace then name. Never mutated.</summary>
internal sealed record ListSnapshot(long ResourceVersion, StoredObject[] Items)
{
    /// <summary>The index range of one namespace's objects (or everything for null).</summary>
    public (int Start, int End) Range(string? @namespace)
    {
        if (@namespace is null)
        {
            return (0, Items.Length);
        }
        return (LowerBound(new ObjectKey(@namespace, "")), LowerBound(new ObjectKey(@namespace + "\0", "")));
    }

    /// <summary>The first index whose key is &gt;= <paramref name="key"/>.</summary>
    public int LowerBound(ObjectKey key)
    {
        int lo = 0, hi = Items.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Items[mid].Key.CompareTo(key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
