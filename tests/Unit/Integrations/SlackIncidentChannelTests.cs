using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Integrations;
using Seekapa.Ops.Tests.Cmdlets;
using Xunit;

namespace Seekapa.Ops.Tests.Integrations;

public sealed class SlackIncidentChannelTests
{
    [Fact]
    public void TheDefaultNameIsTheIncidentId() =>
        Assert.Equal("sev-2-20240115-api-5xx-spike", SlackIncidentChannel.DefaultName("sev-2-20240115-api-5xx-spike"));

    [Theory]
    [InlineData("inc-api_5xx", "inc-api_5xx")]
    [InlineData("#sev-1-20240115-outage", "sev-1-20240115-outage")]
    [InlineData(" incident-42 ", "incident-42")]
    public void ValidNamesAreKeptWithoutTheirHash(string given, string name) => Assert.Equal(name, SlackIncidentChannel.Validate(given));

    [Theory]
    [InlineData("API-outage", "uppercase letter 'A'", "api-outage")]
    [InlineData("api outage", "a space", "api-outage")]
    [InlineData("api.outage", "a period", "api-outage")]
    [InlineData("api/outage!", "the character '/'", "api-outage")]
    [InlineData("#", "cannot be empty", "")]
    public void NamesBreakingSlacksRulesAreRefusedWithTheRuleAndASuggestion(string given, string rule, string suggestion)
    {
        var error = Assert.Throws<SeekapaException>(() => SlackIncidentChannel.Validate(given));

        Assert.Equal(("SlackChannelNameInvalid", FailureCategory.InvalidArgument), (error.ErrorId, error.Category));
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        if (suggestion.Length > 0)
        {
            Assert.EndsWith($"Try '{suggestion}'.", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NamesLongerThan80CharactersAreRefused()
    {
        var error = Assert.Throws<SeekapaException>(() => SlackIncidentChannel.Validate(new string('a', 81)));

        Assert.Contains("at most 80 characters; this one has 81", error.Message, StringComparison.Ordinal);
        Assert.Equal(new string('a', 80), SlackIncidentChannel.Validate(new string('a', 80)));
    }

    [Fact]
    public void CandidatesAddSuffixesUpToTenAndStayWithin80Characters()
    {
        Assert.Equal(new[] { "inc", "inc-2", "inc-3", "inc-4", "inc-5", "inc-6", "inc-7", "inc-8", "inc-9", "inc-10" },
            SlackIncidentChannel.Candidates("inc"));

        var longName = new string('x', 78) + "-y";
        var candidates = SlackIncidentChannel.Candidates(longName).ToList();
        Assert.Equal(longName, candidates[0]);
        Assert.Equal(new string('x', 78) + "-2", candidates[1]);
        Assert.Equal(new string('x', 77) + "-10", candidates[^1]);
        Assert.All(candidates, c => Assert.Null(SlackIncidentChannel.Problem(c)));
    }

    [Fact]
    public void TheTopicIsTheRunbooksLine()
    {
        var incident = new Incident { Title = "API 5xx spike", Status = IncidentStatus.Identified, Lead = "@alice" };

        Assert.Equal("Incident: API 5xx spike | Status: Identified | Lead: @alice", SlackIncidentChannel.Topic(incident));
    }

    [Fact]
    public void ALongTitleIsShortenedSoTheTopicFitsAndKeepsStatusAndLead()
    {
        var incident = new Incident { Title = new string('t', 300), Status = IncidentStatus.Monitoring, Lead = "bob" };

        var topic = SlackIncidentChannel.Topic(incident);

        Assert.Equal(SlackIncidentChannel.MaxTopicLength, topic.Length);
        Assert.StartsWith("Incident: ttt", topic, StringComparison.Ordinal);
        Assert.EndsWith("… | Status: Monitoring | Lead: @bob", topic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenEveryCandidateIsTakenCreationStopsAfterTenNames()
    {
        await using var slack = await SlackLoopbackServer.StartAsync();
        foreach (var name in SlackIncidentChannel.Candidates("inc"))
        {
            slack.Channels[name] = "C0";
        }

        using var client = new SlackClient("xoxb-test-token", slack.ApiUrl);
        var error = await Assert.ThrowsAsync<SeekapaException>(() => client.CreateChannelAsync("inc", CancellationToken.None));

        Assert.Equal(("SlackChannelNameTaken", FailureCategory.ResourceExists), (error.ErrorId, error.Category));
        Assert.Contains("#inc to #inc-10 are all taken", error.Message, StringComparison.Ordinal);
        Assert.Equal(SlackIncidentChannel.MaxNameAttempts, slack.Requests.Count);
    }

    [Theory]
    [InlineData("../users")]
    [InlineData("Q1 ABC")]
    [InlineData("Q1ABC?x=1")]
    [InlineData("")]
    public void PagerDutyIncidentIdsAreAlphanumeric(string id)
    {
        var error = Assert.Throws<SeekapaException>(() => PagerDutyClient.ValidateIncidentId(id));
        Assert.Equal(("PagerDutyIncidentIdInvalid", FailureCategory.InvalidArgument), (error.ErrorId, error.Category));
        Assert.Equal("Q1ABC2DEF3GH4I", PagerDutyClient.ValidateIncidentId(" Q1ABC2DEF3GH4I "));
    }
}
