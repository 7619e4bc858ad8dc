using System.Management.Automation;
using System.Security;
using System.Text.Json;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>Format-SeekapaIncidentMessage and Send-SeekapaIncidentMessage, against a fake Slack on the loopback.</summary>
[Collection(IncidentPathCollection.Name)]
public sealed class IncidentMessageCmdletTests : IAsyncLifetime
{
    private const string Token = "xoxb-1111-2222-abcdefSECRET";
    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();
    private readonly string? _previousToken = Environment.GetEnvironmentVariable("SLACK_BOT_TOKEN");
    private SlackLoopbackServer _slack = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("SLACK_BOT_TOKEN", null);
        _slack = await SlackLoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        _host.Dispose();
        _scope.Dispose();
        Environment.SetEnvironmentVariable("SLACK_BOT_TOKEN", _previousToken);
    }

    private CmdletHost.Result Run(string script)
    {
        var token = new SecureString();
        foreach (var c in Token)
        {
            token.AppendChar(c);
        }

        return _host.Invoke(script, new Dictionary<string, object?> { ["token"] = token, ["api"] = _slack.ApiUrl.ToString() });
    }

    private static T Single<T>(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<T>(Assert.Single(result.Output).BaseObject);
    }

    private Incident StartIncident() =>
        Single<Incident>(Run("Start-SeekapaIncident SEV2 'API 5xx spike' -Service API -Lead alice -Impact '30% of requests fail'"));

    [Fact]
    public void FormatFillsTheTemplateFromTheActiveIncident()
    {
        var incident = StartIncident();
        Assert.Empty(Run("Add-SeekapaIncidentNote '5xx after the 13:00 deploy'").Errors);

        var initial = Single<IncidentMessage>(Run("Format-SeekapaIncidentMessage Initial"));
        var update = Single<IncidentMessage>(Run($"Format-SeekapaIncidentMessage -Kind Update -Incident {incident.Id} -NextStep 'Roll back', 'Watch'"));
        var printed = Run("Format-SeekapaIncidentMessage Initial | Out-String").Output.Single().BaseObject as string;

        Assert.StartsWith("🚨 INCIDENT DECLARED - SEV-2", initial.Text, StringComparison.Ordinal);
        Assert.Contains("Current Status:\n- 5xx after the 13:00 deploy", initial.Text, StringComparison.Ordinal);
        Assert.Equal(incident.Id, initial.IncidentId);
        Assert.StartsWith("#incident-", initial.Channel, StringComparison.Ordinal);
        Assert.Contains("Next steps:\n- Roll back\n- Watch\n", update.Text, StringComparison.Ordinal);
        Assert.Contains("INCIDENT DECLARED", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void SendPostsChatPostMessageWithTheBearerTokenAndRecordsItInTheTimeline()
    {
        var incident = StartIncident();

        var result = Single<SlackMessageResult>(Run(
            "Format-SeekapaIncidentMessage Resolution | Send-SeekapaIncidentMessage -SlackToken $token -SlackApiUrl $api -ThreadTs 1705323000.000200"));

        var request = Assert.Single(_slack.Requests);
        Assert.Equal("/api/chat.postMessage", request.Path);
        Assert.Equal("Bearer " + Token, request.Authorization);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        var channel = body.RootElement.GetProperty("channel").GetString();
        Assert.StartsWith("#incident-", channel, StringComparison.Ordinal);
        Assert.StartsWith("✅ INCIDENT RESOLVED", body.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("header", body.RootElement.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Equal("1705323000.000200", body.RootElement.GetProperty("thread_ts").GetString());
        Assert.Equal((channel, "C0123456789", "1705323720.000100", true, "Resolution", 1),
            (result.Channel, result.ChannelId, result.Ts, result.Ok, result.Kind, result.Attempts));

        var entry = Assert.Single(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal(("Send-SeekapaIncidentMessage", channel, "Resolution", "Sent"), (entry.Cmdlet, entry.Target, entry.Action, entry.Outcome));
        Assert.DoesNotContain(Token, JsonSerializer.Serialize(_scope.Store.Get(incident.Id)), StringComparison.Ordinal);
    }

    [Fact]
    public void TextGoesToTheGivenChannelWithTheEnvironmentToken()
    {
        Environment.SetEnvironmentVariable("SLACK_BOT_TOKEN", Token);

        var result = Single<SlackMessageResult>(Run("Send-SeekapaIncidentMessage -Text 'Deploy freeze until 18:00' -Channel '#ops' -SlackApiUrl $api"));

        var request = Assert.Single(_slack.Requests);
        Assert.Equal("Bearer " + Token, request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(new[] { "channel", "text" }, body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("#ops", "Deploy freeze until 18:00"), (body.RootElement.GetProperty("channel").GetString(), body.RootElement.GetProperty("text").GetString()));
        Assert.Equal(("#ops", "Message"), (result.Channel, result.Kind));
    }

    [Fact]
    public void InvalidAuthIsASlackErrorWithTheCodeAndNeverTheToken()
    {
        _slack.Answer(200, """{"ok":false,"error":"invalid_auth"}""");

        var result = Run("Send-SeekapaIncidentMessage -Text 'hello' -Channel '#ops' -SlackToken $token -SlackApiUrl $api");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SlackError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("invalid_auth", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.ErrorDetails?.RecommendedAction ?? string.Empty, StringComparison.Ordinal);
        Assert.Single(_slack.Requests);
    }

    [Fact]
    public void ChannelNotFoundIsAnObjectNotFoundSlackError()
    {
        _slack.Answer(200, """{"ok":false,"error":"channel_not_found"}""");

        var error = Assert.Single(Run("Send-SeekapaIncidentMessage -Text 'hello' -Channel '#nope' -SlackToken $token -SlackApiUrl $api").Errors);

        Assert.StartsWith("SlackError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("channel_not_found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A429IsRetriedAfterItsRetryAfter()
    {
        _slack.Answer(429, """{"ok":false,"error":"ratelimited"}""", "1");

        var result = Single<SlackMessageResult>(Run("Send-SeekapaIncidentMessage -Text 'hello' -Channel '#ops' -SlackToken $token -SlackApiUrl $api"));

        var requests = _slack.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"{requests[1].At - requests[0].At}");
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal((true, 2), (result.Ok, result.Attempts));
    }

    [Fact]
    public void ThreeRateLimitedAnswersAreSlackRateLimited()
    {
        for (var i = 0; i < 3; i++)
        {
            _slack.Answer(429, """{"ok":false,"error":"ratelimited"}""", "0");
        }

        var error = Assert.Single(Run("Send-SeekapaIncidentMessage -Text 'hello' -Channel '#ops' -SlackToken $token -SlackApiUrl $api").Errors);

        Assert.StartsWith("SlackRateLimited,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(3, _slack.Requests.Count);
    }

    [Fact]
    public void WhatIfSendsNothingAndRecordsNothing()
    {
        var incident = StartIncident();

        var result = Run("Format-SeekapaIncidentMessage Initial | Send-SeekapaIncidentMessage -SlackToken $token -SlackApiUrl $api -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(_slack.Requests);
        Assert.DoesNotContain(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);
    }

    [Fact]
    public void AMissingTokenStopsBeforeAnyRequest()
    {
        var result = Run("Send-SeekapaIncidentMessage -Text 'hello' -Channel '#ops' -SlackApiUrl $api");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SlackTokenMissing,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(_slack.Requests);
    }
}
