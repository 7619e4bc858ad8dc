namespace Seekapa.Ops;

/// <summary>
/// What Clear-SeekapaRedisCache removed from one database: DBSIZE before and after the flush. Keys written by
/// clients between the two reads count as kept, so KeysRemoved is what the flush took, give or take concurrent writes.
/// </summary>
public sealed class RedisFlushResult
{
    /// <summary>host:port, or rediss://host:port over TLS (never a password).</summary>
    public string Endpoint { get; init; } = string.Empty;
    public int Database { get; init; }

    /// <summary>FLUSHDB or FLUSHALL.</summary>
    public string Command { get; init; } = "FLUSHDB";
    public long KeysBefore { get; init; }
    public long KeysAfter { get; init; }
    public long KeysRemoved { get; init; }
    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Endpoint} db{Database}: {KeysRemoved} keys removed";
}
