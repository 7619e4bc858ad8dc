namespace Seekapa.Ops.Sandbox.Store;

/// <summary>
/// A bounded ring of recent events so a watch can resume from a resourceVersion; anything older than the ring is
/// "too old" (410 Gone), exactly the contract clients already handle for etcd compaction. Not thread-safe: the store
/// calls it under its lock.
/// </summary>
internal sealed class WatchHistory(int capacity)
{
    private readonly WatchEvent[] _ring = new WatchEvent[Math.Max(1, capacity)];
    private int _start;
    private int _count;

    /// <summary>The resourceVersion of the newest event that has been dropped (0 if none).</summary>
    public long CompactedThrough { get; private set; }

    public void Append(WatchEvent e)
    {
        if (_count == _ring.Length)
        {
            CompactedThrough = _ring[_start].ResourceVersion;
            _ring[_start] = e;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + _count) % _ring.Length] = e;
            _count++;
        }
    }

    /// <summary>Events with a resourceVersion greater than <paramref name="after"/>, oldest first.</summary>
    public List<WatchEvent> After(long after, Func<WatchEvent, bool> include)
    {
        var result = new List<WatchEvent>();
        var first = _count;
        while (first > 0 && _ring[(_start + first - 1) % _ring.Length].ResourceVersion > after)
        {
            first--;
        }
        for (var i = first; i < _count; i++)
        {
            var e = _ring[(_start + i) % _ring.Length];
            if (include(e))
            {
                result.Add(e);
            }
        }
        return result;
    }
}
