using System.Management.Automation;
using Seekapa.Ops.Tests.Cmdlets;
using Xunit;

namespace Seekapa.Ops.Tests.Integrations;

/// <summary>
/// The security review's finding 2 (rows 116, 117, E19, E20): a CR/LF in -PagerDutyFrom or $env:PAGERDUTY_FROM split the
/// PagerDuty request (a keep-alive server received a smuggled DELETE). Every user string bound for a header is now checked
/// before any request and before the incident exists; the keep-alive server counts what actually arrived.
/// </summary>
[Collection(IncidentPathCollection.Name)]
public sealed class HeaderInjectionTests : IAsyncLifetime
{
    private const string PagerDutyKey = "y_NbAkKc66ryYTWUXYEuSECRET";
    private const string Smuggling = "a@b.c\r\nContent-Length: 0\r\n\r\nDELETE /api/incidents/SMUGGLED HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    private static readonly string[] Variables = { "SLACK_BOT_TOKEN", "PAGERDUTY_API_KEY", "PAGERDUTY_FROM" };

    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();
    private readonly Dictionary<string, string?> _previous = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly KeepAliveCountingServer _server = new("""{"incident":{"id":"Q1SMUG","status":"acknowledged","html_url":"https://x.pagerduty.com/incidents/Q1SMUG"},"ok":true,"channel":{"id":"C1","name":"c"}}""");

    public Task InitializeAsync()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _host.Dispose();
        _scope.Dispose();
        foreach (var (variable, value) in _previous)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    private CmdletHost.Result Run(string script, string? from = null) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["pdToken"] = Secure(PagerDutyKey),
        ["badBearer"] = Secure("t-SECRET\r\nX-Injected: 1"),
        ["api"] = _server.Url.ToString(),
        ["from"] = from,
    });

    internal static System.Security.SecureString Secure(string text)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private string[] StoredIncidents() =>
        Directory.Exists(_scope.Directory.Path) ? Directory.GetFiles(_scope.Directory.Path, "*.json") : Array.Empty<string>();

    private static ErrorRecord SingleError(CmdletHost.Result result, string errorId)
    {
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void AValidFromReachesTheServerAsOneRequestWithThatHeader()
    {
        var result = Run("Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdToken -PagerDutyApiUrl $api -PagerDutyFrom $from",
            "ops@seekapa.com");

        Assert.Empty(result.Errors);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(("PUT", "/api/incidents/Q1SMUG", "ops@seekapa.com"), (request.Method, request.Path, request.Header("From")));
    }

    [Fact]
    public void ARequestSmuggledThroughPagerDutyFromIsRefusedBeforeTheIncidentExistsAndNothingIsSent()
    {
        var result = Run("Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdToken -PagerDutyApiUrl $api -PagerDutyFrom $from",
            Smuggling);

        var error = SingleError(result, "PagerDutyFromInvalid");
        Assert.Contains("-PagerDutyFrom", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Empty(StoredIncidents());
        Assert.Empty(result.Output);
    }

    [Fact]
    public void AHeaderInjectedThroughThePagerDutyFromVariableIsRefusedToo()
    {
        Environment.SetEnvironmentVariable("PAGERDUTY_FROM", "ops@x.com\r\nX-From-Env: 1");

        var result = Run("Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdToken -PagerDutyApiUrl $api");

        var error = SingleError(result, "PagerDutyFromInvalid");
        Assert.Contains("$env:PAGERDUTY_FROM", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Empty(StoredIncidents());
    }

    [Fact]
    public void StopSeekapaIncidentChecksFromBeforeTheIncidentIsResolved()
    {
        var started = Run("(Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdToken -PagerDutyApiUrl $api -PagerDutyFrom ops@seekapa.com).Id");
        var id = Assert.Single(started.Output).BaseObject.ToString();
        Assert.Single(_server.Requests);

        var result = Run("Stop-SeekapaIncident -RootCause r -Resolution s -PagerDutyToken $pdToken -PagerDutyApiUrl $api -PagerDutyFrom $from",
            "a@b.c\r\nX-Injected: 1");

        SingleError(result, "PagerDutyFromInvalid");
        Assert.Single(_server.Requests);
        Assert.Equal(Seekapa.Ops.IncidentStatus.Investigating, _scope.Store.Get(id!).Status);
    }

    [Fact]
    public void ATokenWithALineBreakIsRefusedWithoutShowingIt()
    {
        Environment.SetEnvironmentVariable("SLACK_BOT_TOKEN", "xoxb-SECRET-1\r\nX-Injected: 1");

        var result = Run("Send-SeekapaIncidentMessage -Text hello -Channel '#ops' -SlackApiUrl $api");

        var error = SingleError(result, "InvalidHeaderValue");
        Assert.DoesNotContain("xoxb-SECRET", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void TestSeekapaEndpointHeadersArePlainNamesAndValues()
    {
        var value = Run("Test-SeekapaEndpoint $api -Header @{ 'X-Api-Key' = \"k-SECRET`r`nX-Injected: 1\" }");
        var error = SingleError(value, "InvalidHeaderValue");
        Assert.DoesNotContain("k-SECRET", error.ToString(), StringComparison.Ordinal);

        SingleError(Run("Test-SeekapaEndpoint $api -Header @{ \"X-Api-Key: 1`r`nX-Injected\" = 'v' }"), "InvalidHeaderName");
        Assert.Empty(_server.Requests);

        var fine = Run("Test-SeekapaEndpoint $api -Header @{ 'X-Api-Key' = 'k1' }");
        Assert.Empty(fine.Errors);
        Assert.Equal("k1", Assert.Single(_server.Requests).Header("X-Api-Key"));
    }

    [Fact]
    public void APrometheusBearerTokenWithALineBreakIsRefused()
    {
        var result = Run("Invoke-SeekapaPrometheusQuery up -Endpoint $api -BearerToken $badBearer");

        var error = SingleError(result, "InvalidHeaderValue");
        Assert.DoesNotContain("t-SECRET", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void AnAzureAccessTokenWithALineBreakIsRefusedBeforeAnyRequest()
    {
        var result = Run("Connect-SeekapaAzure -ResourceManagerUrl https://127.0.0.1:1/ -AccessToken \"eyJ-SECRET`r`nX-Injected: 1\"");

        var error = SingleError(result, "InvalidHeaderValue");
        Assert.DoesNotContain("eyJ-SECRET", error.ToString(), StringComparison.Ordinal);
    }
}
