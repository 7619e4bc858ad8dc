using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Endpoints;

/// <summary>
/// HTTP health checks (the runbook's /health curls). One HttpClient per checker; redirects are NOT followed (a /health
/// that redirects usually points at a login page or the wrong host: it is reported as an unexpected 3xx with its
/// Location). Every network outcome (timeout, DNS, refused, TLS, reset) is a result with Healthy = false, never an
/// exception; only the caller's cancellation throws.
/// </summary>
public sealed class EndpointChecker : IDisposable
{
    private readonly EndpointCheckOptions _options;
    private readonly HttpClient _client;
    private readonly SemaphoreSlim _throttle;
    private readonly HttpMethod _method;
    private readonly string[] _secrets;

    // The certificate seen per authority: the handshake runs once per pooled connection, not once per request.
    private readonly ConcurrentDictionary<string, CertificateSeen> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _httpsClients = new(StringComparer.OrdinalIgnoreCase);

    private sealed record CertificateSeen(string Subject, DateTimeOffset NotAfter, SslPolicyErrors Errors, string ChainStatus, string? Protocol);

    public EndpointChecker(EndpointCheckOptions options)
    {
        options.Validate();
        _options = options;
        _method = options.Method == "HEAD" ? HttpMethod.Head : HttpMethod.Get;
        _throttle = new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit);
        _secrets = options.Headers.Values.Where(v => !string.IsNullOrEmpty(v)).ToArray();
        _client = CreateClient(null);
    }

    /// <summary>
    /// http URIs share one client; each https authority gets its own, because SocketsHttpHandler's certificate callback
    /// does not say which request it serves, and the certificate (expiry, subject, errors) must be attributed to the right
    /// host:port. Connections are pooled per authority anyway, so nothing is lost.
    /// </summary>
    private HttpClient CreateClient(string? authority)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        if (authority is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => ValidateCertificate(authority, sender, certificate, chain, errors),
            };
        }

        // The per-check token enforces the timeout; HttpClient's own would throw a different exception.
        var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Seekapa.Ops", typeof(EndpointChecker).Assembly.GetName().Version?.ToString(3)));
        return client;
    }

    private HttpClient ClientFor(Uri uri) => uri.Scheme == Uri.UriSchemeHttps
        ? _httpsClients.GetOrAdd(uri.Authority, a => new Lazy<HttpClient>(() => CreateClient(a))).Value
        : _client;

    public EndpointCheckOptions Options => _options;

    /// <summary>Starts a batch whose checks run in parallel (bounded by ThrottleLimit) and are read as they complete.</summary>
    public EndpointCheckBatch StartBatch(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <summary>Checks every URI, at most ThrottleLimit at a time, yielding each result as it completes.</summary>
    public async IAsyncEnumerable<EndpointCheck> CheckAllAsync(IEnumerable<Uri> uris,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = StartBatch(cancellationToken);
        foreach (var uri in uris)
        {
            batch.Add(uri);
        }

        await foreach (var result in batch.ReadRemainingAsync().ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>Checks one URI (waiting for a throttle slot first). Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<EndpointCheck> CheckAsync(Uri uri, CancellationToken cancellationToken)
    {
        EndpointCheckOptions.ValidateUri(uri);
        await _throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _throttle.Release();
        }
    }

    private async Task<EndpointCheck> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        var checkedAt = DateTimeOffset.UtcNow;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var request = new HttpRequestMessage(_method, uri);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var clock = Stopwatch.StartNew();
        HttpResponseMessage? response = null;
        try
        {
            response = await ClientFor(uri).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            string? body = null;
            if (_method == HttpMethod.Get)
            {
                body = await ReadCappedAsync(response, timeout.Token).ConfigureAwait(false);
            }

            clock.Stop();
            return Evaluate(uri, checkedAt, clock.Elapsed, response, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var stage = response is null ? "no response headers" : $"status {(int)response.StatusCode} but the body did not arrive";
            return Failed(uri, checkedAt, clock.Elapsed, EndpointFailure.Timeout,
                $"Timed out after {_options.Timeout.TotalSeconds:0.###} s ({stage}).", response);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var (failure, message) = Classify(uri, ex);
            return Failed(uri, checkedAt, clock.Elapsed, failure, message, response);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[_options.MaxBodyBytes];
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return EncodingOf(response).GetString(buffer, 0, total);
        }
    }

    private static Encoding EncodingOf(HttpResponseMessage response)
    {
        try
        {
            return response.Content.Headers.ContentType?.CharSet is { Length: > 0 } charset
                ? Encoding.GetEncoding(charset.Trim('"'))
                : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private EndpointCheck Evaluate(Uri uri, DateTimeOffset checkedAt, TimeSpan elapsed, HttpResponseMessage response, string? body)
    {
        var status = (int)response.StatusCode;
        bool? matched = null;
        string? patternError = null;
        if (_options.BodyPattern is { } pattern && body is not null)
        {
            try
            {
                matched = pattern.IsMatch(body);
            }
            catch (RegexMatchTimeoutException)
            {
                matched = false;
                patternError = "the body pattern took longer than 2 s to evaluate";
            }
        }

        var failure = !_options.IsExpected(status) ? EndpointFailure.UnexpectedStatus
            : matched == false ? EndpointFailure.BodyMismatch
            : EndpointFailure.None;
        var location = response.Headers.Location is { } l ? Redact(new Uri(uri, l).ToString()) : null;
        var error = failure switch
        {
            EndpointFailure.UnexpectedStatus => $"Status {status} {response.ReasonPhrase} is not the expected {_options.ExpectedText}" +
                (location is null ? "." : $": redirected to {location} (redirects are not followed)."),
            EndpointFailure.BodyMismatch => patternError is null
                ? $"The body (first {_options.MaxBodyBytes / 1024} KiB) does not match the pattern '{_options.BodyPattern}'."
                : $"The body could not be checked: {patternError}.",
            _ => null,
        };
        return Result(uri, checkedAt, elapsed, failure, error, status, response.ReasonPhrase, matched, location);
    }

    private EndpointCheck Failed(Uri uri, DateTimeOffset checkedAt, TimeSpan elapsed, EndpointFailure failure, string message,
        HttpResponseMessage? response) =>
        Result(uri, checkedAt, elapsed, failure, message, response is null ? null : (int)response.StatusCode, response?.ReasonPhrase, null, null);

    private EndpointCheck Result(Uri uri, DateTimeOffset checkedAt, TimeSpan elapsed, EndpointFailure failure, string? error,
        int? status, string? reason, bool? matched, string? location)
    {
        CertificateSeen? cert = null;
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            _certificates.TryGetValue(uri.Authority, out cert);
        }

        return new EndpointCheck
        {
            Uri = DisplayUri(uri),
            Method = _method.Method,
            Healthy = failure == EndpointFailure.None,
            StatusCode = status,
            ReasonPhrase = reason,
            LatencyMs = Math.Round(elapsed.TotalMilliseconds, 1),
            Expected = _options.ExpectedText,
            BodyMatched = matched,
            Failure = failure,
            Error = error is null ? null : Redact(error),
            RedirectLocation = location,
            CheckedAt = checkedAt,
            CertificateSubject = cert?.Subject,
            CertificateExpires = cert?.NotAfter,
            CertificateDaysRemaining = cert is null ? null : (int)Math.Floor((cert.NotAfter - DateTimeOffset.UtcNow).TotalDays),
            TlsProtocol = cert?.Protocol,
        };
    }

    private (EndpointFailure, string) Classify(Uri uri, Exception ex)
    {
        var socket = Find<SocketException>(ex);
        var host = uri.Host;
        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
            || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return (EndpointFailure.DnsFailure, $"The name '{host}' could not be resolved: {Innermost(ex).Message}");
        }

        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return (EndpointFailure.ConnectionRefused, $"Connection refused by {uri.Authority}: nothing is listening on port {uri.Port}.");
        }

        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } || Find<AuthenticationException>(ex) is not null)
        {
            var detail = _certificates.TryGetValue(uri.Authority, out var cert) && cert.Errors != SslPolicyErrors.None
                ? $"the certificate of {cert.Subject} (expires {cert.NotAfter:yyyy-MM-dd}) is not acceptable: {Describe(cert)}"
                : Innermost(ex).Message;
            return (EndpointFailure.TlsFailure, $"TLS handshake with {uri.Authority} failed: {detail}");
        }

        if (socket?.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            || ex is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } || ex is IOException)
        {
            return (EndpointFailure.ConnectionReset, $"{uri.Authority} closed the connection before a complete response: {Innermost(ex).Message}");
        }

        return (EndpointFailure.Other, $"{ex.Message}{(Innermost(ex) is var inner && inner != ex ? $" ({inner.Message})" : string.Empty)}");
    }

    private static string Describe(CertificateSeen cert)
    {
        var parts = new List<string>();
        if (cert.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("the name does not match the host");
        }

        if (cert.Errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            parts.Add($"the chain is not trusted ({cert.ChainStatus})");
        }

        if (cert.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("no certificate was sent");
        }

        return string.Join("; ", parts);
    }

    private bool ValidateCertificate(string authority, object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null)
        {
            var status = chain?.ChainStatus is { Length: > 0 } s
                ? string.Join(", ", s.Select(c => c.Status.ToString()).Distinct())
                : "none";
            var notAfter = certificate is X509Certificate2 c2
                ? new DateTimeOffset(c2.NotAfter.ToUniversalTime(), TimeSpan.Zero)
                : DateTimeOffset.MinValue;
            _certificates[authority] = new CertificateSeen(certificate.Subject, notAfter, errors, status, ProtocolOf(sender));
        }

        return _options.SkipCertificateCheck || errors == SslPolicyErrors.None;
    }

    // The protocol is negotiated before the certificate is checked; if this runtime does not expose it yet, it stays unknown.
    private static string? ProtocolOf(object sender)
    {
        try
        {
            return sender is SslStream { SslProtocol: var p and not SslProtocols.None } ? p.ToString() : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private string Redact(string text) => Redactor.Redact(text, _secrets);

    /// <summary>The URI with any secret in it masked (user:password@, ?api_key=, known tokens), for output and messages.</summary>
    public static string Display(Uri uri) => DisplayUri(uri).ToString();

    private static Uri DisplayUri(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return uri;
        }

        var shown = uri;
        if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            shown = new UriBuilder(uri) { Password = Redactor.Mask }.Uri;
        }

        var text = shown.OriginalString;
        var redacted = Redactor.Redact(text);
        return redacted == text ? shown : new Uri(redacted);
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var client in _httpsClients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _throttle.Dispose();
    }
}
