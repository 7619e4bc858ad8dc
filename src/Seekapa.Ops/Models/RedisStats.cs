namespace Seekapa.Ops;

/// <summary>
/// One Redis server's INFO (server, clients, memory, stats, replication, keyspace) as typed numbers: what
/// `redis-cli INFO stats` shows during an incident, without reading the text.
/// </summary>
public sealed class RedisStats
{
    /// <summary>host:port, or rediss://host:port over TLS (never a password), so the object pipes into Clear-SeekapaRedisCache.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>redis_version.</summary>
    public string? Version { get; init; }

    /// <summary>master or slave (replication role).</summary>
    public string? Role { get; init; }

    /// <summary>uptime_in_seconds.</summary>
    public TimeSpan Uptime { get; init; }

    public long ConnectedClients { get; init; }
    public long BlockedClients { get; init; }

    /// <summary>Connections refused because maxclients was reached.</summary>
    public long RejectedConnections { get; init; }

    public long InstantaneousOpsPerSec { get; init; }
    public long TotalCommandsProcessed { get; init; }

    /// <summary>Successful key lookups since the server started (or CONFIG RESETSTAT).</summary>
    public long KeyspaceHits { get; init; }

    /// <summary>Failed key lookups since the server started (or CONFIG RESETSTAT).</summary>
    public long KeyspaceMisses { get; init; }

    /// <summary>Hits / (hits + misses), 0..1; null when there has been no lookup yet.</summary>
    public double? HitRatio { get; init; }

    /// <summary>Keys removed because maxmemory was reached: non-zero means the cache is too small for its policy.</summary>
    public long EvictedKeys { get; init; }

    public long ExpiredKeys { get; init; }

    /// <summary>used_memory in bytes.</summary>
    public long UsedMemory { get; init; }

    /// <summary>used_memory_human, e.g. "1.02M".</summary>
    public string? UsedMemoryHuman { get; init; }

    public long UsedMemoryPeak { get; init; }

    /// <summary>maxmemory in bytes; 0 means no limit.</summary>
    public long MaxMemory { get; init; }

    public string? MaxMemoryPolicy { get; init; }

    /// <summary>UsedMemory / MaxMemory * 100, one decimal; null without a limit.</summary>
    public double? UsedMemoryPercent { get; init; }

    /// <summary>used_memory_rss / used_memory; well above 1.5 means fragmentation, below 1 means swapping.</summary>
    public double? MemoryFragmentationRatio { get; init; }

    /// <summary>Keys, expiring keys and average TTL per database that has keys (INFO keyspace).</summary>
    public IReadOnlyList<RedisKeyspace> Keyspace { get; init; } = Array.Empty<RedisKeyspace>();

    /// <summary>The sum of Keys over Keyspace.</summary>
    public long TotalKeys { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => Endpoint;
}
