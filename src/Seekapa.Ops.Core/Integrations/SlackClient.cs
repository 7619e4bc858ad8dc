using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>A message to post: chat.postMessage's channel, text (the fallback and notification text), blocks and thread_ts.</summary>
public sealed record SlackPost(string Channel, string Text, string? BlocksJson = null, string? ThreadTs = null);

/// <summary>Slack's answer: ok, the channel id and the message ts; how many attempts it took.</summary>
public sealed record SlackPostResult(bool Ok, string? ChannelId, string? Ts, int Attempts);

/// <summary>
/// Posts messages with Slack's Web API (chat.postMessage, bot token). Slack answers most failures with HTTP 200 and
/// {"ok":false,"error":"..."}: those become SlackError with Slack's error code. A 429 is retried after its Retry-After
/// (at most MaxAttempts requests in all); nothing else is retried, so a message is never posted twice.
/// The token is never part of a message or an error.
/// </summary>
public sealed class SlackClient : IDisposable
{
    public static readonly Uri DefaultApiUrl = new("https://slack.com/api/");
    public const int MaxAttempts = 3;
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly Uri _apiUrl;
    private readonly string _token;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public SlackClient(string token, Uri? apiUrl = null, HttpMessageHandler? handler = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _token = token;
        var url = (apiUrl ?? DefaultApiUrl).ToString();
        _apiUrl = new Uri(url.EndsWith('/') ? url : url + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(30);
        _delay = delay ?? Task.Delay;
    }

    public async Task<SlackPostResult> PostMessageAsync(SlackPost post, CancellationToken cancellationToken)
    {
        var body = Body(post);
        var endpoint = new Uri(_apiUrl, "chat.postMessage");
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SeekapaException("SlackUnreachable", FailureCategory.ConnectionError,
                    $"Slack ({_apiUrl.GetLeftPart(UriPartial.Authority)}) could not be reached: {Safe(ex.Message)}", post.Channel,
                    "Check the network and -SlackApiUrl.", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SeekapaException("SlackTimeout", FailureCategory.OperationTimeout,
                    "Slack did not answer within 30 s; the message may or may not have been posted.", post.Channel, null, ex);
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    if (attempt >= MaxAttempts || wait > MaxRetryAfter)
                    {
                        throw new SeekapaException("SlackRateLimited", FailureCategory.ResourceUnavailable,
                            $"Slack rate-limited the message (HTTP 429, Retry-After {wait.TotalSeconds:0} s) after {attempt} attempt(s).",
                            post.Channel, "Wait a minute and send it again.");
                    }

                    await _delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return Answer(response, text, post.Channel, attempt);
            }
        }
    }

    private SlackPostResult Answer(HttpResponseMessage response, string text, string channel, int attempt)
    {
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }

        if (!response.IsSuccessStatusCode || json is not JsonObject answer)
        {
            throw new SeekapaException("SlackError", FailureCategory.ProtocolError,
                $"Slack answered HTTP {(int)response.StatusCode} {Safe(response.ReasonPhrase)} without a Web API answer.", channel,
                "Check -SlackApiUrl (default https://slack.com/api/).");
        }

        if (answer["ok"]?.GetValueKind() == JsonValueKind.True)
        {
            return new SlackPostResult(true, answer["channel"]?.ToString(), answer["ts"]?.ToString(), attempt);
        }

        var code = answer["error"]?.ToString() ?? "unknown_error";
        var (category, advice) = code switch
        {
            "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" =>
                (FailureCategory.AuthenticationError, "Check the bot token (-SlackToken or $env:SLACK_BOT_TOKEN): it must be a valid xoxb- token."),
            "channel_not_found" => (FailureCategory.ObjectNotFound, "Check -Channel; for a private channel, invite the bot first."),
            "not_in_channel" => (FailureCategory.PermissionDenied, "Invite the bot to the channel (/invite @bot) and send again."),
            "missing_scope" => (FailureCategory.PermissionDenied, "Give the Slack app the chat:write scope and reinstall it."),
            "is_archived" => (FailureCategory.InvalidOperation, "The channel is archived: unarchive it or choose another -Channel."),
            "ratelimited" => (FailureCategory.ResourceUnavailable, "Wait a minute and send it again."),
            _ => (FailureCategory.ProtocolError, (string?)null),
        };
        throw new SeekapaException("SlackError", category, $"Slack refused the message to {channel}: {Safe(code)}.", channel, advice);
    }

    private static string Body(SlackPost post)
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

        return body.ToJsonString();
    }

    private string Safe(string? text) => Redactor.Redact(text, new[] { _token });

    public void Dispose() => _http.Dispose();
}
