using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Triage;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Endpoints;
using Seekapa.Ops.Tests.Fixtures;
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

public sealed class ErrorRateTriageRulesTests
{
    private static readonly Uri Prometheus = new("http://ops:s3cret@prometheus:9090/");

    private static PrometheusSample Sample(double value, params (string, string)[] labels) =>
        new() { Value = value, Labels = labels.ToDictionary(l => l.Item1, l => l.Item2) };

    [Theory]
    [InlineData(0.95, "SEV-1")]
    [InlineData(0.12, "SEV-2")]
    [InlineData(0.02, "SEV-3")]
    public void TheRatioSetsTheSeverity(double ratio, string severity)
    {
        var finding = Assert.Single(ServiceTriageRules.ErrorRateFindings(new[] { Sample(ratio) }, "q", Prometheus));
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(RunbookSections.ErrorSpike, finding.RunbookSection);
        Assert.DoesNotContain("s3cret", finding.Target + finding.Evidence + finding.NextStep, StringComparison.Ordinal);
        Assert.Equal("Invoke-SeekapaPrometheusQuery 'q' -Endpoint http://prometheus:9090 -Since 1h", finding.NextStep);
    }

    [Fact]
    public void LowRatiosAndNoTrafficSayNothingAndSeriesAreNamed()
    {
        var findings = ServiceTriageRules.ErrorRateFindings(
            new[] { Sample(0.001), Sample(double.NaN), Sample(0.3, ("service", "backend")) }, "q", Prometheus);
        var finding = Assert.Single(findings);
        Assert.Equal("http://prometheus:9090 {service=\"backend\"}", finding.Target);
        Assert.StartsWith("5xx error ratio 30.0% {service=\"backend\"}", finding.Evidence, StringComparison.Ordinal);
    }
}

public sealed class PrometheusTriageCmdletTests(HealthyTriageSandbox sandbox) : IClassFixture<HealthyTriageSandbox>, IDisposable
{
    private readonly CmdletHost _host = new();

    private List<Finding> Triage(string query, out IReadOnlyList<System.Management.Automation.ErrorRecord> errors)
    {
        var result = _host.Invoke("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Check Prometheus -PrometheusUrl $url -ErrorRateQuery $q",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath, ["url"] = PrometheusServer.Shared.Url, ["q"] = query });
        errors = result.Errors;
        return result.Output.Select(o => o.BaseObject).OfType<Finding>().ToList();
    }

    [Fact]
    public void ARealPrometheusAnswerBecomesAFinding()
    {
        // A real server evaluates the PromQL; vector() gives a known ratio without depending on scraped traffic.
        var finding = Assert.Single(Triage("vector(0.12)", out var errors));
        Assert.Empty(errors);
        Assert.Equal(("Prometheus", "SEV-2"), (finding.Check, finding.Severity));
        Assert.Contains("12.0%", finding.Evidence, StringComparison.Ordinal);

        Assert.Empty(Triage("vector(0)", out _));
    }

    [Fact]
    public void BadPromQlIsAnInfoFindingNotACrash()
    {
        var finding = Assert.Single(Triage("sum(rate(", out var errors));
        Assert.Empty(errors);
        Assert.Equal(("Prometheus", "Info"), (finding.Check, finding.Severity));
        Assert.Contains("PrometheusQueryFailed", finding.Evidence, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class DatabaseTriageTests(PostgresServer server) : Database.DatabaseCmdletTest(server)
{
    [Fact]
    public async Task LongRunningQueriesOnARealServerAreAFindingWithTheStopCommand()
    {
        ConnectAsSuperuser();
        await using var old = await Database.BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await Database.Waits.QueryAgeAsync(Server, old.Pid, TimeSpan.FromSeconds(2));
        using var sandbox = new TempSandbox();
        await sandbox.StartAsync();

        var result = Run("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Check Database -LongQueryThreshold 2s",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server!.KubeconfigPath }).NoErrors();

        var finding = Assert.Single(result.Objects<Finding>());
        Assert.Equal(("Database", "SEV-3", $"127.0.0.1:{Server.Port}/postgres"), (finding.Check, finding.Severity, finding.Target));
        Assert.Contains($"longest pid {old.Pid} (postgres, Active)", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal("Get-SeekapaDatabaseActivity -MinDuration 00:00:02 | Stop-SeekapaDatabaseQuery -WhatIf", finding.NextStep);
        Assert.True(await Database.BackgroundQuery.AliveAsync(Server, old.Pid)); // triage only reads
        Assert.DoesNotContain(Server.Password, result.AllText(Shell), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutADatabaseConnectionThereIsNoDatabaseCheck()
    {
        using var shell = new Database.DatabaseShell();
        using var sandbox = new TempSandbox();
        await sandbox.StartAsync();
        var result = shell.Invoke("Invoke-SeekapaTriage -AllNamespaces -Kubeconfig $kc -Check Database",
            new Dictionary<string, object?> { ["kc"] = sandbox.Server!.KubeconfigPath }).NoErrors();
        Assert.Empty(result.Objects<Finding>());
    }

    private sealed class TempSandbox : IDisposable
    {
        public Seekapa.Ops.Sandbox.SandboxServer? Server { get; private set; }

        public async Task StartAsync() =>
            Server = await Seekapa.Ops.Sandbox.SandboxServer.StartAsync(new Seekapa.Ops.Sandbox.SandboxOptions { Scenario = "healthy" });

        public void Dispose() => Server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

public sealed class DatabaseTriageRulesTests
{
    private static DatabaseActivitySummary Summary(int total, int usable) => new()
    {
        Total = total, UsableConnections = usable, MaxConnections = usable + 3, ReservedConnections = 3,
        PercentUsed = 100.0 * total / usable, Active = total,
    };

    private static DatabaseActivitySnapshot Snapshot(params DatabaseActivity[] sessions) =>
        new(sessions, 1, "postgres", Array.Empty<HiddenSession>(), DateTimeOffset.UtcNow);

    [Theory]
    [InlineData(95, "SEV-2")]
    [InlineData(80, "SEV-3")]
    public void ConnectionSaturation(int used, string severity)
    {
        var finding = Assert.Single(ServiceTriageRules.DatabaseFindings(Snapshot(), Summary(used, 100), "db", TimeSpan.FromMinutes(10)));
        Assert.Equal((severity, RunbookSections.DatabaseConnectionErrors), (finding.Severity, finding.RunbookSection));
        Assert.StartsWith($"{used} of 100 usable connections in use", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void IdleSessionsAreNeverLongRunningAndLockWaitsAreNamed()
    {
        var findings = ServiceTriageRules.DatabaseFindings(Snapshot(
                new DatabaseActivity { Pid = 7, State = DatabaseSessionState.Idle, QueryDuration = TimeSpan.FromHours(3) },
                new DatabaseActivity { Pid = 8, State = DatabaseSessionState.Active, QueryDuration = TimeSpan.FromSeconds(5), BlockedBy = new[] { 9 } }),
            Summary(10, 100), "db", TimeSpan.FromMinutes(10));

        var finding = Assert.Single(findings);
        Assert.Equal("1 session(s) waiting on locks held by pid 9", finding.Evidence);
        Assert.Equal("Get-SeekapaDatabaseActivity -Blocking", finding.NextStep);
    }
}
