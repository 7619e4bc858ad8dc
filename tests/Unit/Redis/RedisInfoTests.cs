using Seekapa.Ops.Core.Redis;
using Xunit;

namespace Seekapa.Ops.Tests.Redis;

public sealed class RedisInfoTests
{
    private const string Info = "# Server\r\nredis_version:7.2.4\r\nuptime_in_seconds:3600\r\n\r\n# Clients\r\nconnected_clients:12\r\n" +
                                "# Memory\r\nused_memory:1073741824\r\nused_memory_human:1.00G\r\nmaxmemory:2147483648\r\nmaxmemory_policy:allkeys-lru\r\n" +
                                "mem_fragmentation_ratio:1.37\r\n# Stats\r\ninstantaneous_ops_per_sec:4200\r\nkeyspace_hits:900\r\nkeyspace_misses:100\r\n" +
                                "evicted_keys:17\r\nexpired_keys:5\r\n# Replication\r\nrole:master\r\n" +
                                "# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=60000\r\ndb12:keys=3,expires=0,avg_ttl=0,subexpiry=0\r\n";

    [Fact]
    public void InfoBecomesTypedNumbers()
    {
        var stats = RedisInfo.ToStats("cache:6379", RedisInfo.Parse(Info), DateTimeOffset.UnixEpoch);
        Assert.Equal(("7.2.4", "master", TimeSpan.FromHours(1), 12L, 4200L), (stats.Version, stats.Role, stats.Uptime, stats.ConnectedClients, stats.InstantaneousOpsPerSec));
        Assert.Equal((900L, 100L, 0.9), (stats.KeyspaceHits, stats.KeyspaceMisses, stats.HitRatio!.Value));
        Assert.Equal((17L, 5L), (stats.EvictedKeys, stats.ExpiredKeys));
        Assert.Equal((1073741824L, "1.00G", 2147483648L, 50.0, 1.37), (stats.UsedMemory, stats.UsedMemoryHuman, stats.MaxMemory, stats.UsedMemoryPercent!.Value, stats.MemoryFragmentationRatio!.Value));
        Assert.Equal("allkeys-lru", stats.MaxMemoryPolicy);
        Assert.Equal([0, 12], stats.Keyspace.Select(k => k.Database));
        Assert.Equal((10L, 4L, TimeSpan.FromMinutes(1)), (stats.Keyspace[0].Keys, stats.Keyspace[0].Expires, stats.Keyspace[0].AverageTtl!.Value));
        Assert.Null(stats.Keyspace[1].AverageTtl);
        Assert.Equal(13, stats.TotalKeys);
        Assert.All(stats.Keyspace, k => Assert.Equal("cache:6379", k.Endpoint));
    }

    [Fact]
    public void NoLookupsMeansNoHitRatioAndNoLimitMeansNoPercent()
    {
        var stats = RedisInfo.ToStats("cache:6379", RedisInfo.Parse("keyspace_hits:0\nkeyspace_misses:0\nmaxmemory:0\nused_memory:10\n"), DateTimeOffset.UnixEpoch);
        Assert.Null(stats.HitRatio);
        Assert.Null(stats.UsedMemoryPercent);
        Assert.Empty(stats.Keyspace);
    }

    [Fact]
    public void ADatabaseFilterKeepsOnlyThatDatabaseEvenWhenEmpty()
    {
        var info = RedisInfo.Parse(Info);
        Assert.Equal(3, Assert.Single(RedisInfo.ToStats("c:1", info, DateTimeOffset.UnixEpoch, database: 12).Keyspace).Keys);
        var empty = Assert.Single(RedisInfo.ToStats("c:1", info, DateTimeOffset.UnixEpoch, database: 5).Keyspace);
        Assert.Equal((5, 0L), (empty.Database, empty.Keys));
    }
}
