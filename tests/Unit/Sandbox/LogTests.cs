using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>pods/log over real HTTP ('unhealthy' scenario): options, the API server's and kubelet's error texts, follow.</summary>
public sealed partial class LogTests : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private const string Prod = "/api/v1/namespaces/seekapa-production/pods";
    private readonly UnhealthySandboxFixture _sandbox;
    private readonly HttpClient _http;

    public LogTests(UnhealthySandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG|FATAL) \S")]
    private static partial Regex AppLine();

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ")]
    private static partial Regex TimestampedLine();

    private static string[] Lines(string body)
    {
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        return body[..^1].Split('\n');
    }

    private async Task<string> Log(string path)
    {
        var (code, body, type) = await SandboxHttp.GetTextAsync(_http, path);
        Assert.True(code == HttpStatusCode.OK, $"{code}: {body}");
        Assert.Equal("text/plain", type);
        return body;
    }

    private async Task AssertError(string path, HttpStatusCode code, string message, HttpClient? client = null)
    {
        var (actual, body) = await SandboxHttp.GetJsonAsync(client ?? _http, path);
        Assert.Equal(code, actual);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal(message, (string?)body["message"]);
    }

    [Fact]
    public async Task TailLinesReturnsTheLastLinesEachNewlineTerminated()
    {
        var lines = Lines(await Log($"{Prod}/postgres-0/log?tailLines=5"));
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Matches(AppLine(), l));

        var zero = await Log($"{Prod}/postgres-0/log?tailLines=0");
        Assert.Equal("", zero);
    }

    [Fact]
    public async Task FullLogIsDeterministicStartsWithTheBannerAndHasTheConfiguredHistory()
    {
        var first = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log"));
        var second = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log"));
        // 200 lines of history at the sandbox start, then a couple a second while it runs.
        Assert.InRange(first.Length, 200, 200 + 2 * 120);
        Assert.Equal(first, second[..first.Length]);
        Assert.Contains("INFO  Starting backend (seekapa.azurecr.io/seekapa-backend:2.14.1)", first[0], StringComparison.Ordinal);
        Assert.All(first, l => Assert.Matches(AppLine(), l));
        var times = first.Select(l => DateTimeOffset.Parse(l[..24], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(200, times.Count(t => t < _sandbox.Server.StartedAt));
        // The container started 3d4h before the scenario's "now".
        Assert.InRange(times[0], _sandbox.Server.StartedAt.AddDays(-3).AddHours(-4).AddSeconds(-1), _sandbox.Server.StartedAt.AddDays(-3).AddHours(-4).AddSeconds(2));
        Assert.Contains(first, l => l.Contains(" INFO  GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TimestampsPrefixEachLineWithTheKubeletsNanosecondTime()
    {
        var lines = Lines(await Log($"{Prod}/postgres-0/log?tailLines=3&timestamps=true"));
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            var m = TimestampedLine().Match(line);
            Assert.True(m.Success, line);
            // The runtime's timestamp and the application's agree to the millisecond.
            Assert.Equal(m.Groups[2].Value[..23], m.Groups[1].Value[..23]);
        }
    }

    [Fact]
    public async Task SinceTimeAndSinceSecondsKeepOnlyNewerLines()
    {
        var all = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log?timestamps=true"));
        var pivot = DateTimeOffset.Parse(all[100][..30], CultureInfo.InvariantCulture);
        var since = new DateTimeOffset(pivot.Year, pivot.Month, pivot.Day, pivot.Hour, pivot.Minute, pivot.Second, TimeSpan.Zero).AddSeconds(1);
        var newer = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log?timestamps=true&sinceTime={Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}"));
        // Live lines may have been added between the two requests.
        Assert.InRange(newer.Length, 1, all.Length - 100 + 20);
        Assert.All(newer, l => Assert.True(DateTimeOffset.Parse(l[..30], CultureInfo.InvariantCulture) >= since, l));
        Assert.Contains(newer[0], all);

        var recent = await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log?timestamps=true&sinceSeconds=5");
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(-6);
        Assert.All(recent.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.True(DateTimeOffset.Parse(l[..30], CultureInfo.InvariantCulture) >= cutoff, l));

        // The kubelet applies tail first, then since.
        var tailSince = await Log($"{Prod}/backend-deployment-7c9b5d8f6b-z2v9t/log?tailLines=2&sinceTime={Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}");
        Assert.Equal(2, Lines(tailSince).Length);
    }

    [Fact]
    public async Task LimitBytesCutsTheOutput()
    {
        var body = await SandboxHttp.GetTextAsync(_http, $"{Prod}/postgres-0/log?limitBytes=100");
        Assert.Equal(HttpStatusCode.OK, body.Code);
        Assert.Equal(100, System.Text.Encoding.UTF8.GetByteCount(body.Body));
    }

    [Fact]
    public async Task PreviousReturnsTheOomKilledInstanceEndingWithMemoryWarnings()
    {
        var previous = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-q8m7n/log?previous=true"));
        Assert.EndsWith("WARN  Memory usage 97% of limit 1024Mi; request queue 512 deep, shedding load", previous[^1], StringComparison.Ordinal);
        Assert.Contains("Memory pressure high", previous[^2], StringComparison.Ordinal);
        // It ran from 3d4h ago until the OOM kill 10 minutes ago.
        var end = DateTimeOffset.Parse(previous[^1][..24], CultureInfo.InvariantCulture);
        Assert.InRange(end, _sandbox.Server.StartedAt.AddMinutes(-11), _sandbox.Server.StartedAt.AddMinutes(-10));

        var current = Lines(await Log($"{Prod}/backend-deployment-7c9b5d8f6b-q8m7n/log"));
        Assert.Contains("INFO  Starting backend", current[0], StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(current[0][..24], CultureInfo.InvariantCulture) >= _sandbox.Server.StartedAt.AddMinutes(-10).AddSeconds(-1));
        Assert.DoesNotContain(current, l => l.Contains("Memory usage 97%", StringComparison.Ordinal));

        // A crash-looping container's current log is its last (terminated) instance, like the kubelet's.
        var crashing = await Log($"{Prod}/backend-deployment-7c9b5d8f6b-x4k2p/log");
        Assert.Equal(crashing, await Log($"{Prod}/backend-deployment-7c9b5d8f6b-x4k2p/log?previous=true"));
        Assert.EndsWith("shedding load", Lines(crashing)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsReadLikeTheApiServersAndTheKubelets()
    {
        await AssertError($"{Prod}/nope/log", HttpStatusCode.NotFound, "pods \"nope\" not found");
        await AssertError("/api/v1/namespaces/monitoring/pods/prometheus-server-8d7c6b9f5d-r6v2k/log", HttpStatusCode.BadRequest,
            "a container name must be specified for pod prometheus-server-8d7c6b9f5d-r6v2k, choose one of: [prometheus-server config-reloader]");
        await AssertError($"{Prod}/postgres-0/log?container=nope", HttpStatusCode.BadRequest, "container nope is not valid for pod postgres-0");
        await AssertError($"{Prod}/postgres-0/log?previous=true", HttpStatusCode.BadRequest,
            "previous terminated container \"postgres\" in pod \"postgres-0\" not found");
        await AssertError($"{Prod}/search-indexer-5d6f8b7c9d-v8n3c/log", HttpStatusCode.BadRequest,
            "container \"search-indexer\" in pod \"search-indexer-5d6f8b7c9d-v8n3c\" is waiting to start: ContainerCreating");
        await AssertError($"{Prod}/notification-worker-9c8d6f7b5f-p4d7j/log", HttpStatusCode.BadRequest,
            "container \"notification-worker\" in pod \"notification-worker-9c8d6f7b5f-p4d7j\" is waiting to start: trying and failing to pull image");
        await AssertError($"{Prod}/postgres-0/log?tailLines=-1", (HttpStatusCode)422,
            "PodLogOptions \"postgres-0\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0");
        await AssertError($"{Prod}/postgres-0/log?sinceSeconds=0", (HttpStatusCode)422,
            "PodLogOptions \"postgres-0\" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0");

        // A pod with no node has no kubelet to ask: the API server answers with an empty log.
        var (code, body, _) = await SandboxHttp.GetTextAsync(_http, $"{Prod}/report-generator-6b9f7c8d4b-k7s5f/log");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("", body);

        // Naming the container explicitly works for multi-container pods.
        Assert.Equal(2, Lines(await Log("/api/v1/namespaces/monitoring/pods/prometheus-server-8d7c6b9f5d-r6v2k/log?container=config-reloader&tailLines=2")).Length);
    }

    [Fact]
    public async Task ViewerMayReadLogsInItsNamespaceOnly()
    {
        using var viewer = SandboxClients.Http(_sandbox.Server, _sandbox.Server.ViewerToken);
        var (code, body, _) = await SandboxHttp.GetTextAsync(viewer, $"{Prod}/postgres-0/log?tailLines=1");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Single(Lines(body));
        await AssertError("/api/v1/namespaces/monitoring/pods/grafana-7f8b9c5d6c-m9x4p/log", HttpStatusCode.Forbidden,
            "pods \"grafana-7f8b9c5d6c-m9x4p\" is forbidden: User \"viewer\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"monitoring\"", viewer);
    }

    [Fact]
    public async Task FollowStreamsNewLinesUntilTheClientLeaves()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using (var response = await _http.GetAsync($"{Prod}/postgres-0/log?follow=true&tailLines=1", HttpCompletionOption.ResponseHeadersRead, cts.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var lines = new List<string>();
            // The tail line at once, then new lines at about two a second, each flushed as it is written.
            for (var i = 0; i < 4; i++)
            {
                lines.Add(await reader.ReadLineAsync(cts.Token) ?? throw new Xunit.Sdk.XunitException("the stream ended early"));
            }
            Assert.All(lines, l => Assert.Matches(AppLine(), l));
            var times = lines.Select(l => DateTimeOffset.Parse(l[..24], CultureInfo.InvariantCulture)).ToList();
            Assert.True(times[3] > _sandbox.Server.StartedAt);
        }
        // Leaving mid-stream does not disturb the server.
        Assert.Single(Lines(await Log($"{Prod}/postgres-0/log?tailLines=1")));
    }

    [Fact]
    public async Task FollowEndsWhenThePodGoes()
    {
        var server = _sandbox.Server;
        await server.CreateAsync("pods", new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "log-follow-probe", ["namespace"] = "seekapa-production", ["labels"] = new System.Text.Json.Nodes.JsonObject { ["app"] = "log-probe" } },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "probe", ["image"] = "seekapa.azurecr.io/probe:1.0.0" }),
            },
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((string?)(await server.GetAsync("pods", "seekapa-production", "log-follow-probe"))?["status"]?["phase"] != "Running")
        {
            await Task.Delay(100, cts.Token);
        }
        using var response = await _http.GetAsync($"{Prod}/log-follow-probe/log?follow=true", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        // A container started after the sandbox: its startup banner first.
        Assert.Contains("INFO  Starting probe (seekapa.azurecr.io/probe:1.0.0)", await reader.ReadLineAsync(cts.Token), StringComparison.Ordinal);
        using (var delete = await _http.DeleteAsync($"{Prod}/log-follow-probe", cts.Token))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }
        // The stream ends by itself once the kubelet has stopped the container (well before the test's timeout).
        var rest = await reader.ReadToEndAsync(cts.Token);
        Assert.All(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches(AppLine(), l));
    }

    [Fact]
    public async Task FollowEndsAtOnceForAContainerThatIsNotRunning()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await _http.GetAsync($"{Prod}/backend-deployment-7c9b5d8f6b-x4k2p/log?follow=true&tailLines=2", cts.Token);
        Assert.Equal(2, Lines(await response.Content.ReadAsStringAsync(cts.Token)).Length);
    }

    [Fact]
    public async Task LogLinesPerContainerSetsTheHistorySize()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "healthy", LogLinesPerContainer = 2000, EnableControllers = false });
        using var http = SandboxClients.Http(server, server.AdminToken);
        var (_, body, _) = await SandboxHttp.GetTextAsync(http, $"{Prod}/postgres-0/log");
        var lines = Lines(body);
        Assert.Equal(2000, lines.Count(l => DateTimeOffset.Parse(l[..24], CultureInfo.InvariantCulture) < server.StartedAt));

        var options = Seekapa.Ops.Sandbox.Hosting.CommandLine.Parse(["--kubeconfig", "k", "--log-lines", "50", "--no-metrics"], out var error);
        Assert.Null(error);
        Assert.Equal(50, options!.LogLinesPerContainer);
        Assert.False(options.EnableMetrics);
    }
}

/// <summary>The bad deploy's crashing pods log 5xx errors and die with a FATAL line.</summary>
public sealed class BadDeployLogTests(BadDeploySandboxFixture sandbox) : IClassFixture<BadDeploySandboxFixture>
{
    private const string Prod = "/api/v1/namespaces/seekapa-production/pods";

    [Fact]
    public async Task CrashingPodsLogErrorsAndEndWithTheCrash()
    {
        using var http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
        var (code, body, _) = await SandboxHttp.GetTextAsync(http, $"{Prod}/backend-deployment-7c9b5d8f6b-x4k2p/log");
        Assert.Equal(HttpStatusCode.OK, code);
        var lines = body.TrimEnd('\n').Split('\n');
        Assert.Contains(lines, l => l.Contains(" ERROR GET /api/v1/orders 503 Service Unavailable: upstream connect error", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" ERROR Unhandled exception: NullReferenceException at OrderService.Load", StringComparison.Ordinal));
        Assert.EndsWith(" FATAL Host terminated unexpectedly: exiting with code 1", lines[^1], StringComparison.Ordinal);

        var (_, previous, _) = await SandboxHttp.GetTextAsync(http, $"{Prod}/backend-deployment-7c9b5d8f6b-x4k2p/log?previous=true&tailLines=1");
        Assert.EndsWith(" FATAL Host terminated unexpectedly: exiting with code 1\n", previous, StringComparison.Ordinal);

        // The old replicas (2.14.0) keep serving normally.
        var (_, old, _) = await SandboxHttp.GetTextAsync(http, $"{Prod}/backend-deployment-5f8c9d7b4d-h7k2m/log");
        Assert.DoesNotContain("FATAL", old, StringComparison.Ordinal);
        Assert.Contains(" INFO  GET ", old, StringComparison.Ordinal);
    }
}
