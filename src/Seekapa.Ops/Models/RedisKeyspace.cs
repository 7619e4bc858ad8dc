namespace Seekapa.Ops;

/// <summary>One line of INFO keyspace (db0:keys=1,expires=0,avg_ttl=0), with the endpoint so it pipes into Clear-SeekapaRedisCache.</summary>
public sealed class RedisKeyspace
{
    public string Endpoint { get; init; } = string.Empty;
    public int Database { get; init; }
    public long Keys { get; init; }

    /// <summary>Keys with a TTL.</summary>
    public long Expires { get; init; }

    /// <summary>Redis's estimate of the average TTL of the expiring keys; null when it reports 0 (no expiring keys, or not sampled yet).</summary>
    public TimeSpan? AverageTtl { get; init; }

    public override string ToString() => $"db{Database}";
}
