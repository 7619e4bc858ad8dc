using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Redis;
using Xunit;

namespace Seekapa.Ops.Tests.Redis;

public sealed class RedisEndpointTests
{
    [Theory]
    [InlineData("redis-master:6379", "redis-master", 6379, false, null, null, null)]
    [InlineData("redis-master", "redis-master", 6379, false, null, null, null)]
    [InlineData("[::1]:7000", "::1", 7000, false, null, null, null)]
    [InlineData("redis://redis-master:6380/2", "redis-master", 6380, false, null, null, 2)]
    [InlineData("rediss://:p%40ss@cache.redis.cache.windows.net:6380/0", "cache.redis.cache.windows.net", 6380, true, null, "p@ss", 0)]
    [InlineData("redis://app:pw@10.0.0.5", "10.0.0.5", 6379, false, "app", "pw", null)]
    [InlineData("redis://justapassword@host:1", "host", 1, false, null, "justapassword", null)]
    public void ParsesWhatPeopleType(string text, string host, int port, bool tls, string? user, string? password, int? database)
    {
        var endpoint = RedisEndpoint.Parse(text);
        Assert.Equal((host, port, tls, user, password, database),
            (endpoint.Host, endpoint.Port, endpoint.Tls, endpoint.User, endpoint.Password, endpoint.Database));
    }

    [Fact]
    public void DisplayNeverCarriesThePasswordAndParsesBack()
    {
        var endpoint = RedisEndpoint.Parse("rediss://app:hunter2-secret@cache:6380/3");
        Assert.Equal("rediss://cache:6380", endpoint.Display);
        Assert.DoesNotContain("hunter2", endpoint.ToString(), StringComparison.Ordinal);
        var again = RedisEndpoint.Parse(endpoint.Display);
        Assert.Equal(("cache", 6380, true), (again.Host, again.Port, again.Tls));
        Assert.Equal("[::1]:6379", RedisEndpoint.Parse("[::1]").Display);
    }

    [Theory]
    [InlineData("redis://:hunter2-secret@host:99999", "port")]
    [InlineData("redis://:hunter2-secret@host/abc", "database number")]
    [InlineData("http://:hunter2-secret@host", "redis://")]
    [InlineData("host:port", "expected host:port")]
    [InlineData("  ", "empty")]
    public void InvalidEndpointsSayWhyWithoutThePassword(string text, string why)
    {
        var ex = Assert.Throws<SeekapaException>(() => RedisEndpoint.Parse(text));
        Assert.Equal(("InvalidEndpoint", FailureCategory.InvalidArgument), (ex.ErrorId, ex.Category));
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Target?.ToString() ?? string.Empty, StringComparison.Ordinal);
    }
}
