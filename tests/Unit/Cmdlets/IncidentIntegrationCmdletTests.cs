using System.Management.Automation;
using System.Security;
using System.Text.Json;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>
/// Start-/Set-/Stop-SeekapaIncident with a Slack incident channel and a PagerDuty incident, against a fake Slack and a fake
/// PagerDuty on the loopback that check the documented requests and answer as the services do.
/// </summary>
[Collection(IncidentPathCollection.Name)]
public sealed class IncidentIntegrationCmdletTests : IAsyncLifetime
{
    private const string SlackToken = "xoxb-1111-2222-abcdefSECRET";
    private const string PagerDutyKey = "y_NbAkKc66ryYTWUXYEuSECRET";
    private const string From = "alice@seekapa.com";
    private static readonly string[] Variables = { "SLACK_BOT_TOKEN", "PAGERDUTY_API_KEY", "PAGERDUTY_FROM" };

    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();
    private readonly Dictionary<string, string?> _previous = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private SlackLoopbackServer _slack = null!;
    private PagerDutyLoopbackServer _pagerDuty = null!;

    public async Task InitializeAsync()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        _slack = await SlackLoopbackServer.StartAsync();
        _pagerDuty = await PagerDutyLoopbackServer.StartAsync(PagerDutyKey);
        _pagerDuty.Incidents["Q1ABC"] = "triggered";
        _pagerDuty.Users[From] = true;
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _pagerDuty.DisposeAsync();
        _host.Dispose();
        _scope.Dispose();
        foreach (var (variable, value) in _previous)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    private static string Today => DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private CmdletHost.Result Run(string script, string pagerDutyKey = PagerDutyKey) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["slackToken"] = Secure(SlackToken),
        ["slackApi"] = _slack.ApiUrl.ToString(),
        ["pdToken"] = Secure(pagerDutyKey),
        ["pdApi"] = _pagerDuty.ApiUrl.ToString(),
        ["from"] = From,
    });

    private static T Single<T>(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<T>(Assert.Single(result.Output).BaseObject);
    }

    private const string StartWithSlack =
        "Start-SeekapaIncident SEV2 'API 5xx spike' -Lead alice -SlackChannel -SlackToken $slackToken -SlackApiUrl $slackApi";

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    private SlackLoopbackServer.Request[] SlackCalls(string method) => _slack.Requests.Where(r => r.Path == "/api/" + method).ToArray();

    [Fact]
    public void SlackChannelCreatesTheChannelNamedAfterTheIncidentSetsTheTopicAndMessagesGoThere()
    {
        var incident = Single<Incident>(Run(StartWithSlack));

        var id = $"sev-2-{Today}-api-5xx-spike";
        Assert.Equal(id, incident.Id);
        var requests = _slack.Requests.ToArray();
        Assert.Equal(new[] { "/api/conversations.create", "/api/conversations.setTopic" }, requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("Bearer " + SlackToken, r.Authorization));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal));
        Assert.Equal(JsonSerializer.Serialize(new { name = id }), requests[0].Body);
        var channelId = _slack.Channels[id];
        Assert.Equal(JsonSerializer.Serialize(new { channel = channelId, topic = "Incident: API 5xx spike | Status: Investigating | Lead: @alice" }),
            requests[1].Body);

        Assert.Equal(("#" + id, channelId), (incident.Channel, incident.SlackChannelId));
        var stored = _scope.Store.Get(id);
        Assert.Equal(("#" + id, channelId), (stored.Channel, stored.SlackChannelId));
        var actions = stored.Timeline.Where(e => e.Kind == IncidentEntryKind.Action).ToList();
        Assert.Equal(new[] { ("Start-SeekapaIncident", "#" + id, "Create Slack channel", "Created"), ("Start-SeekapaIncident", "#" + id, "Set Slack channel topic", "Set") },
            actions.Select(e => (e.Cmdlet!, e.Target!, e.Action!, e.Outcome!)));

        var sent = Single<SlackMessageResult>(Run("Format-SeekapaIncidentMessage Initial | Send-SeekapaIncidentMessage -SlackToken $slackToken -SlackApiUrl $slackApi"));
        var post = Json(Assert.Single(SlackCalls("chat.postMessage")).Body);
        Assert.Equal(channelId, post.GetProperty("channel").GetString());
        Assert.Contains($"Channel: #{id}", post.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("#" + id, sent.Channel);

        Single<SlackMessageResult>(Run("Send-SeekapaIncidentMessage -Text 'Rollback started' -SlackToken $slackToken -SlackApiUrl $slackApi"));
        Assert.Equal(channelId, Json(SlackCalls("chat.postMessage")[1].Body).GetProperty("channel").GetString());
    }

    [Fact]
    public void ATakenNameIsRetriedWithASuffix()
    {
        var id = $"sev-2-{Today}-api-5xx-spike";
        _slack.Channels[id] = "C0EXISTING";

        var incident = Single<Incident>(Run(StartWithSlack));

        var creates = SlackCalls("conversations.create");
        Assert.Equal(new[] { id, id + "-2" }, creates.Select(r => Json(r.Body).GetProperty("name").GetString()));
        Assert.Equal(("#" + id + "-2", _slack.Channels[id + "-2"]), (incident.Channel, incident.SlackChannelId));
        Assert.Equal(_slack.Channels[id + "-2"], Json(Assert.Single(SlackCalls("conversations.setTopic")).Body).GetProperty("channel").GetString());
    }

    [Fact]
    public void AGivenChannelNameIsUsedWithoutItsHash()
    {
        var incident = Single<Incident>(Run(
            "Start-SeekapaIncident SEV1 'Outage' -SlackChannelName '#inc-outage_eu' -SlackToken $slackToken -SlackApiUrl $slackApi"));

        Assert.Equal("inc-outage_eu", Json(SlackCalls("conversations.create")[0].Body).GetProperty("name").GetString());
        Assert.Equal("#inc-outage_eu", incident.Channel);
    }

    [Theory]
    [InlineData("'Inc-Outage'", "uppercase letter 'I'")]
    [InlineData("'inc outage'", "a space")]
    [InlineData("'inc.outage'", "a period")]
    [InlineData("('x' * 81)", "at most 80 characters")]
    public void AnInvalidChannelNameStopsBeforeAnythingIsStoredOrSent(string name, string rule)
    {
        var result = Run($"Start-SeekapaIncident SEV2 'Outage' -SlackChannelName {name} -SlackToken $slackToken -SlackApiUrl $slackApi");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SlackChannelNameInvalid,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(rule, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_slack.Requests);
        Assert.Empty(_scope.Store.List());
        Assert.StartsWith("NoActiveIncident,", Assert.Single(Run("Get-SeekapaIncident -Active").Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidAuthIsANonTerminatingErrorAndTheIncidentIsKept()
    {
        _slack.Answer(200, """{"ok":false,"error":"invalid_auth"}""");

        var result = Run(StartWithSlack);

        var incident = Assert.IsType<Incident>(Assert.Single(result.Output).BaseObject);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SlackError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("invalid_auth", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("SLACK_BOT_TOKEN", error.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
        Assert.Single(_slack.Requests); // no topic without a channel
        Assert.Null(incident.Channel);
        var stored = _scope.Store.Get(incident.Id);
        var failed = Assert.Single(stored.Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal("Create Slack channel", failed.Action);
        Assert.StartsWith("Failed: ", failed.Outcome, StringComparison.Ordinal);
        Assert.Equal(incident.Id, Single<Incident>(Run("Get-SeekapaIncident -Active")).Id);
    }

    [Fact]
    public void MissingScopeNamesTheScopeSlackAskedFor()
    {
        _slack.Answer(200, """{"ok":false,"error":"missing_scope","needed":"channels:manage","provided":"chat:write"}""");

        var error = Assert.Single(Run(StartWithSlack).Errors);

        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("channels:manage", error.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void ARateLimitedCreateIsRetriedAfterItsRetryAfter()
    {
        _slack.Answer(429, """{"ok":false,"error":"ratelimited"}""", "1");

        var incident = Single<Incident>(Run(StartWithSlack));

        var creates = SlackCalls("conversations.create");
        Assert.Equal(2, creates.Length);
        Assert.True(creates[1].At - creates[0].At >= TimeSpan.FromMilliseconds(900), $"{creates[1].At - creates[0].At}");
        Assert.Equal(creates[0].Body, creates[1].Body);
        Assert.NotNull(incident.SlackChannelId);
    }

    [Fact]
    public void SetStatusAndLeadUpdateTheTopicOtherChangesDoNot()
    {
        var incident = Single<Incident>(Run(StartWithSlack));
        Environment.SetEnvironmentVariable("SLACK_BOT_TOKEN", SlackToken);

        Single<Incident>(Run("Set-SeekapaIncident -Status Monitoring -SlackApiUrl $slackApi"));
        Single<Incident>(Run("Set-SeekapaIncident -Impact 'Fewer errors' -Status Monitoring -SlackApiUrl $slackApi"));
        var updated = Single<Incident>(Run($"Set-SeekapaIncident -Incident {incident.Id} -Lead bob -SlackApiUrl $slackApi"));
        Single<Incident>(Run("Stop-SeekapaIncident -RootCause 'Bad deploy' -Resolution 'Rolled back' -SlackApiUrl $slackApi"));

        var topics = SlackCalls("conversations.setTopic").Select(r => Json(r.Body)).ToList();
        Assert.All(topics, t => Assert.Equal(incident.SlackChannelId, t.GetProperty("channel").GetString()));
        Assert.Equal(new[]
        {
            "Incident: API 5xx spike | Status: Investigating | Lead: @alice",
            "Incident: API 5xx spike | Status: Monitoring | Lead: @alice",
            "Incident: API 5xx spike | Status: Monitoring | Lead: @bob",
            "Incident: API 5xx spike | Status: Resolved | Lead: @bob",
        }, topics.Select(t => t.GetProperty("topic").GetString()));
        Assert.Equal(4, _scope.Store.Get(incident.Id).Timeline.Count(e => e.Action == "Set Slack channel topic" && e.Outcome == "Set"));
        Assert.Contains(updated.Timeline, e => e.Action == "Set Slack channel topic" && e.After!.EndsWith("@bob", StringComparison.Ordinal));
    }

    [Fact]
    public void SetWithoutATokenUpdatesTheRecordAndReportsTheStaleTopic()
    {
        Single<Incident>(Run(StartWithSlack));

        var result = Run("Set-SeekapaIncident -Status Identified -SlackApiUrl $slackApi");

        Assert.Equal(IncidentStatus.Identified, Assert.IsType<Incident>(Assert.Single(result.Output).BaseObject).Status);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SlackTokenMissing,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("was updated, but the topic of #", error.ToString(), StringComparison.Ordinal);
        Assert.Single(SlackCalls("conversations.setTopic"));
    }

    private const string StartWithPagerDuty =
        "Start-SeekapaIncident SEV2 'API 5xx spike' -PagerDutyIncidentId Q1ABC -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi";

    [Fact]
    public void PagerDutyIsAcknowledgedOnStartAndResolvedOnStop()
    {
        var incident = Single<Incident>(Run(StartWithPagerDuty + " -PagerDutyFrom $from"));

        var acknowledge = Assert.Single(_pagerDuty.Requests);
        Assert.Equal(("PUT", "/incidents/Q1ABC"), (acknowledge.Method, acknowledge.Path));
        Assert.Equal("Token token=" + PagerDutyKey, acknowledge.Authorization);
        Assert.Equal("application/vnd.pagerduty+json;version=2", acknowledge.Accept);
        Assert.Equal("application/json", acknowledge.ContentType);
        Assert.Equal(From, acknowledge.From);
        Assert.Equal("""{"incident":{"type":"incident_reference","status":"acknowledged"}}""", acknowledge.Body);
        Assert.Equal("acknowledged", _pagerDuty.Incidents["Q1ABC"]);
        Assert.Equal("Q1ABC", incident.PagerDutyIncidentId);
        var entry = Assert.Single(incident.Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal(("Start-SeekapaIncident", "Q1ABC", "Acknowledge PagerDuty incident", "Acknowledged"), (entry.Cmdlet, entry.Target, entry.Action, entry.Outcome));

        // The key and From from the environment this time.
        Environment.SetEnvironmentVariable("PAGERDUTY_API_KEY", PagerDutyKey);
        Environment.SetEnvironmentVariable("PAGERDUTY_FROM", From);
        var resolved = Single<Incident>(Run("Stop-SeekapaIncident -RootCause 'Bad deploy' -Resolution 'Rolled back' -PagerDutyApiUrl $pdApi"));

        var resolve = _pagerDuty.Requests.ToArray()[1];
        Assert.Equal(("PUT", "/incidents/Q1ABC", "Token token=" + PagerDutyKey, From), (resolve.Method, resolve.Path, resolve.Authorization, resolve.From));
        Assert.Equal("""{"incident":{"type":"incident_reference","status":"resolved"}}""", resolve.Body);
        Assert.Equal("resolved", _pagerDuty.Incidents["Q1ABC"]);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(("Stop-SeekapaIncident", "Resolve PagerDuty incident", "Resolved"),
            resolved.Timeline.Where(e => e.Kind == IncidentEntryKind.Action).Select(e => (e.Cmdlet!, e.Action!, e.Outcome!)).Last());
    }

    [Fact]
    public void WithoutFromPagerDutyAnswers400AndTheIncidentIsStillCreated()
    {
        var result = Run(StartWithPagerDuty);

        var incident = Assert.IsType<Incident>(Assert.Single(result.Output).BaseObject);
        Assert.Null(Assert.Single(_pagerDuty.Requests).From);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PagerDutyError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("Invalid Input Provided", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Requester User Not Found", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("-PagerDutyFrom", error.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal("triggered", _pagerDuty.Incidents["Q1ABC"]);

        var stored = _scope.Store.Get(incident.Id);
        Assert.Equal("Q1ABC", stored.PagerDutyIncidentId);
        Assert.StartsWith("Failed: ", Assert.Single(stored.Timeline, e => e.Action == "Acknowledge PagerDuty incident").Outcome, StringComparison.Ordinal);
        Assert.Equal(incident.Id, Single<Incident>(Run("Get-SeekapaIncident -Active")).Id);
    }

    [Fact]
    public void AWrongKeyIs401AndAnUnknownIncidentIs404()
    {
        var unauthorized = Run(StartWithPagerDuty + " -PagerDutyFrom $from", pagerDutyKey: "wrong-key-123456");
        var notFound = Run("Start-SeekapaIncident SEV3 'Other' -PagerDutyIncidentId PNOTHERE -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi -PagerDutyFrom $from");

        var error401 = Assert.Single(unauthorized.Errors);
        Assert.StartsWith("PagerDutyError,", error401.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, error401.CategoryInfo.Category);
        Assert.Contains("Authentication failed", error401.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-123456", error401.ToString() + error401.ErrorDetails?.RecommendedAction, StringComparison.Ordinal);
        var error404 = Assert.Single(notFound.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error404.CategoryInfo.Category);
        Assert.Contains("PNOTHERE", error404.ToString(), StringComparison.Ordinal);
        Assert.Single(unauthorized.Output);
        Assert.Single(notFound.Output);
    }

    [Fact]
    public void A429FromPagerDutyIsRetriedAfterItsRetryAfter()
    {
        _pagerDuty.Answer(429, """{"error":{"message":"Rate Limit Exceeded","code":2020}}""", "1");

        var incident = Single<Incident>(Run(StartWithPagerDuty + " -PagerDutyFrom $from"));

        var requests = _pagerDuty.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"{requests[1].At - requests[0].At}");
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal("acknowledged", _pagerDuty.Incidents["Q1ABC"]);
        Assert.Contains(incident.Timeline, e => e.Outcome == "Acknowledged");
    }

    [Fact]
    public void WhatIfSendsNothingToSlackOrPagerDutyAndStoresNothing()
    {
        var result = Run(StartWithSlack + " -PagerDutyIncidentId Q1ABC -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi -PagerDutyFrom $from -WhatIf");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(_slack.Requests);
        Assert.Empty(_pagerDuty.Requests);
        Assert.Empty(_scope.Store.List());
    }

    [Theory]
    [InlineData("Start-SeekapaIncident SEV2 'x' -SlackChannel -SlackApiUrl $slackApi", "SlackTokenMissing")]
    [InlineData("Start-SeekapaIncident SEV2 'x' -PagerDutyIncidentId Q1ABC -PagerDutyApiUrl $pdApi", "PagerDutyTokenMissing")]
    [InlineData("Start-SeekapaIncident SEV2 'x' -PagerDutyIncidentId '../users' -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi", "PagerDutyIncidentIdInvalid")]
    public void BadSetupStopsBeforeAnythingIsStoredOrSent(string script, string errorId)
    {
        var result = Run(script);

        Assert.Empty(result.Output);
        Assert.StartsWith(errorId + ",", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(_slack.Requests);
        Assert.Empty(_pagerDuty.Requests);
        Assert.Empty(_scope.Store.List());
    }

    [Fact]
    public void TokensNeverAppearInAnyStreamOrTheRecord()
    {
        // Every stream merged into the output, errors rendered with all their details.
        const string render = " *>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ | Format-List * -Force | Out-String; " +
                              "$_.Exception | Format-List * -Force | Out-String; $_.ErrorDetails.RecommendedAction } else { $_ | Out-String } }";
        var scripts = new[]
        {
            StartWithSlack + " -PagerDutyIncidentId Q1ABC -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi -PagerDutyFrom $from -Verbose -Debug",
            "Set-SeekapaIncident -Status Identified -SlackToken $slackToken -SlackApiUrl $slackApi -Verbose -Debug",
            "Stop-SeekapaIncident -RootCause r -Resolution s -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi -SlackToken $slackToken -SlackApiUrl $slackApi -Verbose -Debug",
            // and the failure paths: Slack refuses the token, PagerDuty answers 401 and 400
            "Start-SeekapaIncident SEV3 'Second' -SlackChannel -SlackToken $slackToken -SlackApiUrl $slackApi -PagerDutyIncidentId Q1ABC -PagerDutyToken $pdToken -PagerDutyApiUrl $pdApi -Verbose -Debug",
        };
        _pagerDuty.Incidents["Q1ABC"] = "triggered";

        var printed = new List<string>();
        for (var i = 0; i < scripts.Length; i++)
        {
            if (i == scripts.Length - 1)
            {
                _slack.Answer(200, """{"ok":false,"error":"invalid_auth"}""");
            }

            var result = Run(scripts[i] + render, pagerDutyKey: i == 2 ? "another-key-SECRET-987" : PagerDutyKey);
            Assert.Empty(result.Errors);
            printed.AddRange(result.Output.Select(o => o.BaseObject?.ToString() ?? string.Empty));
        }

        var all = string.Join("\n", printed);
        Assert.Contains("it is now the session's active incident", all, StringComparison.Ordinal); // Verbose was there
        Assert.Contains("Authentication failed", all, StringComparison.Ordinal);
        Assert.Contains("Requester User Not Found", all, StringComparison.Ordinal);
        Assert.Contains("invalid_auth", all, StringComparison.Ordinal);
        var records = string.Join("\n", _scope.Store.List().Select(IncidentStore.Serialize));
        foreach (var secret in new[] { SlackToken, PagerDutyKey, "another-key-SECRET-987", "SECRET" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, records, StringComparison.Ordinal);
        }
    }
}
