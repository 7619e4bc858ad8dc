using System.Diagnostics;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Http;

/// <summary>The retrying handler inside the real KubernetesClient, against the sandbox's injected faults.</summary>
public sealed class RetryingHandlerTests : IClassFixture<UnhealthySandbox>
{
    private readonly UnhealthySandbox _sandbox;

    public RetryingHandlerTests(UnhealthySandbox sandbox)
    {
        _sandbox = sandbox;
        _sandbox.Server.Faults.Clear();
    }

    private (ClusterSession Session, List<string> Retries) Open(RetryPolicy? policy = null)
    {
        var session = ClusterSession.Open(new ClusterTarget(_sandbox.Kubeconfig), policy ?? RetryPolicy.Default with { BaseDelay = TimeSpan.FromMilliseconds(20) });
        var retries = new List<string>();
        session.Handler.Retrying += (attempt, reason, delay) => { lock (retries) { retries.Add($"{attempt}:{reason}:{delay.TotalMilliseconds:0}"); } };
        return (session, retries);
    }

    [Fact]
    public async Task ThrottlingIsRetriedAfterTheServersRetryAfter()
    {
        var (session, retries) = Open();
        using var _ = session;
        _sandbox.Server.Faults.Throttle(2, TimeSpan.FromSeconds(1), pathPrefix: "/version");
        var clock = Stopwatch.StartNew();
        var version = await session.VerifyAsync(CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(version));
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Contains("429", r, StringComparison.Ordinal));
        Assert.All(retries, r => Assert.EndsWith(":1000", r, StringComparison.Ordinal));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"honoured Retry-After twice, took {clock.Elapsed}");
    }

    [Fact]
    public async Task ServerErrorsOnReadsAreRetriedAndDroppedConnectionsToo()
    {
        var (session, retries) = Open();
        using var _ = session;
        _sandbox.Server.Faults.Respond(503, count: 1, pathPrefix: "/version");
        _sandbox.Server.Faults.DropConnections(count: 1, pathPrefix: "/version");
        await session.VerifyAsync(CancellationToken.None);
        Assert.Equal(2, retries.Count);
        Assert.StartsWith("1:503", retries[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttemptsAreBoundedAndTheLastAnswerIsReported()
    {
        var (session, retries) = Open();
        using var _ = session;
        _sandbox.Server.Faults.Respond(500, count: 10, pathPrefix: "/version");
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None));
        Assert.Equal("ClusterError", ex.ErrorId);
        Assert.Equal(RetryPolicy.Default.MaxAttempts - 1, retries.Count);
        _sandbox.Server.Faults.Clear();
    }

    [Fact]
    public async Task ASlowServerIsATimeoutNotAHang()
    {
        var (session, _) = Open(RetryPolicy.Default with { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var s = session;
        _sandbox.Server.Faults.Delay(TimeSpan.FromSeconds(5), count: 1, pathPrefix: "/version");
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None));
        Assert.Equal("ClusterUnreachable", ex.ErrorId);
        Assert.Equal(FailureCategory.ConnectionError, ex.Category);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"gave up after the timeout, took {clock.Elapsed}");
    }

    [Fact]
    public async Task CancellationStopsARetryLoop()
    {
        var (session, _) = Open();
        using var s = session;
        _sandbox.Server.Faults.Throttle(5, TimeSpan.FromSeconds(20), pathPrefix: "/version");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.VerifyAsync(cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"stopped promptly, took {clock.Elapsed}");
        _sandbox.Server.Faults.Clear();
    }
}
