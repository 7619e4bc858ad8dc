using System.Globalization;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The real kubectl's diagnostics against the sandbox ('unhealthy'): logs, events, top.</summary>
public sealed class KubectlDiagnosticsTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    // kubectl's tabwriter pads the last column too.
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private async Task<KubectlResult> Ok(params string[] args)
    {
        var r = await sandbox.Kubectl(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    [Fact]
    public async Task LogsTail()
    {
        var r = await Ok("logs", "postgres-0", "--tail=5");
        var lines = Lines(r.Stdout);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR|DEBUG) ", l));
    }

    [Fact]
    public async Task LogsBySelectorWithPrefix()
    {
        var r = await Ok("logs", "-l", "app=backend", "--prefix", "--tail=3", "-n", "seekapa-production");
        var lines = Lines(r.Stdout);
        var pods = lines.Select(l => l[..l.IndexOf(']', StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "[pod/backend-deployment-5f8c9d7b4d-m2x8k/backend", "[pod/backend-deployment-7c9b5d8f6b-q8m7n/backend",
            "[pod/backend-deployment-7c9b5d8f6b-x4k2p/backend", "[pod/backend-deployment-7c9b5d8f6b-z2v9t/backend",
        ], pods);
        Assert.Equal(12, lines.Length);
    }

    [Fact]
    public async Task LogsPrevious()
    {
        var r = await Ok("logs", "backend-deployment-7c9b5d8f6b-q8m7n", "--previous");
        Assert.EndsWith("WARN  Memory usage 97% of limit 1024Mi; request queue 512 deep, shedding load", Lines(r.Stdout)[^1], StringComparison.Ordinal);

        var none = await sandbox.Kubectl("logs", "postgres-0", "--previous");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("previous terminated container \"postgres\" in pod \"postgres-0\" not found", none.Stderr, StringComparison.Ordinal);

        var waiting = await sandbox.Kubectl("logs", "search-indexer-5d6f8b7c9d-v8n3c");
        Assert.NotEqual(0, waiting.ExitCode);
        Assert.Contains("is waiting to start: ContainerCreating", waiting.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsFollowStreamsUntilStopped()
    {
        using var process = Kubectl.Start(sandbox.Server, sandbox.CacheDir, ["logs", "-f", "postgres-0", "--tail=1"]);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var lines = new List<string>();
            while (lines.Count < 4)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                           ?? throw new Xunit.Sdk.XunitException($"kubectl logs -f ended: {await process.StandardError.ReadToEndAsync()}");
                lines.Add(line);
            }
            // One line of history, then lines the container prints after the sandbox started.
            Assert.True(DateTimeOffset.Parse(lines[^1][..24], CultureInfo.InvariantCulture) > sandbox.Server.StartedAt);
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task GetEventsAllNamespaces()
    {
        var r = await Ok("get", "events", "-A");
        var lines = Lines(r.Stdout);
        Assert.Matches(@"^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$", lines[0]);
        var oom = lines.Single(l => l.Contains(" OOMKilling ", StringComparison.Ordinal));
        Assert.Matches(@"^default\s+3m(\d+s)?\s+Warning\s+OOMKilling\s+node/aks-nodepool1-31718369-vmss000000\s+Memory cgroup out of memory: Killed process 41234 \(dotnet\)", oom);
        var systemOom = lines.Single(l => l.Contains(" SystemOOM ", StringComparison.Ordinal));
        Assert.Matches(@"^default\s+3m(\d+s)?\s+Warning\s+SystemOOM\s+node/aks-nodepool1-31718369-vmss000000\s+System OOM encountered", systemOom);
        Assert.Contains(lines, l => Regex(l, @"^seekapa-production\s+\S+\s+Warning\s+FailedScheduling\s+pod/report-generator-6b9f7c8d4b-k7s5f\s+0/3 nodes are available"));
        Assert.Contains(lines, l => Regex(l, @"^seekapa-production\s+\S+\s+Warning\s+Unhealthy\s+pod/backend-deployment-7c9b5d8f6b-x4k2p\s+Readiness probe failed: HTTP probe failed with statuscode: 503$"));
        Assert.Contains(lines, l => Regex(l, @"^seekapa-production\s+\S+\s+Normal\s+Scheduled\s+pod/search-indexer-5d6f8b7c9d-v8n3c\s+Successfully assigned"));

        var wide = await Ok("get", "events", "-n", "default", "-o", "wide");
        Assert.Matches(@"^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$", Lines(wide.Stdout)[0]);
    }

    private static bool Regex(string input, string pattern) => System.Text.RegularExpressions.Regex.IsMatch(input, pattern);

    [Fact]
    public async Task TopPodsInANamespace()
    {
        var r = await Ok("top", "pods", "-n", "seekapa-production");
        var lines = Lines(r.Stdout);
        Assert.Matches(@"^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$", lines[0]);
        // kubectl computes millicores (rounded up) and Mi (rounded down) from metrics-server's n and Ki.
        Assert.Equal(["backend-deployment-7c9b5d8f6b-q8m7n", "712m", "1003Mi"], Cells(lines.Single(l => l.StartsWith("backend-deployment-7c9b5d8f6b-q8m7n ", StringComparison.Ordinal))));
        Assert.Contains(lines, l => l.StartsWith("postgres-0 ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("backend-deployment-7c9b5d8f6b-x4k2p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TopPodsAllNamespacesSortedByMemory()
    {
        var r = await Ok("top", "pods", "-A", "--sort-by=memory");
        var lines = Lines(r.Stdout);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$", lines[0]);
        var rows = lines.Skip(1).Select(Cells).ToList();
        Assert.Contains(rows, c => c[0] == "kube-system");
        var memory = rows.Select(c => long.Parse(c[3].TrimEnd('M', 'i'), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(memory.OrderDescending(), memory);
    }

    [Fact]
    public async Task TopWithoutMetricsSaysTheApiIsNotAvailable()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "healthy", EnableMetrics = false, EnableControllers = false });
        var cache = Directory.CreateTempSubdirectory("seekapa-kubectl-cache-").FullName;
        try
        {
            var r = await Kubectl.RunAsync(server, cache, "top", "pods");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("error: Metrics API not available", r.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
