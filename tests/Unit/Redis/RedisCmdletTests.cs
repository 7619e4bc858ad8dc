using System.Management.Automation;
using System.Net;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using StackExchange.Redis;
using Xunit;

namespace Seekapa.Ops.Tests.Redis;

/// <summary>Get-SeekapaRedisStats and Clear-SeekapaRedisCache against real redis-server instances.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisCmdletTests : IDisposable
{
    private readonly CmdletHost _host = new();
    private readonly string _refused = $"127.0.0.1:{RedisServer.FreePort()}";

    private static RedisServer Plain => RedisServer.Plain;
    private static RedisServer Secured => RedisServer.Secured;

    private CmdletHost.Result Run(string script) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["plain"] = Plain.Endpoint,
        ["secured"] = Secured.Endpoint,
        ["securedPort"] = Secured.Port,
        ["tls"] = Secured.TlsEndpoint,
        ["ca"] = Secured.CaCertificatePath,
        ["pw"] = new NetworkCredential(string.Empty, RedisServer.Password).SecurePassword,
        ["wrongPw"] = new NetworkCredential(string.Empty, "Not-the-pw-31d8").SecurePassword,
        ["refused"] = _refused,
    });

    private static List<T> Objects<T>(CmdletHost.Result result) => result.Output.Select(o => o.BaseObject).OfType<T>().ToList();

    private static void Clean(params int[] databases)
    {
        using var redis = Plain.Connect();
        foreach (var db in databases)
        {
            redis.GetServer(redis.GetEndPoints()[0]).FlushDatabase(db);
        }
    }

    /// <summary>How many times the server has run a command (INFO commandstats), to prove a flush was or was not sent.</summary>
    private static long Calls(string command)
    {
        using var redis = Plain.Connect();
        var info = redis.GetServer(redis.GetEndPoints()[0]).InfoRaw("commandstats");
        var line = (info ?? string.Empty).Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void StatsAreTypedAndHitsAndMissesMoveWithLookups()
    {
        Clean(3);
        Plain.Seed(3, 5, "stats");
        var before = Assert.Single(Objects<RedisStats>(Run("Get-SeekapaRedisStats $plain")));
        using (var redis = Plain.Connect())
        {
            var db = redis.GetDatabase(3);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(db.StringGet($"stats:{i}").HasValue);
            }

            Assert.False(db.StringGet("stats:missing-1").HasValue);
            Assert.False(db.StringGet("stats:missing-2").HasValue);
        }

        var result = Run("Get-SeekapaRedisStats -Endpoint $plain -Database 3");
        Assert.Empty(result.Errors);
        Assert.Equal("Seekapa.Ops.RedisStats", result.Output[0].TypeNames[0]);
        var after = Assert.Single(Objects<RedisStats>(result));
        Assert.Equal(3, after.KeyspaceHits - before.KeyspaceHits);
        Assert.Equal(2, after.KeyspaceMisses - before.KeyspaceMisses);
        Assert.InRange(after.HitRatio!.Value, 0.0, 1.0);
        Assert.Equal(Math.Round((double)after.KeyspaceHits / (after.KeyspaceHits + after.KeyspaceMisses), 4), after.HitRatio.Value);
        var keyspace = Assert.Single(after.Keyspace);
        Assert.Equal((3, 5L, 0L, Plain.Endpoint), (keyspace.Database, keyspace.Keys, keyspace.Expires, keyspace.Endpoint));
        Assert.Equal(5, after.TotalKeys);
        Assert.StartsWith("7.", after.Version, StringComparison.Ordinal);
        Assert.Equal(("master", Plain.Endpoint), (after.Role, after.Endpoint));
        Assert.True(after.UsedMemory > 0 && after.ConnectedClients >= 1 && after.UsedMemoryHuman is not null);
        Assert.Equal(0, after.MaxMemory);
        Assert.Null(after.UsedMemoryPercent);
        Assert.NotNull(after.MemoryFragmentationRatio);
    }

    [Fact]
    public void HitRatioIsNullBeforeAnyLookup()
    {
        using (var redis = Plain.Connect())
        {
            redis.GetServer(redis.GetEndPoints()[0]).ConfigResetStatistics();
        }

        var stats = Assert.Single(Objects<RedisStats>(Run("Get-SeekapaRedisStats $plain")));
        Assert.Equal((0L, 0L), (stats.KeyspaceHits, stats.KeyspaceMisses));
        Assert.Null(stats.HitRatio);
    }

    [Fact]
    public void SeveralEndpointsAtOnceEachFailingOnItsOwn()
    {
        var result = Run("$plain, $refused, 'redis://:x@bad host', $plain | Get-SeekapaRedisStats -Timeout 3");
        Assert.Equal(2, Objects<RedisStats>(result).Count);
        Assert.Equal(["InvalidEndpoint", "RedisUnreachable"], result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).Order());
        var unreachable = result.Errors.Single(e => e.FullyQualifiedErrorId.StartsWith("RedisUnreachable,", StringComparison.Ordinal));
        Assert.Equal(ErrorCategory.ConnectionError, unreachable.CategoryInfo.Category);
        Assert.Equal($"Could not connect to Redis at {_refused}: connection refused: nothing listens on port {_refused.Split(':')[1]}.",
            unreachable.ErrorDetails.Message);
    }

    [Fact]
    public void FlushDbRemovesTheKeysOfThatDatabaseOnly()
    {
        Clean(0, 1);
        Plain.Seed(0, 4, "keep");
        Plain.Seed(1, 6, "drop");

        var result = Run("Clear-SeekapaRedisCache $plain -Database 1 -Confirm:$false");

        Assert.Empty(result.Errors);
        var flush = Assert.Single(Objects<RedisFlushResult>(result));
        Assert.Equal((Plain.Endpoint, 1, "FLUSHDB", 6L, 0L, 6L), (flush.Endpoint, flush.Database, flush.Command, flush.KeysBefore, flush.KeysAfter, flush.KeysRemoved));
        Assert.Equal(0, Plain.KeyCount(1));
        Assert.Equal(4, Plain.KeyCount(0));
    }

    [Fact]
    public void AllDatabasesFlushesEveryDatabase()
    {
        Plain.Seed(0, 2, "all");
        Plain.Seed(1, 3, "all");
        Plain.Seed(5, 4, "all");
        var counts = new[] { 0, 1, 5 }.ToDictionary(db => db, Plain.KeyCount);

        var result = Run("Clear-SeekapaRedisCache $plain -AllDatabases -Confirm:$false");

        Assert.Empty(result.Errors);
        var flushes = Objects<RedisFlushResult>(result).ToDictionary(f => f.Database);
        foreach (var (db, count) in counts)
        {
            Assert.Equal(("FLUSHALL", count, 0L, count), (flushes[db].Command, flushes[db].KeysBefore, flushes[db].KeysAfter, flushes[db].KeysRemoved));
            Assert.Equal(0, Plain.KeyCount(db));
        }
    }

    [Fact]
    public void WhatIfSendsNoFlush()
    {
        Clean(2);
        Plain.Seed(2, 7, "whatif");
        var (flushdb, flushall) = (Calls("flushdb"), Calls("flushall"));

        var result = Run("Clear-SeekapaRedisCache $plain -Database 2 -WhatIf; Clear-SeekapaRedisCache $plain -AllDatabases -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Equal(7, Plain.KeyCount(2));
        Assert.Equal((flushdb, flushall), (Calls("flushdb"), Calls("flushall")));
    }

    [Fact]
    public void TheDatabaseMustBeNamedAndAUriDatabaseCounts()
    {
        Clean(4);
        Plain.Seed(4, 3, "uri");
        var flushes = Calls("flushdb");

        var unnamed = Run("Clear-SeekapaRedisCache $plain -Confirm:$false");
        var missing = Run("Clear-SeekapaRedisCache $plain -Database 99 -Confirm:$false");
        var conflicting = Run("Clear-SeekapaRedisCache \"redis://$plain/4\" -Database 5 -Confirm:$false");

        Assert.StartsWith("DatabaseNotSpecified,", Assert.Single(unnamed.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith("InvalidParameterCombination,", Assert.Single(conflicting.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith("RedisDatabaseNotFound,", Assert.Single(missing.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(flushes, Calls("flushdb"));
        Assert.Equal(3, Plain.KeyCount(4));

        var fromUri = Assert.Single(Objects<RedisFlushResult>(Run("Clear-SeekapaRedisCache \"redis://$plain/4\" -Confirm:$false")));
        Assert.Equal((4, 3L), (fromUri.Database, fromUri.KeysRemoved));
        Assert.Equal(0, Plain.KeyCount(4));
    }

    [Fact]
    public void KeyspaceEntriesPipeIntoClear()
    {
        Clean(6, 7);
        Plain.Seed(6, 2, "pipe");
        Plain.Seed(7, 2, "pipe");

        var result = Run("(Get-SeekapaRedisStats $plain -Database 6).Keyspace | Clear-SeekapaRedisCache -Confirm:$false");

        Assert.Equal(6, Assert.Single(Objects<RedisFlushResult>(result)).Database);
        Assert.Equal((0L, 2L), (Plain.KeyCount(6), Plain.KeyCount(7)));
    }

    [Fact]
    public void APasswordFromTheParameterOrTheUriAuthenticates()
    {
        var withParameter = Run("Get-SeekapaRedisStats $secured -Password $pw");
        Assert.Empty(withParameter.Errors);
        Assert.Equal(Secured.Endpoint, Assert.Single(Objects<RedisStats>(withParameter)).Endpoint);

        var fromUri = Run($"Get-SeekapaRedisStats 'redis://:{RedisServer.Password}@127.0.0.1:{Secured.Port}/0'");
        Assert.Empty(fromUri.Errors);
        Assert.Equal(Secured.Endpoint, Assert.Single(Objects<RedisStats>(fromUri)).Endpoint);
    }

    [Fact]
    public void AWrongOrMissingPasswordIsAnAuthenticationError()
    {
        var wrong = Assert.Single(Run("Get-SeekapaRedisStats $secured -Password $wrongPw").Errors);
        Assert.StartsWith("RedisAuthenticationFailed,", wrong.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, wrong.CategoryInfo.Category);
        Assert.Equal($"Redis at {Secured.Endpoint} rejected the credentials (connect): WRONGPASS invalid username-password pair or user is disabled.",
            wrong.ErrorDetails.Message);
        Assert.DoesNotContain("Not-the-pw-31d8", wrong.ToString() + wrong.Exception, StringComparison.Ordinal);

        var missing = Assert.Single(Run("Clear-SeekapaRedisCache $secured -Database 0 -Confirm:$false").Errors);
        Assert.StartsWith("RedisAuthenticationFailed,", missing.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Password", missing.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsWorksWithTheServersCa()
    {
        var uri = Run("Get-SeekapaRedisStats \"rediss://$tls\" -Password $pw -CaCertificatePath $ca");
        Assert.Empty(uri.Errors);
        Assert.Equal($"rediss://{Secured.TlsEndpoint}", Assert.Single(Objects<RedisStats>(uri)).Endpoint);

        var flag = Run("Get-SeekapaRedisStats $tls -Tls -Password $pw -CaCertificatePath $ca");
        Assert.Empty(flag.Errors);
        Assert.Single(Objects<RedisStats>(flag));
    }

    [Fact]
    public void TlsRefusesAnUntrustedCertificate()
    {
        var error = Assert.Single(Run("Get-SeekapaRedisStats $tls -Tls -Password $pw -Timeout 5").Errors);
        Assert.StartsWith("RedisTlsFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("not trusted", error.ErrorDetails.Message, StringComparison.Ordinal);

        var missingCa = Run("Get-SeekapaRedisStats $tls, $plain -Tls -CaCertificatePath ./no-such-ca.crt");
        Assert.StartsWith("CaCertificateNotFound,", Assert.Single(missingCa.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(missingCa.Output);
    }

    public void Dispose() => _host.Dispose();
}
