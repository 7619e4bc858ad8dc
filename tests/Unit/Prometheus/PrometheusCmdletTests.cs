using System.Management.Automation;
using System.Net;
using System.Text;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Prometheus;

/// <summary>Invoke-SeekapaPrometheusQuery against a real prometheus scraping itself, and a loopback proxy for auth and warnings.</summary>
public sealed class PrometheusCmdletTests : IAsyncLifetime, IDisposable
{
    private const string Token = "tok-8c1e55aa90";
    private readonly CmdletHost _host = new();
    private PrometheusLoopback _fake = null!;

    private static PrometheusServer Server => PrometheusServer.Shared;

    public async Task InitializeAsync() => _fake = await PrometheusLoopback.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private CmdletHost.Result Run(string script) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["url"] = Server.Url,
        ["fake"] = _fake.Url,
        ["token"] = new NetworkCredential(string.Empty, Token).SecurePassword,
        ["cred"] = new PSCredential("grafana", new NetworkCredential(string.Empty, "Pw-basic-77e1").SecurePassword),
        ["refused"] = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}"),
    });

    private static List<PrometheusSample> Samples(CmdletHost.Result result) => result.Output.Select(o => o.BaseObject).OfType<PrometheusSample>().ToList();

    private static string FirstId(CmdletHost.Result result) => Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void AnInstantQueryGivesTypedSamplesWithTheLabelsAsProperties()
    {
        var result = Run("Invoke-SeekapaPrometheusQuery up -Endpoint $url");

        Assert.Empty(result.Errors);
        var wrapped = Assert.Single(result.Output);
        Assert.Equal("Seekapa.Ops.PrometheusSample", wrapped.TypeNames[0]);
        var sample = (PrometheusSample)wrapped.BaseObject;
        Assert.Equal(("up", 1.0, PrometheusResultType.Vector), (sample.Metric, sample.Value, sample.ResultType));
        Assert.Equal("prometheus", wrapped.Properties["job"].Value);
        Assert.Equal(Server.Url.Authority, wrapped.Properties["instance"].Value);
        Assert.Equal(Server.Url.Authority, sample.Labels["instance"]);
        Assert.InRange(DateTimeOffset.UtcNow - sample.Timestamp, TimeSpan.FromSeconds(-5), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void AnInstantQueryAtAGivenTimeIsEvaluatedThen()
    {
        Server.WaitForScrapes(4);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds());

        var sample = Assert.Single(Samples(_host.Invoke("Invoke-SeekapaPrometheusQuery up -Endpoint $url -Time $at",
            new Dictionary<string, object?> { ["url"] = Server.Url, ["at"] = at })));

        Assert.Equal(at, sample.Timestamp);
        Assert.Equal(1.0, sample.Value);
    }

    [Fact]
    public void ARangeQueryIsOneObjectPerSeriesAndPoint()
    {
        Server.WaitForScrapes(12);
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var since = Samples(_host.Invoke("Invoke-SeekapaPrometheusQuery up -Endpoint $url -Start $start -End $end -Step 2s",
            new Dictionary<string, object?> { ["url"] = Server.Url, ["start"] = end.AddSeconds(-10), ["end"] = end }));
        Assert.Equal(6, since.Count);
        Assert.All(since, s => Assert.Equal((PrometheusResultType.Matrix, 0, 1.0), (s.ResultType, s.Series, s.Value)));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => end.AddSeconds(-10 + 2 * i)), since.Select(s => s.Timestamp));

        var rates = Run("Invoke-SeekapaPrometheusQuery 'rate(prometheus_http_requests_total[5s])' -Endpoint $url -Since 5s -Step 1s");
        Assert.Empty(rates.Errors);
        var samples = Samples(rates);
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.True(s.Value >= 0 && double.IsFinite(s.Value) && s.Metric is null && s.Labels.ContainsKey("handler")));
        Assert.All(samples.GroupBy(s => s.Series), series => Assert.InRange(series.Count(), 1, 6));
        Assert.All(rates.Output, o => Assert.NotNull(o.Properties["handler"]));
    }

    [Fact]
    public void ScalarsStringsAndSpecialValuesAreTyped()
    {
        var samples = Samples(Run("'1/0', '-1/0', '0/0', 'scalar(vector(2.5))', '\"hello\"' | Invoke-SeekapaPrometheusQuery -Endpoint $url"));

        Assert.Equal(5, samples.Count);
        Assert.Equal(double.PositiveInfinity, samples[0].Value);
        Assert.Equal(double.NegativeInfinity, samples[1].Value);
        Assert.True(double.IsNaN(samples[2].Value));
        Assert.Equal((PrometheusResultType.Scalar, 2.5), (samples[3].ResultType, samples[3].Value));
        Assert.Equal((PrometheusResultType.String, "hello"), (samples[4].ResultType, samples[4].StringValue));
    }

    [Fact]
    public void BadPromQlIsAnErrorRecordCarryingErrorTypeAndTheOtherQueriesRun()
    {
        var result = Run("'up', 'rate(up[5m]', 'up' | Invoke-SeekapaPrometheusQuery -Endpoint $url");

        Assert.Equal(2, Samples(result).Count);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PrometheusQueryFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("errorType bad_data", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("parse error", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal("rate(up[5m]", error.TargetObject);
    }

    [Fact]
    public void ABadRangeIsRefusedBeforeAnyRequest()
    {
        // $refused: had a request been sent, the error would be PrometheusUnreachable.
        Assert.Equal("InvalidTimeRange", FirstId(Run("Invoke-SeekapaPrometheusQuery up -Endpoint $refused -Start (Get-Date) -End (Get-Date).AddHours(-1)")));
        Assert.Equal("InvalidStep", FirstId(Run("Invoke-SeekapaPrometheusQuery up -Endpoint $refused -Since '30d' -Step 1s")));
        Assert.Equal("InvalidEndpoint", FirstId(Run("Invoke-SeekapaPrometheusQuery up -Endpoint 'ftp://prometheus'")));
        Assert.Equal("InvalidParameterCombination", FirstId(Run("Invoke-SeekapaPrometheusQuery up -Endpoint $refused -BearerToken $token -Credential $cred")));
    }

    [Fact]
    public void AnUnreachableServerStopsTheCommand()
    {
        var result = Run("'up', 'up' | Invoke-SeekapaPrometheusQuery -Endpoint $refused -Timeout 2");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PrometheusUnreachable,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
    }

    [Fact]
    public void TheBearerTokenOrBasicCredentialsAreSent()
    {
        _fake.ExpectedAuthorization = $"Bearer {Token}";
        Assert.Single(Samples(Run("Invoke-SeekapaPrometheusQuery up -Endpoint $fake -BearerToken $token")));

        _fake.ExpectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("grafana:Pw-basic-77e1"));
        Assert.Single(Samples(Run("Invoke-SeekapaPrometheusQuery up -Endpoint $fake -Credential $cred")));
        Assert.Single(Samples(Run($"Invoke-SeekapaPrometheusQuery up -Endpoint 'http://grafana:Pw-basic-77e1@{_fake.Url.Authority}'")));

        var rejected = Run("Invoke-SeekapaPrometheusQuery up -Endpoint $fake -BearerToken $token");
        Assert.Equal("PrometheusAuthenticationFailed", FirstId(rejected));
        Assert.DoesNotContain(Token, rejected.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ApiWarningsAreWarningsAndAClashingLabelStaysInLabels()
    {
        _fake.ExpectedAuthorization = null;
        var result = Run("Invoke-SeekapaPrometheusQuery http_requests_total -Endpoint $fake 3>&1");

        var warning = Assert.IsType<WarningRecord>(Assert.Single(result.Output, o => o.BaseObject is WarningRecord).BaseObject);
        Assert.Equal("Prometheus: the result is partial: one remote store did not answer", warning.Message);
        var wrapped = Assert.Single(result.Output, o => o.BaseObject is PrometheusSample);
        var sample = (PrometheusSample)wrapped.BaseObject;
        Assert.Equal((42.0, "500", "clashes"), (sample.Value, (string)wrapped.Properties["status"].Value, sample.Labels["value"]));
        Assert.Equal(42.0, wrapped.Properties["Value"].Value);
        Assert.Equal([string.Empty], _fake.Authorizations);
    }

    public void Dispose() => _host.Dispose();
}
