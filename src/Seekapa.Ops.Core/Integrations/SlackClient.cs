using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>A message to post: chat.postMessage's channel, text (the fallback and notification text), blocks and thread_ts.</summary>
public sealed record SlackPost(string Channel, string Text, string? BlocksJson = null, string? ThreadTs = null);

/// <summary>Slack's answer: ok, the channel id and the message ts; how many attempts it took.</summary>
public sealed record SlackPostResult(bool Ok, string? ChannelId, string? Ts, int Attempts);

/// <summary>A channel conversations.create made: its id and the name it got (a suffixed one when the first was taken).</summary>
public sealed record SlackChannelInfo(string Id, string Name);

/// <summary>
/// Slack's Web API with a bot token: chat.postMessage, conversations.create, conversations.setTopic. Slack answers most
/// failures with HTTP 200 and {"ok":false,"error":"..."}: those become SlackError with Slack's error code. A 429 is
/// retried after its Retry-After (at most MaxAttempts requests per call; Slack did not act on it); nothing else is retried,
/// so a message is never posted twice. The token is never part of a message or an error.
/// </summary>
public sealed class SlackClient : IDisposable
{
    public static readonly Uri DefaultApiUrl = new("https://slack.com/api/");
    public const int MaxAttempts = RateLimitedSender.MaxAttempts;

    private const string PostScope = "chat:write";
    private const string ChannelScope = "channels:manage";

    private readonly HttpClient _http;
    private readonly Uri _apiUrl;
    private readonly string _token;
    private readonly RateLimitedSender _sender;

    /// <summary>Checks everything the requests would carry, before any request (SlackClient.Validate).</summary>
    public SlackClient(string token, Uri? apiUrl = null, HttpMessageHandler? handler = null, Func<TimeSpan, CancellationToken, Task>? delay = null,
        bool allowInsecureTransport = false)
    {
        _apiUrl = Validate(token, apiUrl, allowInsecureTransport);
        _token = token;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(30);
        _sender = new RateLimitedSender(_http, "Slack", _apiUrl, "-SlackApiUrl", delay ?? Task.Delay, Safe);
    }

    /// <summary>
    /// The API base URL to use, or the input error a request would hit: SlackApiUrlInvalid (not absolute http/https),
    /// InvalidHeaderValue (a control character in the token), InsecureTransport (the token over http to another machine
    /// without -AllowInsecureTransport). Sends nothing: callers check this before they change anything.
    /// </summary>
    public static Uri Validate(string token, Uri? apiUrl, bool allowInsecureTransport)
    {
        var url = HttpInputs.ApiBaseUrl(apiUrl ?? DefaultApiUrl, "-SlackApiUrl", "Slack Web", "SlackApiUrlInvalid");
        HttpInputs.HeaderValue(token, TokenName, secret: true);
        HttpInputs.RequireSecureTransport(url, "The Slack bot token", "-SlackApiUrl", allowInsecureTransport);
        return url;
    }

    private const string TokenName = "The Slack bot token (-SlackToken or $env:" + IntegrationErrors.SlackTokenVariable + ")";

    public async Task<SlackPostResult> PostMessageAsync(SlackPost post, CancellationToken cancellationToken)
    {
        var (answer, attempts) = await CallAsync("chat.postMessage", Body(post), post.Channel, "the message may or may not have been posted", cancellationToken)
            .ConfigureAwait(false);
        if (!IsOk(answer))
        {
            throw Refused(answer, $"the message to {post.Channel}", post.Channel, PostScope);
        }

        return new SlackPostResult(true, answer["channel"]?.ToString(), answer["ts"]?.ToString(), attempts);
    }

    /// <summary>
    /// conversations.create with the name; on name_taken with name-2, name-3, ... (SlackIncidentChannel.Candidates), then
    /// SlackChannelNameTaken. The name must already follow Slack's rules (SlackIncidentChannel.Validate).
    /// </summary>
    public async Task<SlackChannelInfo> CreateChannelAsync(string name, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        foreach (var candidate in SlackIncidentChannel.Candidates(name))
        {
            var target = "#" + candidate;
            var (answer, _) = await CallAsync("conversations.create", new JsonObject { ["name"] = candidate }, target,
                $"{target} may or may not have been created", cancellationToken).ConfigureAwait(false);
            if (IsOk(answer))
            {
                var channel = answer["channel"];
                var id = channel?["id"]?.ToString();
                return string.IsNullOrEmpty(id)
                    ? throw new SeekapaException("SlackError", FailureCategory.ProtocolError,
                        $"Slack created {target} but its answer has no channel id.", target)
                    : new SlackChannelInfo(id, channel?["name"]?.ToString() ?? candidate);
            }

            if (Code(answer) != "name_taken")
            {
                throw Refused(answer, $"creating {target}", target, ChannelScope);
            }

            tried.Add(target);
        }

        throw new SeekapaException("SlackChannelNameTaken", FailureCategory.ResourceExists,
            $"Slack channel names {tried[0]} to {tried[^1]} are all taken ({tried.Count} names tried).", "#" + name,
            "Give another name with -SlackChannelName, or archive old incident channels.");
    }

    /// <summary>conversations.setTopic on a channel id.</summary>
    public async Task SetTopicAsync(string channelId, string topic, CancellationToken cancellationToken)
    {
        var (answer, _) = await CallAsync("conversations.setTopic", new JsonObject { ["channel"] = channelId, ["topic"] = topic },
            channelId, "the topic may or may not have been set", cancellationToken).ConfigureAwait(false);
        if (!IsOk(answer))
        {
            throw Refused(answer, $"the topic of {channelId}", channelId, ChannelScope);
        }
    }

    /// <summary>One Web API call: JSON body, bearer token, 429 retried; returns Slack's answer object, ok or not.</summary>
    private async Task<(JsonObject Answer, int Attempts)> CallAsync(string method, JsonObject body, string target, string unsure,
        CancellationToken cancellationToken)
    {
        var json = body.ToJsonString();
        var endpoint = new Uri(_apiUrl, method);
        var reply = await _sender.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            return request;
        }, method, target, unsure, response => response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);

        JsonNode? answer = null;
        try
        {
            answer = JsonNode.Parse(reply.Body);
        }
        catch (JsonException)
        {
        }

        if ((int)reply.Status is < 200 or > 299 || answer is not JsonObject result)
        {
            throw new SeekapaException("SlackError", FailureCategory.ProtocolError,
                $"Slack answered {method} with HTTP {(int)reply.Status} {Safe(reply.Reason)} without a Web API answer.",
                target, "Check -SlackApiUrl (default https://slack.com/api/).");
        }

        return (result, reply.Attempts);
    }

    private static bool IsOk(JsonObject answer) => answer["ok"]?.GetValueKind() == JsonValueKind.True;

    private static string Code(JsonObject answer) => answer["error"]?.ToString() ?? "unknown_error";

    private SeekapaException Refused(JsonObject answer, string what, string target, string scope)
    {
        var code = Code(answer);
        var needed = answer["needed"]?.ToString() is { Length: > 0 } n ? n : scope;
        var (category, advice) = code switch
        {
            "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" =>
                (FailureCategory.AuthenticationError,
                    $"Check the bot token (-SlackToken or $env:{IntegrationErrors.SlackTokenVariable}): it must be a valid xoxb- token."),
            "channel_not_found" => (FailureCategory.ObjectNotFound, "Check -Channel; for a private channel, invite the bot first."),
            "not_in_channel" => (FailureCategory.PermissionDenied, "Invite the bot to the channel (/invite @bot) and try again."),
            "missing_scope" => (FailureCategory.PermissionDenied, $"Give the Slack app the {Safe(needed)} scope and reinstall it."),
            "restricted_action" => (FailureCategory.PermissionDenied, "The workspace does not let this app do that; ask a Slack admin."),
            "is_archived" => (FailureCategory.InvalidOperation, "The channel is archived: unarchive it or choose another channel."),
            "too_long" => (FailureCategory.InvalidArgument, (string?)null),
            "invalid_name" or "invalid_name_maxlength" or "invalid_name_punctuation" or "invalid_name_required" or "invalid_name_specials" =>
                (FailureCategory.InvalidArgument, "Channel names are lowercase letters, digits, hyphens and underscores, at most 80 characters."),
            "ratelimited" => (FailureCategory.ResourceUnavailable, "Wait a minute and try again."),
            _ => (FailureCategory.ProtocolError, (string?)null),
        };
        return new SeekapaException("SlackError", category, $"Slack refused {what}: {Safe(code)}.", target, advice);
    }

    private static JsonObject Body(SlackPost post)
    {
        var body = new JsonObject
        {
            ["channel"] = post.Channel,
            ["text"] = post.Text,
        };
        if (!string.IsNullOrWhiteSpace(post.BlocksJson))
        {
            body["blocks"] = JsonNode.Parse(post.BlocksJson);
        }

        if (!string.IsNullOrWhiteSpace(post.ThreadTs))
        {
            body["thread_ts"] = post.ThreadTs;
        }

        return body;
    }

    private string Safe(string? text) => Redactor.Redact(text, new[] { _token });

    public void Dispose() => _http.Dispose();
}
