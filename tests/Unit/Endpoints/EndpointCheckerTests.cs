using System.Diagnostics;
using Seekapa.Ops.Core.Endpoints;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Endpoints;

public sealed class LoopbackServers : IAsyncLifetime
{
    public LoopbackHttpServer Http { get; private set; } = null!;
    public LoopbackHttpServer Https { get; private set; } = null!;
    public LoopbackHttpServer Expired { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = await LoopbackHttpServer.StartAsync();
        Https = await LoopbackHttpServer.StartAsync(https: true);
        Expired = await LoopbackHttpServer.StartAsync(https: true, expired: true);
    }

    public async Task DisposeAsync()
    {
        await Http.DisposeAsync();
        await Https.DisposeAsync();
        await Expired.DisposeAsync();
    }
}

public sealed class EndpointCheckerTests(LoopbackServers servers) : IClassFixture<LoopbackServers>
{
    private static async Task<EndpointCheck> Check(Uri uri, EndpointCheckOptions? options = null)
    {
        using var checker = new EndpointChecker(options ?? new EndpointCheckOptions());
        return await checker.CheckAsync(uri, CancellationToken.None);
    }

    [Fact]
    public async Task HealthyEndpoint()
    {
        var r = await Check(servers.Http.At("/health"));
        Assert.True(r.Healthy, r.Error);
        Assert.Equal((200, "OK", EndpointFailure.None, "2xx"), (r.StatusCode, r.ReasonPhrase, r.Failure, r.Expected));
        Assert.Null(r.BodyMatched);
        Assert.Null(r.Error);
        Assert.True(r.LatencyMs > 0);
        Assert.Null(r.CertificateExpires);
        Assert.True(r.CheckedAt > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task FailingStatusIsUnexpectedUnlessExpected()
    {
        var r = await Check(servers.Http.At("/fail"));
        Assert.False(r.Healthy);
        Assert.Equal((503, EndpointFailure.UnexpectedStatus), (r.StatusCode, r.Failure));
        Assert.Contains("503", r.Error, StringComparison.Ordinal);

        var expected = await Check(servers.Http.At("/fail"), new EndpointCheckOptions { ExpectedStatus = new[] { 503 } });
        Assert.True(expected.Healthy);
        Assert.Equal("503", expected.Expected);
    }

    [Fact]
    public async Task RedirectsAreNotFollowedAndReportTheirLocation()
    {
        var r = await Check(servers.Http.At("/redirect"));
        Assert.Equal((302, EndpointFailure.UnexpectedStatus), (r.StatusCode, r.Failure));
        Assert.Equal(servers.Http.At("/login").ToString(), r.RedirectLocation);
        Assert.Contains("redirects are not followed", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyPatternMatchAndMismatch()
    {
        var match = await Check(servers.Http.At("/health"), new EndpointCheckOptions { BodyPattern = EndpointCheckOptions.ParsePattern("\"STATUS\":\"ok\"") });
        Assert.True(match.Healthy);
        Assert.True(match.BodyMatched);

        var mismatch = await Check(servers.Http.At("/health"), new EndpointCheckOptions { BodyPattern = EndpointCheckOptions.ParsePattern("degraded") });
        Assert.False(mismatch.Healthy);
        Assert.Equal((false, EndpointFailure.BodyMismatch), (mismatch.BodyMatched, mismatch.Failure));

        // Only the first 64 KiB are read: a marker after 100 KiB is not seen.
        var capped = await Check(servers.Http.At("/big"), new EndpointCheckOptions { BodyPattern = EndpointCheckOptions.ParsePattern("MARKER") });
        Assert.Equal(false, capped.BodyMatched);
    }

    [Fact]
    public void MalformedPatternIsInvalidPattern()
    {
        var ex = Assert.Throws<SeekapaException>(() => EndpointCheckOptions.ParsePattern("(unclosed"));
        Assert.Equal(("InvalidPattern", FailureCategory.InvalidArgument), (ex.ErrorId, ex.Category));
        Assert.Equal("InvalidParameterCombination", Assert.Throws<SeekapaException>(() => new EndpointChecker(new EndpointCheckOptions
        {
            Method = "HEAD",
            BodyPattern = EndpointCheckOptions.ParsePattern("ok"),
        })).ErrorId);
    }

    [Theory]
    [InlineData("/relative/health")]
    [InlineData("ftp://example.com/health")]
    [InlineData("file:///etc/passwd")]
    public void InvalidUris(string text)
    {
        var ex = Assert.Throws<SeekapaException>(() => EndpointCheckOptions.ValidateUri(new Uri(text, UriKind.RelativeOrAbsolute)));
        Assert.Equal("InvalidUri", ex.ErrorId);
    }

    [Fact]
    public async Task SlowEndpointTimesOutWithinAboutTheTimeout()
    {
        var clock = Stopwatch.StartNew();
        var r = await Check(servers.Http.At("/slow?ms=10000"), new EndpointCheckOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        clock.Stop();
        Assert.Equal(EndpointFailure.Timeout, r.Failure);
        Assert.False(r.Healthy);
        Assert.Null(r.StatusCode);
        Assert.InRange(r.LatencyMs, 400, 5000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("0.5 s", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntrustedCertificateIsTlsFailureUnlessSkipped()
    {
        var r = await Check(servers.Https.At("/health"));
        Assert.Equal((false, EndpointFailure.TlsFailure), (r.Healthy, r.Failure));
        Assert.Contains("not trusted", r.Error, StringComparison.Ordinal);
        Assert.Equal("CN=localhost", r.CertificateSubject);
        Assert.InRange(r.CertificateDaysRemaining!.Value, 28, 30);

        var skipped = await Check(servers.Https.At("/health"), new EndpointCheckOptions { SkipCertificateCheck = true });
        Assert.True(skipped.Healthy, skipped.Error);
        Assert.InRange(skipped.CertificateDaysRemaining!.Value, 28, 30);
        Assert.NotNull(skipped.CertificateExpires);
        Assert.StartsWith("Tls", skipped.TlsProtocol, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredCertificateShowsNegativeDaysRemaining()
    {
        var r = await Check(servers.Expired.At("/health"), new EndpointCheckOptions { SkipCertificateCheck = true });
        Assert.True(r.Healthy, r.Error);
        Assert.True(r.CertificateDaysRemaining < 0);

        var strict = await Check(servers.Expired.At("/health"));
        Assert.Equal(EndpointFailure.TlsFailure, strict.Failure);
    }

    [Fact]
    public async Task NothingListeningIsConnectionRefused()
    {
        var r = await Check(new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/health"));
        Assert.Equal((false, EndpointFailure.ConnectionRefused), (r.Healthy, r.Failure));
        Assert.Contains("refused", r.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownHostIsDnsFailure()
    {
        var r = await Check(new Uri("http://seekapa-health-check.invalid/health"), new EndpointCheckOptions { Timeout = TimeSpan.FromSeconds(20) });
        Assert.Equal(EndpointFailure.DnsFailure, r.Failure);
        Assert.Contains("seekapa-health-check.invalid", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbortedConnectionIsConnectionReset()
    {
        var r = await Check(servers.Http.At("/reset"));
        Assert.Equal(EndpointFailure.ConnectionReset, r.Failure);
    }

    [Fact]
    public async Task HeadersAreSentButTheirValuesNeverAppear()
    {
        var options = new EndpointCheckOptions { Headers = new Dictionary<string, string> { ["X-Api-Key"] = "s3cr3t-value" } };
        Assert.True((await Check(servers.Http.At("/header"), options)).Healthy);

        var refused = await Check(new Uri($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/s3cr3t-value"), options);
        Assert.DoesNotContain("s3cr3t-value", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordsInUrisAreMasked()
    {
        var r = await Check(new Uri($"http://ops:hunter2@127.0.0.1:{LoopbackHttpServer.FreePort()}/health"));
        Assert.DoesNotContain("hunter2", r.Uri.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadMethodReadsNoBody()
    {
        var r = await Check(servers.Http.At("/head"), new EndpointCheckOptions { Method = "HEAD" });
        Assert.True(r.Healthy, r.Error);
        Assert.Equal("HEAD", r.Method);
    }

    [Fact]
    public async Task ChecksRunInParallelSoTheTotalIsAboutTheSlowest()
    {
        using var checker = new EndpointChecker(new EndpointCheckOptions());
        var uris = Enumerable.Range(0, 10).Select(i => servers.Http.At($"/slow?ms={600 + i}")).ToList();
        var clock = Stopwatch.StartNew();
        var results = new List<EndpointCheck>();
        await foreach (var r in checker.CheckAllAsync(uris, CancellationToken.None))
        {
            results.Add(r);
        }

        clock.Stop();
        Assert.Equal(10, results.Count);
        Assert.All(results, r => Assert.True(r.Healthy, r.Error));
        // Sequentially this would be over 6 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ThrottleLimitBoundsTheParallelism()
    {
        using var checker = new EndpointChecker(new EndpointCheckOptions { ThrottleLimit = 1 });
        var clock = Stopwatch.StartNew();
        var count = 0;
        await foreach (var r in checker.CheckAllAsync(Enumerable.Range(0, 3).Select(_ => servers.Http.At("/slow?ms=300")), CancellationToken.None))
        {
            Assert.True(r.Healthy);
            Assert.InRange(r.LatencyMs, 250, 5000); // the wait for a slot is not latency
            count++;
        }

        Assert.Equal(3, count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(850), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task CancellationStopsPromptly()
    {
        using var checker = new EndpointChecker(new EndpointCheckOptions { Timeout = TimeSpan.FromSeconds(60) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in checker.CheckAllAsync(Enumerable.Range(0, 40).Select(_ => servers.Http.At("/slow?ms=30000")), cts.Token))
            {
            }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }
}
