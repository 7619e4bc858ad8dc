using System.Globalization;
using System.Net;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>What a web API answered once it was not rate-limited: status, reason, body text, and how many requests it took.</summary>
internal sealed record WebApiAnswer(HttpStatusCode Status, string? Reason, string Body, int Attempts);

/// <summary>
/// The request loop Slack's and PagerDuty's clients share: a 429 is retried after its wait (the service did not act on it),
/// at most MaxAttempts requests and never a wait over MaxRetryAfter; nothing else is retried, so a change is never sent
/// twice. Transport failures become {Service}Unreachable / {Service}Timeout; the caller's redaction keeps its token out.
/// </summary>
internal sealed class RateLimitedSender(
    HttpClient http,
    string service,
    Uri apiUrl,
    string apiUrlParameter,
    Func<TimeSpan, CancellationToken, Task> delay,
    Func<string?, string> safe)
{
    public const int MaxAttempts = 3;
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <param name="build">A fresh request per attempt (a request cannot be sent twice).</param>
    /// <param name="what">What is asked, for messages: "chat.postMessage", "to acknowledge incident Q1".</param>
    /// <param name="unsure">What a timeout leaves unknown: "the message may or may not have been posted".</param>
    public async Task<WebApiAnswer> SendAsync(Func<HttpRequestMessage> build, string what, string target, string unsure,
        Func<HttpResponseMessage, TimeSpan> retryAfter, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SeekapaException(service + "Unreachable", FailureCategory.ConnectionError,
                    $"{service} ({apiUrl.GetLeftPart(UriPartial.Authority)}) could not be reached: {safe(ex.Message)}", target,
                    $"Check the network and {apiUrlParameter}.", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SeekapaException(service + "Timeout", FailureCategory.OperationTimeout,
                    $"{service} did not answer {what} within {http.Timeout.TotalSeconds:0} s; {unsure}.", target, null, ex);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    return new WebApiAnswer(response.StatusCode, response.ReasonPhrase, body, attempt);
                }

                var wait = retryAfter(response);
                if (attempt >= MaxAttempts || wait > MaxRetryAfter)
                {
                    throw new SeekapaException(service + "RateLimited", FailureCategory.ResourceUnavailable,
                        string.Create(CultureInfo.InvariantCulture,
                            $"{service} rate-limited {what} (HTTP 429, Retry-After {wait.TotalSeconds:0} s) after {attempt} attempt(s)."),
                        target, "Wait a minute and try again.");
                }

                await delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
