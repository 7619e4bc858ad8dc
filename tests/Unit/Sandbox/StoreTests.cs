using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The generic object store: resource versions, watch fan-out and history, snapshots.</summary>
public sealed class StoreTests
{
    private readonly ResourceRegistry _registry = BuiltInResources.Create();

    private ResourceDefinition Pods => _registry.Find("", "v1", "pods")!;

    private static JsonObject Pod(string ns, string name, string app = "a") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["app"] = app } },
        ["status"] = new JsonObject { ["phase"] = "Running" },
    };

    [Fact]
    public void EveryWriteGetsTheNextGlobalResourceVersion()
    {
        var store = new ObjectStore();
        var a = store.Create(Pods, Pod("x", "a"));
        var b = store.Create(Pods, Pod("x", "b"));
        var updated = store.Update(Pods, a.ToJsonObject());
        var deleted = store.Delete(Pods, "x", "b");
        Assert.Equal([1L, 2L, 3L, 4L], new[] { a, b, updated, deleted }.Select(o => o.ResourceVersion));
        Assert.Equal("4", (string?)deleted.ToJsonObject()["metadata"]!["resourceVersion"]);
        Assert.Equal(4, store.ResourceVersion);
        Assert.Equal(["kind", "apiVersion", "metadata", "status"], a.ToJsonObject().Select(p => p.Key));
        Assert.Equal("Running", a.Fields["status.phase"]);
        Assert.Equal("a", a.Labels["app"]);
    }

    [Fact]
    public void DuplicatesConflictsAndMissingObjectsAreErrors()
    {
        var store = new ObjectStore();
        var a = store.Create(Pods, Pod("x", "a"));
        Assert.Equal(StoreError.AlreadyExists, Assert.Throws<StoreException>(() => store.Create(Pods, Pod("x", "a"))).Error);
        store.Update(Pods, a.ToJsonObject());
        var stale = a.ToJsonObject();
        Assert.Equal(StoreError.Conflict, Assert.Throws<StoreException>(() => store.Update(Pods, stale)).Error);
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.Delete(Pods, "x", "zzz")).Error);
    }

    [Fact]
    public async Task WatchReplaysCurrentObjectsOrHistoryThenLiveEvents()
    {
        var store = new ObjectStore();
        store.Create(Pods, Pod("x", "a"));
        store.Create(Pods, Pod("y", "b"));

        using var all = store.Watch(Pods, null, null);
        Assert.Equal(["a", "b"], all.Initial.Select(e => e.Object.Name));

        using var fromOne = store.Watch(Pods, "y", 1);
        var replay = Assert.Single(fromOne.Initial);
        Assert.Equal(WatchEventType.Added, replay.Type);
        Assert.Equal("b", replay.Object.Name);

        store.Create(Pods, Pod("x", "c"));
        store.Delete(Pods, "y", "b");
        Assert.True(all.Events.TryRead(out var c));
        Assert.Equal((WatchEventType.Added, "c"), (c.Type, c.Object.Name));
        Assert.True(all.Events.TryRead(out var deleted));
        Assert.Equal((WatchEventType.Deleted, "b"), (deleted.Type, deleted.Object.Name));
        Assert.True(fromOne.Events.TryRead(out var onlyY));
        Assert.Equal(WatchEventType.Deleted, onlyY.Type);
        Assert.False(fromOne.Events.TryRead(out _));

        Assert.Equal(2, store.WatcherCount);
        Assert.Equal(2, store.CloseAllWatches("test"));
        await Assert.ThrowsAsync<WatchClosedException>(async () => await all.Events.WaitToReadAsync());
    }

    [Fact]
    public void TooOldResourceVersionsAreGone()
    {
        var store = new ObjectStore(historyCapacity: 2);
        for (var i = 0; i < 5; i++)
        {
            store.Create(Pods, Pod("x", $"p{i}"));
        }
        Assert.Equal(StoreError.Gone, Assert.Throws<StoreException>(() => store.Watch(Pods, null, 2)).Error);
        using var ok = store.Watch(Pods, null, 3);
        Assert.Equal(["p3", "p4"], ok.Initial.Select(e => e.Object.Name));
    }

    [Fact]
    public void SnapshotsAreSortedAndImmutable()
    {
        var store = new ObjectStore();
        store.Create(Pods, Pod("b", "2"));
        store.Create(Pods, Pod("a", "9"));
        store.Create(Pods, Pod("b", "1"));
        store.Create(Pods, Pod("b-x", "0"));
        var snapshot = store.Snapshot(Pods);
        store.Delete(Pods, "b", "1");
        Assert.Equal(["a/9", "b/1", "b/2", "b-x/0"], snapshot.Items.Select(o => o.Key.ToString()));
        Assert.Equal((1, 3), snapshot.Range("b"));
        Assert.Equal((4, 4), snapshot.Range("c"));
        Assert.Equal(3, store.Snapshot(Pods).Items.Length);
    }
}
