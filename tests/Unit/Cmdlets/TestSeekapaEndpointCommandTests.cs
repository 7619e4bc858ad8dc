using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Seekapa.Ops.PowerShell.Cmdlets.Integrations;
using Seekapa.Ops.Tests.Endpoints;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class TestSeekapaEndpointCommandTests(LoopbackServers servers) : IClassFixture<LoopbackServers>, IDisposable
{
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["http"] = servers.Http.BaseAddress.ToString().TrimEnd('/'),
        ["https"] = servers.Https.BaseAddress.ToString().TrimEnd('/'),
        ["refused"] = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}",
    });

    private static List<EndpointCheck> Checks(CmdletHost.Result r) => r.Output.Select(o => o.BaseObject).OfType<EndpointCheck>().ToList();

    [Fact]
    public void NetworkFailuresAreResultsAndInvalidInputIsAnErrorPerItem()
    {
        var result = Run("""
            "$http/health", "$http/fail", "$https/health", "$refused/health", 'relative/health', 'ftp://x/health' |
                Test-SeekapaEndpoint -Timeout 5
            """);
        var checks = Checks(result).ToDictionary(c => c.Uri.AbsolutePath + "|" + c.Uri.Port);
        Assert.Equal(4, checks.Count);
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("InvalidUri,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        var byFailure = Checks(result).ToLookup(c => c.Failure);
        Assert.True(Assert.Single(byFailure[EndpointFailure.None]).Healthy);
        Assert.Equal(503, Assert.Single(byFailure[EndpointFailure.UnexpectedStatus]).StatusCode);
        Assert.Single(byFailure[EndpointFailure.TlsFailure]);
        Assert.Single(byFailure[EndpointFailure.ConnectionRefused]);
        Assert.Equal("Seekapa.Ops.EndpointCheck", result.Output[0].TypeNames[0]);
    }

    [Fact]
    public void OptionsBind()
    {
        var r = Checks(Run("Test-SeekapaEndpoint \"$https/health\" -SkipCertificateCheck -BodyPattern 'status.:.ok' -ExpectedStatus 200,204 -Timeout 3"));
        var check = Assert.Single(r);
        Assert.True(check.Healthy, check.Error);
        Assert.Equal((true, "200,204"), (check.BodyMatched!.Value, check.Expected));

        var header = Assert.Single(Checks(Run("Test-SeekapaEndpoint \"$http/header\" -Header @{ 'X-Api-Key' = 's3cr3t-value' } -Verbose 4>&1")));
        Assert.True(header.Healthy);

        var head = Assert.Single(Checks(Run("Test-SeekapaEndpoint \"$http/head\" -Method HEAD")));
        Assert.Equal("HEAD", head.Method);

        var timeout = Assert.Single(Checks(Run("Test-SeekapaEndpoint \"$http/slow?ms=5000\" -Timeout 0.3")));
        Assert.Equal(EndpointFailure.Timeout, timeout.Failure);
    }

    [Fact]
    public void MalformedPatternStopsBeforeAnyCall()
    {
        var result = Run("Test-SeekapaEndpoint \"$http/health\" -BodyPattern '(unclosed'; 'after'");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidPattern,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(Checks(result));
    }

    [Fact]
    public void ManyUrisRunInParallel()
    {
        var clock = Stopwatch.StartNew();
        var result = Run("1..12 | ForEach-Object { \"$http/slow?ms=$(500 + $_)\" } | Test-SeekapaEndpoint");
        clock.Stop();
        Assert.Equal(12, Checks(result).Count(c => c.Healthy));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}"); // sequential: over 6 s
    }

    [Fact]
    public void StopEndsTheCommandPromptly()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Test-SeekapaEndpoint", typeof(TestSeekapaEndpointCommand), null));
        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Test-SeekapaEndpoint").AddParameter("Uri", Enumerable.Range(0, 20).Select(_ => servers.Http.At("/slow?ms=30000")).ToArray())
            .AddParameter("Timeout", TimeSpan.FromSeconds(60));
        var pending = ps.BeginInvoke();
        Thread.Sleep(300);
        var clock = Stopwatch.StartNew();
        ps.Stop();
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(pending));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed}");
    }

    public void Dispose() => _host.Dispose();
}
