using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>What PagerDuty answered: the incident's id, its status now, its page, and how many requests it took.</summary>
public sealed record PagerDutyIncidentState(string Id, string Status, string? HtmlUrl, int Attempts);

/// <summary>
/// Acknowledges and resolves PagerDuty incidents with the REST API v2: PUT /incidents/{id} with
/// {"incident":{"type":"incident_reference","status":...}}, "Authorization: Token token=...", the v2 Accept header and
/// From (the email of a PagerDuty user; required with an account API key). Setting a status is idempotent, but only 429 is
/// retried (after Retry-After, at most MaxAttempts requests): every other answer is PagerDuty's decision. The key is never
/// part of a message or an error.
/// </summary>
public sealed class PagerDutyClient : IDisposable
{
    public static readonly Uri DefaultApiUrl = new("https://api.pagerduty.com/");
    public const int MaxAttempts = RateLimitedSender.MaxAttempts;
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    private readonly HttpClient _http;
    private readonly Uri _apiUrl;
    private readonly string _token;
    private readonly string? _from;
    private readonly RateLimitedSender _sender;

    /// <summary>Checks everything the requests would carry, before any request (PagerDutyClient.Validate).</summary>
    /// <param name="from">The requester's e-mail (-PagerDutyFrom or $env:PAGERDUTY_FROM); null or blank for none.</param>
    public PagerDutyClient(string token, string? from, Uri? apiUrl = null, HttpMessageHandler? handler = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null, bool allowInsecureTransport = false, string fromName = "-PagerDutyFrom")
    {
        (_apiUrl, _from) = Validate(token, from, apiUrl, allowInsecureTransport, fromName);
        _token = token;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(30);
        _sender = new RateLimitedSender(_http, "PagerDuty", _apiUrl, "-PagerDutyApiUrl", delay ?? Task.Delay, Safe);
    }

    /// <summary>
    /// The API base URL and the From address to use, or the input error a request would hit: PagerDutyApiUrlInvalid (not
    /// absolute http/https), InvalidHeaderValue (a control character in the key), PagerDutyFromInvalid (From is not an
    /// e-mail address: a CR/LF in it would split the request), InsecureTransport (the key over http to another machine
    /// without -AllowInsecureTransport). Sends nothing: callers check this before they change anything.
    /// </summary>
    public static (Uri ApiUrl, string? From) Validate(string token, string? from, Uri? apiUrl, bool allowInsecureTransport,
        string fromName = "-PagerDutyFrom")
    {
        var url = HttpInputs.ApiBaseUrl(apiUrl ?? DefaultApiUrl, "-PagerDutyApiUrl", "PagerDuty REST", "PagerDutyApiUrlInvalid");
        HttpInputs.HeaderValue(token, "The PagerDuty API key (-PagerDutyToken or $env:" + IntegrationErrors.PagerDutyTokenVariable + ")", secret: true);
        var address = string.IsNullOrWhiteSpace(from) ? null : HttpInputs.EmailAddress(from, fromName, "PagerDutyFromInvalid");
        HttpInputs.RequireSecureTransport(url, "The PagerDuty API key", "-PagerDutyApiUrl", allowInsecureTransport);
        return (url, address);
    }

    /// <summary>The id, trimmed, or PagerDutyIncidentIdInvalid: ids are alphanumeric, so none can reach another URL path.</summary>
    public static string ValidateIncidentId(string id)
    {
        var trimmed = id.Trim();
        return trimmed.Length is > 0 and <= 64 && trimmed.All(char.IsAsciiLetterOrDigit)
            ? trimmed
            : throw IntegrationErrors.PagerDutyIncidentIdInvalid(id);
    }

    public Task<PagerDutyIncidentState> AcknowledgeAsync(string id, CancellationToken cancellationToken) =>
        SetStatusAsync(id, Acknowledged, cancellationToken);

    public Task<PagerDutyIncidentState> ResolveAsync(string id, CancellationToken cancellationToken) =>
        SetStatusAsync(id, Resolved, cancellationToken);

    private async Task<PagerDutyIncidentState> SetStatusAsync(string id, string status, CancellationToken cancellationToken)
    {
        id = ValidateIncidentId(id);
        var body = new JsonObject
        {
            ["incident"] = new JsonObject { ["type"] = "incident_reference", ["status"] = status },
        }.ToJsonString();
        var endpoint = new Uri(_apiUrl, "incidents/" + id);
        var verb = status == Resolved ? "resolve" : "acknowledge";
        var reply = await _sender.SendAsync(() =>
        {
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json"); // exactly, as PagerDuty documents it
            var request = new HttpRequestMessage(HttpMethod.Put, endpoint) { Content = content };
            request.Headers.TryAddWithoutValidation("Authorization", "Token token=" + _token);
            request.Headers.TryAddWithoutValidation("Accept", "application/vnd.pagerduty+json;version=2");
            if (_from is not null)
            {
                request.Headers.TryAddWithoutValidation("From", _from);
            }

            return request;
        }, $"the request to {verb} incident {id}", id, $"incident {id} may or may not be {status}", RetryAfter, cancellationToken).ConfigureAwait(false);

        var answer = Parse(reply.Body);
        if ((int)reply.Status is < 200 or > 299)
        {
            throw Refused(reply.Status, answer, id, verb);
        }

        var incident = answer?["incident"];
        return new PagerDutyIncidentState(incident?["id"]?.ToString() ?? id, incident?["status"]?.ToString() ?? status,
            incident?["html_url"]?.ToString(), reply.Attempts);
    }

    /// <summary>Retry-After, else PagerDuty's ratelimit-reset (seconds), else one second.</summary>
    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return response.Headers.TryGetValues("ratelimit-reset", out var values)
               && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1);
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private SeekapaException Refused(HttpStatusCode status, JsonNode? answer, string id, string verb)
    {
        // PagerDuty's errors: {"error":{"message":"Invalid Input Provided","code":2001,"errors":["Requester User Not Found"]}}
        var error = answer?["error"];
        var details = new List<string>();
        if (error?["message"]?.ToString() is { Length: > 0 } message)
        {
            details.Add(message);
        }

        if (error?["code"] is { } code)
        {
            details.Add($"code {code}");
        }

        var reasons = error?["errors"] is JsonArray list ? list.Select(e => e?.ToString()).Where(e => !string.IsNullOrEmpty(e)).ToList() : new();
        var said = details.Count == 0 ? $"HTTP {(int)status} {status}" : $"HTTP {(int)status} {string.Join(", ", details)}";
        if (reasons.Count > 0)
        {
            said += ": " + string.Join("; ", reasons);
        }

        var fromAdvice = _from is null
            ? $"Give -PagerDutyFrom or set $env:{IntegrationErrors.PagerDutyFromVariable} to the email of a PagerDuty user (an account API key needs it)."
            : $"Check that {_from} is the login email of a PagerDuty user who may change this incident.";
        var (category, advice) = (int)status switch
        {
            400 => (FailureCategory.InvalidArgument, fromAdvice),
            401 => (FailureCategory.AuthenticationError,
                $"Check the API key (-PagerDutyToken or $env:{IntegrationErrors.PagerDutyTokenVariable}): it must be a valid REST API key."),
            402 or 403 => (FailureCategory.PermissionDenied, "The API key may be read-only, or the account lacks access to this incident."),
            404 => (FailureCategory.ObjectNotFound, "Check -PagerDutyIncidentId: it is the id at the end of the incident's page URL."),
            _ => (FailureCategory.ProtocolError, (string?)null),
        };
        return new SeekapaException("PagerDutyError", category, $"PagerDuty refused to {verb} incident {id} ({Safe(said)}).", id, advice);
    }

    private string Safe(string? text) => Redactor.Redact(text, new[] { _token });

    public void Dispose() => _http.Dispose();
}
