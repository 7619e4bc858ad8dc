using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>Input and setup failures of the Slack and PagerDuty integrations, found before any request is sent.</summary>
public static class IntegrationErrors
{
    public const string SlackTokenVariable = "SLACK_BOT_TOKEN";
    public const string PagerDutyTokenVariable = "PAGERDUTY_API_KEY";
    public const string PagerDutyFromVariable = "PAGERDUTY_FROM";

    /// <summary>notDone says what was left undone when the rest of the command went ahead.</summary>
    public static SeekapaException SlackTokenMissing(string? notDone = null) => new("SlackTokenMissing", FailureCategory.AuthenticationError,
        $"{notDone}No Slack bot token: give -SlackToken or set $env:{SlackTokenVariable}.", null,
        "Create a Slack app with the chat:write scope (and channels:manage to create incident channels) and use its bot token (xoxb-...).");

    public static SeekapaException PagerDutyTokenMissing(string? notDone = null) => new("PagerDutyTokenMissing", FailureCategory.AuthenticationError,
        $"{notDone}No PagerDuty API key: give -PagerDutyToken or set $env:{PagerDutyTokenVariable}.", null,
        "Use a PagerDuty REST API key with write access (an account key also needs -PagerDutyFrom).");

    public static SeekapaException SlackChannelNameInvalid(string name, string reason) => new("SlackChannelNameInvalid",
        FailureCategory.InvalidArgument, $"'{name}' is not a valid Slack channel name: {reason}", name);

    public static SeekapaException PagerDutyIncidentIdInvalid(string id) => new("PagerDutyIncidentIdInvalid",
        FailureCategory.InvalidArgument,
        $"'{id}' is not a PagerDuty incident id: ids are letters and digits, like Q1ABC2DEF3GH4I (the incident's page URL ends with it).", id);
}
