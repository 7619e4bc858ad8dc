using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;

namespace Seekapa.Ops.Core.Endpoints;

/// <summary>How <see cref="EndpointChecker"/> checks each URI. Validate with <see cref="Validate"/> before any call.</summary>
public sealed record EndpointCheckOptions
{
    /// <summary>The size of body read for -BodyPattern (and for the latency): enough for any /health document.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>Accepted status codes; null or empty means any 2xx.</summary>
    public IReadOnlyList<int>? ExpectedStatus { get; init; }

    /// <summary>A pattern the body (first <see cref="MaxBodyBytes"/> bytes) must match; see <see cref="ParsePattern"/>.</summary>
    public Regex? BodyPattern { get; init; }

    /// <summary>Per URI: connect, TLS, headers and the capped body read all fit in it. Waiting for a throttle slot does not count.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int ThrottleLimit { get; init; } = 16;

    /// <summary>GET or HEAD.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>Request headers (e.g. an API key). Their values are never written to results or messages.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Accepts any server certificate (expired, self-signed, wrong name). Dangerous: only for known test endpoints.</summary>
    public bool SkipCertificateCheck { get; init; }

    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>The accepted statuses as shown in results: "2xx" or "200,204".</summary>
    public string ExpectedText => ExpectedStatus is { Count: > 0 } codes ? string.Join(",", codes) : "2xx";

    public bool IsExpected(int status) => ExpectedStatus is { Count: > 0 } codes ? codes.Contains(status) : status is >= 200 and <= 299;

    /// <summary>Rejects settings that would make every check fail the same way (InvalidArgument), before any request.</summary>
    public void Validate()
    {
        if (Method is not ("GET" or "HEAD"))
        {
            throw new SeekapaException("InvalidMethod", FailureCategory.InvalidArgument, $"Method '{Method}' is not supported: use GET or HEAD.", Method);
        }

        if (BodyPattern is not null && Method == "HEAD")
        {
            throw new SeekapaException("InvalidParameterCombination", FailureCategory.InvalidArgument,
                "A HEAD response has no body, so -BodyPattern cannot be checked: use -Method GET.", BodyPattern.ToString());
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument, $"The timeout must be positive (was {Timeout}).", Timeout);
        }

        if (ThrottleLimit < 1)
        {
            throw new SeekapaException("InvalidThrottleLimit", FailureCategory.InvalidArgument, $"The throttle limit must be at least 1 (was {ThrottleLimit}).", ThrottleLimit);
        }

        // A line break in a header would split the request (TryAddWithoutValidation sends it as is); values are never shown.
        foreach (var (name, value) in Headers)
        {
            HttpInputs.HeaderName(name, "-Header");
            HttpInputs.HeaderValue(value, $"-Header '{name}'", secret: true);
        }

        foreach (var code in ExpectedStatus ?? Array.Empty<int>())
        {
            if (code is < 100 or > 599)
            {
                throw new SeekapaException("InvalidStatusCode", FailureCategory.InvalidArgument, $"{code} is not an HTTP status code (100-599).", code);
            }
        }
    }

    /// <summary>
    /// Compiles -BodyPattern: case-insensitive like PowerShell's -match, with a match timeout so that a pathological
    /// pattern cannot hang a check. A malformed pattern is InvalidPattern.
    /// </summary>
    public static Regex ParsePattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException ex)
        {
            throw new SeekapaException("InvalidPattern", FailureCategory.InvalidArgument,
                $"'{pattern}' is not a valid regular expression: {ex.Message}", pattern,
                "Use .NET regular expression syntax, e.g. '\"status\"\\s*:\\s*\"(ok|healthy)\"'.");
        }
    }

    /// <summary>An absolute http or https URI, or InvalidUri.</summary>
    public static Uri ValidateUri(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new SeekapaException("InvalidUri", FailureCategory.InvalidArgument,
                $"'{uri?.OriginalString}' is not an absolute URI: give the scheme and host, e.g. https://api.seekapa.com/health.", uri?.OriginalString);
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SeekapaException("InvalidUri", FailureCategory.InvalidArgument,
                $"'{EndpointChecker.Display(uri)}' uses the scheme '{uri.Scheme}': only http and https can be checked.", EndpointChecker.Display(uri));
        }

        return uri;
    }
}
