using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Prometheus;

/// <summary>
/// Instant and range queries over the Prometheus HTTP API (/api/v1/query, /api/v1/query_range), for
/// Invoke-SeekapaPrometheusQuery and for other Core code such as triage (the 5xx rate). GET requests through the
/// RetryingHandler, so 503 (Prometheus starting, overloaded) and dropped connections are retried with backoff.
/// </summary>
public sealed class PrometheusClient : IDisposable
{
    /// <summary>Prometheus refuses range queries with more points per series than this.</summary>
    public const int MaxPointsPerSeries = 11_000;

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TimeSpan _timeout;
    private readonly string?[] _secrets;

    /// <param name="transport">The innermost handler (tests); by default a SocketsHttpHandler using the system proxy settings.</param>
    public PrometheusClient(PrometheusClientOptions options, HttpMessageHandler? transport = null)
    {
        var (username, password) = Validate(options);
        var endpoint = options.Endpoint;
        var builder = new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        _base = builder.Uri;
        _timeout = options.Timeout;
        _secrets = [options.BearerToken, password];
        var retrying = new RetryingHandler(RetryPolicy.Default with { RequestTimeout = options.Timeout })
        {
            InnerHandler = transport ?? new SocketsHttpHandler { ConnectTimeout = options.Timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(2) },
        };
        _http = new HttpClient(retrying) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Seekapa.Ops", typeof(PrometheusClient).Assembly.GetName().Version?.ToString(3)));
        if (options.BearerToken is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (username is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        }
    }

    /// <summary>
    /// Checks the options without sending anything (InvalidEndpoint, InvalidTimeout, InvalidParameterCombination) and
    /// returns the basic credentials to use: the explicit ones, else user:password@ from the URI.
    /// </summary>
    public static (string? Username, string? Password) Validate(PrometheusClientOptions options)
    {
        var endpoint = options.Endpoint;
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new SeekapaException("InvalidEndpoint", FailureCategory.InvalidArgument,
                $"'{Redactor.Redact(endpoint.OriginalString)}' is not an http or https URI of a Prometheus server.", Redactor.Redact(endpoint.OriginalString),
                "Give the server's base URI, e.g. http://prometheus:9090.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument, "The timeout must be more than zero.");
        }

        var (uriUser, uriPassword) = UserInfo(endpoint);
        var username = options.Username ?? uriUser;
        var password = options.Username is null ? uriPassword : options.Password;
        if (options.BearerToken is not null && username is not null)
        {
            throw new SeekapaException("InvalidParameterCombination", FailureCategory.InvalidArgument,
                "Give either a bearer token or basic credentials (-Credential, or user:password@ in the URI), not both.");
        }

        if (options.BearerToken is { } token)
        {
            HttpInputs.HeaderValue(token, "The bearer token (-BearerToken)", secret: true);
            HttpInputs.RequireSecureTransport(endpoint, "The bearer token", "-Endpoint", options.AllowInsecureTransport);
        }
        else if (username is not null)
        {
            // Base64 keeps line breaks out of the header; a colon in the user name would split it differently at the server.
            if (username.Contains(':', StringComparison.Ordinal))
            {
                throw new SeekapaException("InvalidCredential", FailureCategory.InvalidArgument,
                    "A basic-authentication user name cannot contain ':'.", null);
            }

            HttpInputs.RequireSecureTransport(endpoint, "The basic-authentication password", "-Endpoint", options.AllowInsecureTransport);
        }

        return (username, password);
    }

    /// <summary>The server's base URI, without credentials: safe to show.</summary>
    public Uri Endpoint => _base;

    /// <summary>An instant query at <paramref name="time"/> (default: now, as Prometheus evaluates it).</summary>
    public Task<PrometheusQueryResult> QueryAsync(string query, DateTimeOffset? time, CancellationToken cancellationToken)
    {
        ValidateQuery(query);
        var parameters = new List<(string, string)> { ("query", query) };
        if (time is { } t)
        {
            parameters.Add(("time", Seconds(t)));
        }

        return SendAsync("api/v1/query", query, parameters, cancellationToken);
    }

    /// <summary>A range query: every series evaluated at start, start+step, ... up to end.</summary>
    public Task<PrometheusQueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step,
        CancellationToken cancellationToken)
    {
        ValidateQuery(query);
        ValidateRange(start, end, step);
        var parameters = new List<(string, string)>
        {
            ("query", query), ("start", Seconds(start)), ("end", Seconds(end)),
            ("step", step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)),
        };
        return SendAsync("api/v1/query_range", query, parameters, cancellationToken);
    }

    /// <summary>Throws InvalidTimeRange / InvalidStep for a range Prometheus would refuse; call before anything else happens.</summary>
    public static void ValidateRange(DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        if (end < start)
        {
            throw new SeekapaException("InvalidTimeRange", FailureCategory.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"The end ({end:u}) is before the start ({start:u})."));
        }

        if (step < TimeSpan.FromMilliseconds(1))
        {
            throw new SeekapaException("InvalidStep", FailureCategory.InvalidArgument, "The step must be at least 1 ms.");
        }

        var points = (end - start) / step;
        if (points > MaxPointsPerSeries)
        {
            throw new SeekapaException("InvalidStep", FailureCategory.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"A step of {step} over {end - start} gives {points:0} points per series; Prometheus allows at most {MaxPointsPerSeries}."),
                step, string.Create(CultureInfo.InvariantCulture, $"Use a step of at least {DefaultStep(start, end, MaxPointsPerSeries)}."));
        }
    }

    /// <summary>About <paramref name="points"/> points over the range, in whole seconds, at least one second.</summary>
    public static TimeSpan DefaultStep(DateTimeOffset start, DateTimeOffset end, int points = 250) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((end - start).TotalSeconds / points)));

    private static void ValidateQuery(string query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new SeekapaException("InvalidQuery", FailureCategory.InvalidArgument, "The query is empty.");
        }
    }

    private async Task<PrometheusQueryResult> SendAsync(string path, string query, List<(string Name, string Value)> parameters,
        CancellationToken cancellationToken)
    {
        parameters.Add(("timeout", _timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)));
        var uri = new Uri(_base, path + "?" + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}")));
        try
        {
            using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return PrometheusResponse.Parse(query, response.StatusCode, body, _secrets);
        }
        catch (TimeoutException ex)
        {
            throw new SeekapaException("PrometheusTimeout", FailureCategory.OperationTimeout,
                string.Create(CultureInfo.InvariantCulture,
                    $"Prometheus at {_base} did not answer within {_timeout.TotalSeconds:0.#} s: {Redactor.Redact(ex.Message, _secrets)}"), query,
                "Narrow the query (fewer series, a shorter range or a larger -Step) or raise -Timeout.");
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var inner = ex.InnerException is { } i && i.Message != ex.Message ? $" ({i.Message})" : string.Empty;
            throw new SeekapaException("PrometheusUnreachable", FailureCategory.ConnectionError,
                $"Could not reach Prometheus at {_base}: {Redactor.Redact(ex.Message + inner, _secrets)}", _base.ToString(),
                "Check -Endpoint (scheme, host, port) and that the server is up; through kubectl port-forward if it is in the cluster.");
        }
    }

    private static string Seconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static (string? User, string? Password) UserInfo(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo))
        {
            return (null, null);
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (Uri.UnescapeDataString(uri.UserInfo), string.Empty)
            : (Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
    }

    public void Dispose() => _http.Dispose();
}
