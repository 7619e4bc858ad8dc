using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>The 'bad-deploy' scenario, left as staged (nothing here changes it), plus a private kubectl cache.</summary>
public sealed class PodLogSandbox : IAsyncLifetime
{
    public const string Ns = "seekapa-production";

    /// <summary>The two pods of revision 3, crash-looping (waiting, with a terminated previous instance).</summary>
    public static readonly string[] Crashing = { "backend-deployment-7c9b5d8f6b-q8m7n", "backend-deployment-7c9b5d8f6b-x4k2p" };

    /// <summary>The two running pods of revision 2 (no restarts).</summary>
    public static readonly string[] Running = { "backend-deployment-5f8c9d7b4d-h7k2m", "backend-deployment-5f8c9d7b4d-w3n6r" };

    public SandboxServer Server { get; private set; } = null!;

    public string Kubeconfig => Server.KubeconfigPath;

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("seekapa-kubectl-podlog-").FullName;

    public ClusterSession Open(string? context = null) => ClusterSession.Open(new ClusterTarget(Kubeconfig, context, Ns));

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bad-deploy" });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(CacheDir, recursive: true);
    }

    public Task<KubectlResult> Kubectl(params string[] args) => Sandbox.Kubectl.RunAsync(Server, CacheDir, args);
}

public sealed class PodLogSandboxTests(PodLogSandbox sandbox) : IClassFixture<PodLogSandbox>
{
    private async Task<(List<LogLine> Lines, List<SeekapaException> Errors)> Read(PodLogQuery query, PodLogOptions options)
    {
        using var session = sandbox.Open();
        var plan = await new PodLogTargetResolver(session).ResolveAsync(query, CancellationToken.None);
        var lines = new List<LogLine>();
        var errors = plan.Errors.ToList();
        await foreach (var entry in new PodLogReader(new KubernetesPodLogSource(session)).ReadAsync(plan.Streams, options, CancellationToken.None))
        {
            if (entry.Error is { } error)
            {
                errors.Add(error);
            }
            else
            {
                lines.Add(entry.Line!);
            }
        }

        return (lines, errors);
    }

    private static PodLogQuery BySelector(string selector) => new() { Selector = LabelSelector.Parse(selector), Namespace = PodLogSandbox.Ns };

    [Fact]
    public async Task ASelectorReadsEveryMatchingPodInOrder()
    {
        var (lines, errors) = await Read(BySelector("app=backend"), new PodLogOptions { Tail = 5 });
        Assert.Empty(errors);
        var pods = PodLogSandbox.Running.Concat(PodLogSandbox.Crashing).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(pods, lines.Select(l => l.Pod).Distinct());
        Assert.All(pods, p => Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, lines.Where(l => l.Pod == p).Select(l => l.LineNumber)));
        Assert.All(lines, l => Assert.Equal(("seekapa-production", "backend"), (l.Namespace, l.Container)));
        Assert.All(lines, l => Assert.NotNull(l.Timestamp));
        // The kubelet's prefix (nanoseconds) is stripped; the application's own timestamp (milliseconds) stays in the text.
        Assert.All(lines, l => Assert.DoesNotMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", l.Line));
    }

    [Fact]
    public async Task ADeploymentReadsThePodsOfAllItsReplicaSets()
    {
        var (lines, errors) = await Read(new PodLogQuery { Deployment = "backend-deployment", Namespace = PodLogSandbox.Ns }, new PodLogOptions { Tail = 1 });
        Assert.Empty(errors);
        Assert.Equal(PodLogSandbox.Running.Concat(PodLogSandbox.Crashing).OrderBy(p => p, StringComparer.Ordinal), lines.Select(l => l.Pod));

        var missing = await Assert.ThrowsAsync<SeekapaException>(() =>
            Read(new PodLogQuery { Deployment = "no-such-deployment", Namespace = PodLogSandbox.Ns }, new PodLogOptions()));
        Assert.Equal("DeploymentNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task PreviousReadsTheCrashedInstancesAndAPodWithoutOneErrorsWhileTheOthersContinue()
    {
        var (lines, errors) = await Read(BySelector("app=backend"), new PodLogOptions { Previous = true, Tail = 3 });
        Assert.Equal(PodLogSandbox.Crashing, lines.Select(l => l.Pod).Distinct());
        Assert.Equal(6, lines.Count);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.Equal("LogsUnavailable", e.ErrorId);
            Assert.Contains("previous terminated container \"backend\" in pod", e.Message, StringComparison.Ordinal);
        });
        Assert.Equal(PodLogSandbox.Running.Select(p => $"{PodLogSandbox.Ns}/{p}/backend"), errors.Select(e => e.Target));
    }

    [Fact]
    public async Task ContainerWildcardsSelectAndAnExplicitMissingContainerIsContainerNotFound()
    {
        var all = await Read(BySelector("app=backend"), new PodLogOptions { Tail = 1 });
        var (wild, none) = await Read(BySelector("app=backend") with { Containers = new[] { "back*" } }, new PodLogOptions { Tail = 1 });
        Assert.Empty(none);
        Assert.Equal(all.Lines.Select(l => (l.Pod, l.Container)), wild.Select(l => (l.Pod, l.Container)));

        var (silent, noErrors) = await Read(BySelector("app=backend") with { Containers = new[] { "side*" } }, new PodLogOptions());
        Assert.Empty(silent);
        Assert.Empty(noErrors);

        var (nothing, errors) = await Read(BySelector("app=backend") with { Containers = new[] { "sidecar" } }, new PodLogOptions());
        Assert.Empty(nothing);
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Equal("ContainerNotFound", e.ErrorId));
    }

    [Fact]
    public async Task PatternFindsTheErrorsAnd5xxOfTheCrashingPods()
    {
        var pattern = PodLogOptions.CompilePattern(@"ERROR|5\d\d");
        var (lines, errors) = await Read(BySelector("app=backend"), new PodLogOptions { Pattern = pattern });
        Assert.Empty(errors);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(pattern!, l.Line));
        Assert.Contains(lines, l => PodLogSandbox.Crashing.Contains(l.Pod) && l.Line.Contains("ERROR", StringComparison.Ordinal));

        // Line numbers locate the matches in the full log.
        var (full, _) = await Read(BySelector("app=backend"), new PodLogOptions());
        foreach (var match in lines.Take(20))
        {
            var same = full.Where(l => l.Pod == match.Pod && l.LineNumber == match.LineNumber).ToList();
            Assert.Equal(match.Line, Assert.Single(same).Line);
        }
    }

    [Fact]
    public async Task NamedPodsWithAMissingOneAndWildcards()
    {
        var names = new[] { new PodLogName(PodLogSandbox.Ns, "no-such-pod"), new PodLogName(PodLogSandbox.Ns, PodLogSandbox.Running[0]),
            new PodLogName(PodLogSandbox.Ns, "postgres-read-*"), new PodLogName(PodLogSandbox.Ns, "nothing-*") };
        var (lines, errors) = await Read(new PodLogQuery { Names = names }, new PodLogOptions { Tail = 2 });
        var error = Assert.Single(errors);
        Assert.Equal(("PodNotFound", "seekapa-production/no-such-pod"), (error.ErrorId, error.Target));
        Assert.Equal(new[] { PodLogSandbox.Running[0], "postgres-read-0", "postgres-read-1" }, lines.Select(l => l.Pod).Distinct());
    }

    [Fact]
    public async Task FollowReceivesNewLinesThenStopsAtTheTimeout()
    {
        using var session = sandbox.Open();
        var reader = new PodLogReader(new KubernetesPodLogSource(session));
        var streams = PodLogSandbox.Running.Select(p => new PodLogStream(PodLogSandbox.Ns, p, "backend")).ToList();
        var started = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lines = new List<LogLine>();
        await foreach (var entry in reader.ReadAsync(streams, new PodLogOptions { Follow = true, Tail = 0, Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None))
        {
            Assert.Null(entry.Error);
            lines.Add(entry.Line!);
        }

        Assert.True(reader.TimedOut);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.8), TimeSpan.FromSeconds(6));
        // Two lines a second per running container: new lines from both pods, all written after the follow began.
        Assert.Equal(PodLogSandbox.Running, lines.Select(l => l.Pod).Distinct().OrderBy(p => p, StringComparer.Ordinal));
        Assert.InRange(lines.Count, 6, 16);
        Assert.All(lines, l => Assert.True(l.Timestamp >= started.AddSeconds(-1), $"{l.Timestamp} is older than the follow"));
        foreach (var pod in PodLogSandbox.Running)
        {
            var numbers = lines.Where(l => l.Pod == pod).Select(l => l.LineNumber).ToList();
            Assert.Equal(Enumerable.Range(1, numbers.Count).Select(i => (long)i), numbers);
        }
    }

    [Fact]
    public async Task TheSameLinesAsKubectlLogsWithASelectorAndPrefix()
    {
        // Running containers print two lines a second, so kubectl's tail window is compared with ours taken just before
        // and just after it: it must lie within their union, with the same count. The crashed containers' logs are static.
        var (before, _) = await Read(BySelector("app=backend"), new PodLogOptions { Tail = 20 });
        var kubectl = await sandbox.Kubectl("logs", "-l", "app=backend", "--tail=20", "--prefix", "-n", PodLogSandbox.Ns, "--max-log-requests", "10");
        var (after, _) = await Read(BySelector("app=backend"), new PodLogOptions { Tail = 20 });
        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
        var theirs = kubectl.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal(80, theirs.Count);
        Assert.Equal(before.Count, theirs.Count);
        var ours = before.Concat(after).Select(l => l.ToString()).ToHashSet(StringComparer.Ordinal);
        Assert.All(theirs, line => Assert.Contains(line, ours));
        Assert.Equal(theirs.Where(l => PodLogSandbox.Crashing.Any(p => l.StartsWith($"[pod/{p}/", StringComparison.Ordinal))).ToHashSet(),
            before.Where(l => PodLogSandbox.Crashing.Contains(l.Pod)).Select(l => l.ToString()).ToHashSet());
    }

    [Fact]
    public async Task TheSameLinesAsKubectlForThePreviousInstanceWithTimestamps()
    {
        var pod = PodLogSandbox.Crashing[0];
        var kubectl = await sandbox.Kubectl("logs", pod, "-n", PodLogSandbox.Ns, "--previous", "--timestamps");
        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
        var (ours, errors) = await Read(new PodLogQuery { Names = new[] { new PodLogName(PodLogSandbox.Ns, pod) } },
            new PodLogOptions { Previous = true, Timestamps = true });
        Assert.Empty(errors);
        Assert.Equal(kubectl.Stdout.Split('\n').SkipLast(1), ours.Select(l => l.Line));
    }
}
