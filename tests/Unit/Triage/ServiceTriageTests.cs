using Seekapa.Ops.Core.Triage;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Endpoints;
using Xunit;

namespace Seekapa.Ops.Tests.Triage;

public sealed class EndpointTriageRulesTests
{
    private static EndpointCheck Check(string url, bool healthy, int? status = 200, double ms = 20, EndpointFailure failure = EndpointFailure.None) => new()
    {
        Uri = new Uri(url), Healthy = healthy, StatusCode = status, ReasonPhrase = status == 503 ? "Service Unavailable" : "OK",
        LatencyMs = ms, Failure = failure, Error = failure == EndpointFailure.ConnectionRefused ? "Connection refused" : null,
    };

    [Fact]
    public void AllEndpointsDownIsACompleteOutage()
    {
        var findings = ServiceTriageRules.EndpointFindings(new[]
        {
            Check("https://api.seekapa.com/health", false, 503, failure: EndpointFailure.UnexpectedStatus),
            Check("https://app.seekapa.com/health", false, null, failure: EndpointFailure.ConnectionRefused),
        });

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("SEV-1", f.Severity));
        var api = Assert.Single(findings, f => f.Target == "https://api.seekapa.com/health");
        Assert.Equal("GET https://api.seekapa.com/health: 503 Service Unavailable in 20 ms (expected 2xx); all 2 health endpoints fail", api.Evidence);
        Assert.Equal("Test-SeekapaEndpoint https://api.seekapa.com/health", api.NextStep);
        Assert.Contains("ConnectionRefused: Connection refused", findings.Single(f => f.Target.StartsWith("https://app", StringComparison.Ordinal)).Evidence);
    }

    [Fact]
    public void OneOfTwoDownIsMajorDegradationAndASlowOneIsMinor()
    {
        var findings = ServiceTriageRules.EndpointFindings(new[]
        {
            Check("https://api.seekapa.com/health", false, 503, failure: EndpointFailure.UnexpectedStatus),
            Check("https://app.seekapa.com/health", true, 200, ms: 2500),
        });

        Assert.Equal("SEV-2", findings.Single(f => f.Target.StartsWith("https://api", StringComparison.Ordinal)).Severity);
        var slow = findings.Single(f => f.Target.StartsWith("https://app", StringComparison.Ordinal));
        Assert.Equal(("SEV-3", RunbookSections.HighApiLatency), (slow.Severity, slow.RunbookSection));
    }

    [Fact]
    public void HealthyFastEndpointsSayNothing() =>
        Assert.Empty(ServiceTriageRules.EndpointFindings(new[] { Check("https://api.seekapa.com/health", true) }));
}

public sealed class EndpointTriageCmdletTests(HealthyTriageSandbox sandbox) : IClassFixture<HealthyTriageSandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    [Fact]
    public async Task FailingHealthEndpointIsAFindingBesideTheClusterChecks()
    {
        await using var web = await LoopbackHttpServer.StartAsync();
        var result = _host.Invoke("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Endpoint $ok, $fail",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath, ["ok"] = web.At("/health"), ["fail"] = web.At("/fail") });

        Assert.Empty(result.Errors);
        var findings = result.Output.Select(o => o.BaseObject).OfType<Finding>().ToList();
        var endpoint = Assert.Single(findings, f => f.Check == "Endpoints");
        Assert.Equal(web.At("/fail").ToString(), endpoint.Target);
        Assert.Equal("SEV-2", endpoint.Severity);
        Assert.Same(endpoint, findings[0]); // the healthy cluster has nothing more severe
    }

    [Fact]
    public void CheckSelectionSkipsTheEndpointsAndABadUrlChangesNothing()
    {
        var only = _host.Invoke("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Endpoint http://127.0.0.1:1/health -Check Pods",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath });
        Assert.DoesNotContain(only.Output.Select(o => o.BaseObject).OfType<Finding>(), f => f.Check == "Endpoints");

        var bad = _host.Invoke("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Endpoint ftp://example.com/health",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath });
        Assert.Equal("InvalidUri", Assert.Single(bad.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(bad.Output.Select(o => o.BaseObject).OfType<Finding>());
    }

    public void Dispose() => _host.Dispose();
}
