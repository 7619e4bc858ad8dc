namespace Seekapa.Ops;

/// <summary>The result of one HTTP health check (Test-SeekapaEndpoint). Network failures are results, not errors.</summary>
public sealed class EndpointCheck
{
    public Uri Uri { get; init; } = null!;
    public string Method { get; init; } = "GET";
    public bool Healthy { get; init; }
    public int? StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }

    /// <summary>Milliseconds from sending the request to the end of the body read (capped at 64 KiB), or to the failure.</summary>
    public double LatencyMs { get; init; }

    /// <summary>The accepted statuses, e.g. "2xx" or "200,204".</summary>
    public string Expected { get; init; } = "2xx";

    /// <summary>Whether the body (first 64 KiB) matched -BodyPattern; null without a pattern or without a body read.</summary>
    public bool? BodyMatched { get; init; }
    public EndpointFailure Failure { get; init; }

    /// <summary>What went wrong, in words (secrets redacted); null when healthy.</summary>
    public string? Error { get; init; }

    /// <summary>The Location header of a redirect (redirects are not followed).</summary>
    public string? RedirectLocation { get; init; }
    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>For https: the negotiated protocol (e.g. Tls13) when the runtime reports it during the handshake.</summary>
    public string? TlsProtocol { get; init; }

    /// <summary>For https: the server certificate's subject, expiry and days left (negative when expired).</summary>
    public string? CertificateSubject { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    public int? CertificateDaysRemaining { get; init; }

    public override string ToString() => Uri.ToString();
}
