using System.Net;
using System.Net.Sockets;

namespace Seekapa.Ops.Core.Http;

/// <summary>
/// Retries what is safe to retry: 429 (honouring Retry-After) for any request, since the server did not act on it;
/// 5xx and dropped connections for reads (GET/HEAD), and refused connections for anything (nothing was sent).
/// Attempts are bounded, with exponential backoff and jitter, and every attempt has a timeout. Non-streaming responses
/// are buffered under that timeout, so a body that stalls counts as a failed attempt rather than hanging the cmdlet.
/// </summary>
public sealed class RetryingHandler : DelegatingHandler
{
    private readonly RetryPolicy _policy;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public RetryingHandler(RetryPolicy? policy = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _policy = policy ?? RetryPolicy.Default;
        _delay = delay ?? Task.Delay;
    }

    /// <summary>Raised before each retry (attempt number, reason, delay), for Verbose output.</summary>
    public event Action<int, string, TimeSpan>? Retrying;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isRead = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        var isStream = IsStreaming(request);
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_policy.RequestTimeout);
            HttpResponseMessage? response = null;
            string reason;
            TimeSpan? retryAfter = null;
            try
            {
                response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (!isStream)
                {
                    await response.Content.LoadIntoBufferAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
                }

                var code = (int)response.StatusCode;
                if (code == 429)
                {
                    retryAfter = RetryAfter(response);
                    reason = "429 Too Many Requests";
                    if (retryAfter > _policy.MaxRetryAfter)
                    {
                        return response;
                    }
                }
                else if (code >= 500 && isRead && code != 501)
                {
                    retryAfter = RetryAfter(response);
                    reason = $"{code} {response.ReasonPhrase}";
                }
                else
                {
                    return response;
                }

                if (attempt >= _policy.MaxAttempts)
                {
                    return response;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not retried: a server that does not answer within the timeout will not answer faster next time,
                // and the caller must hear about it within one timeout, not four.
                response?.Dispose();
                throw new TimeoutException(
                    $"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} did not answer within {_policy.RequestTimeout.TotalSeconds:0.#} s.");
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex, isRead))
            {
                response?.Dispose();
                if (attempt >= _policy.MaxAttempts)
                {
                    throw;
                }

                reason = ex.Message;
            }
            catch (IOException ex) when (!cancellationToken.IsCancellationRequested && isRead && !TlsFailures.IsTlsFailure(ex))
            {
                response?.Dispose();
                if (attempt >= _policy.MaxAttempts)
                {
                    throw new HttpRequestException(ex.Message, ex);
                }

                reason = ex.Message;
            }

            response?.Dispose();
            var delay = retryAfter ?? Backoff(attempt);
            Retrying?.Invoke(attempt, reason, delay);
            await _delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsStreaming(HttpRequestMessage request)
    {
        var query = request.RequestUri?.Query ?? string.Empty;
        // Pod logs are read line by line as they arrive: buffering a whole (possibly huge) log would defeat that.
        return (request.RequestUri?.AbsolutePath.EndsWith("/log", StringComparison.Ordinal) ?? false)
            || query.Contains("watch=true", StringComparison.OrdinalIgnoreCase)
            || query.Contains("watch=1", StringComparison.Ordinal)
            || query.Contains("follow=true", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsTransient(HttpRequestException ex, bool isRead)
    {
        if (TlsFailures.IsTlsFailure(ex))
        {
            return false;
        }

        // A refused connection never reached the server: safe to retry any method.
        if (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return true;
        }

        return isRead && (ex.InnerException is IOException or SocketException || ex.HttpRequestError is
            HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.Unknown);
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = _policy.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ms = Math.Min(ms, _policy.MaxDelay.TotalMilliseconds);
        // Full jitter on the upper half, so a fleet of runbooks does not retry in lockstep.
        return TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
