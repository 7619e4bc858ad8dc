namespace Seekapa.Ops.Sandbox.Store;

internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>A change recorded by the store. <see cref="Previous"/> lets a filtered watch turn
/// "no longer matches the selector" into DELETED, as the API server does.</summary>
internal sealed record WatchEvent(WatchEventType Type, StoredObject Object, StoredObject? Previous)
{
    public long ResourceVersion => Object.ResourceVersion;

    public static string WireName(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
