namespace Seekapa.Ops.Core.Prometheus;

/// <summary>Where Prometheus is and how to authenticate: a bearer token or basic credentials (not both), and the timeout.</summary>
public sealed record PrometheusClientOptions
{
    /// <summary>The server's base URI, e.g. http://prometheus:9090 (a path prefix such as /prometheus is kept).</summary>
    public required Uri Endpoint { get; init; }

    public string? BearerToken { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>Lets a bearer token or basic credentials go over plain http to another machine (-AllowInsecureTransport).</summary>
    public bool AllowInsecureTransport { get; init; }

    /// <summary>Per request; also sent as the query's timeout, so that Prometheus stops evaluating when we stop waiting.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
