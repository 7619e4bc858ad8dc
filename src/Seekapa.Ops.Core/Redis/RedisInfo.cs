using System.Globalization;

namespace Seekapa.Ops.Core.Redis;

/// <summary>Reads the text of the INFO command (# Section lines, then field:value lines) into typed statistics.</summary>
public static class RedisInfo
{
    /// <summary>Every field:value line of the INFO text, sections flattened (field names are unique across sections).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string raw)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in raw.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[text[..colon]] = text[(colon + 1)..];
            }
        }

        return fields;
    }

    /// <param name="database">Only this database in Keyspace (with zero keys when INFO does not list it).</param>
    public static RedisStats ToStats(string endpoint, IReadOnlyDictionary<string, string> info, DateTimeOffset time, int? database = null)
    {
        var hits = Long(info, "keyspace_hits");
        var misses = Long(info, "keyspace_misses");
        var used = Long(info, "used_memory");
        var max = Long(info, "maxmemory");
        var keyspace = Keyspace(endpoint, info);
        if (database is { } db)
        {
            keyspace = [keyspace.FirstOrDefault(k => k.Database == db) ?? new RedisKeyspace { Endpoint = endpoint, Database = db }];
        }

        return new RedisStats
        {
            Endpoint = endpoint,
            Version = Text(info, "redis_version"),
            Role = Text(info, "role"),
            Uptime = TimeSpan.FromSeconds(Long(info, "uptime_in_seconds")),
            ConnectedClients = Long(info, "connected_clients"),
            BlockedClients = Long(info, "blocked_clients"),
            RejectedConnections = Long(info, "rejected_connections"),
            InstantaneousOpsPerSec = Long(info, "instantaneous_ops_per_sec"),
            TotalCommandsProcessed = Long(info, "total_commands_processed"),
            KeyspaceHits = hits,
            KeyspaceMisses = misses,
            HitRatio = hits + misses == 0 ? null : Math.Round((double)hits / (hits + misses), 4),
            EvictedKeys = Long(info, "evicted_keys"),
            ExpiredKeys = Long(info, "expired_keys"),
            UsedMemory = used,
            UsedMemoryHuman = Text(info, "used_memory_human"),
            UsedMemoryPeak = Long(info, "used_memory_peak"),
            MaxMemory = max,
            MaxMemoryPolicy = Text(info, "maxmemory_policy"),
            UsedMemoryPercent = max > 0 ? Math.Round(used * 100.0 / max, 1) : null,
            MemoryFragmentationRatio = Double(info, "mem_fragmentation_ratio"),
            Keyspace = keyspace,
            TotalKeys = keyspace.Sum(k => k.Keys),
            Time = time,
        };
    }

    /// <summary>The dbN:keys=..,expires=..,avg_ttl=.. lines, ordered by database number.</summary>
    public static IReadOnlyList<RedisKeyspace> Keyspace(string endpoint, IReadOnlyDictionary<string, string> info)
    {
        var result = new List<RedisKeyspace>();
        foreach (var (name, value) in info)
        {
            if (!name.StartsWith("db", StringComparison.Ordinal)
                || !int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                continue;
            }

            var parts = value.Split(',')
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            var avgTtl = Long(parts, "avg_ttl");
            result.Add(new RedisKeyspace
            {
                Endpoint = endpoint,
                Database = database,
                Keys = Long(parts, "keys"),
                Expires = Long(parts, "expires"),
                AverageTtl = avgTtl > 0 ? TimeSpan.FromMilliseconds(avgTtl) : null,
            });
        }

        return result.OrderBy(k => k.Database).ToList();
    }

    private static string? Text(IReadOnlyDictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static long Long(IReadOnlyDictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static double? Double(IReadOnlyDictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
