using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>Cuts one page out of a snapshot: selectors applied, limit honoured, continue token issued.</summary>
internal sealed class ListPager(ObjectStore store, SnapshotCache snapshots)
{
    private const string ExpiredMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    public (List<StoredObject> Items, ListMeta Meta) Page(ResourceDefinition resource, string? @namespace, ListOptions options)
    {
        ListSnapshot snapshot;
        int start;
        if (options.Continue is { } text)
        {
            var token = ContinueToken.Decode(text);
            snapshot = snapshots.Find(resource, token.ResourceVersion) ?? throw ApiException.Gone(ExpiredMessage);
            // Resume strictly after the last key served.
            start = snapshot.LowerBound(token.After with { Name = token.After.Name + "\0" });
        }
        else
        {
            snapshot = store.Snapshot(resource);
            start = 0;
        }

        var (rangeStart, end) = snapshot.Range(resource.Namespaced ? @namespace : null);
        start = Math.Max(start, rangeStart);
        var limit = options.Limit > 0 ? options.Limit : int.MaxValue;
        var items = new List<StoredObject>(Math.Min(limit, Math.Max(0, end - start)));

        for (var i = start; i < end; i++)
        {
            var obj = snapshot.Items[i];
            if (!options.Labels.Matches(obj.Labels) || !options.Fields.Matches(obj.Fields))
            {
                continue;
            }
            items.Add(obj);
            if (items.Count == limit && i + 1 < end)
            {
                snapshots.Remember(resource, snapshot);
                var token = new ContinueToken(snapshot.ResourceVersion, obj.Key).Encode();
                // Like etcd, the count is only known exactly when no selector filters the rest.
                long? remaining = options.HasSelectors ? null : end - (i + 1);
                return (items, new ListMeta(snapshot.ResourceVersion, token, remaining));
            }
        }
        return (items, new ListMeta(snapshot.ResourceVersion));
    }
}
