namespace Seekapa.Ops.Core.Http;

/// <summary>How hard a client retries and how long one request may take.</summary>
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>Total attempts including the first.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First backoff; doubled each attempt, with jitter, up to MaxDelay.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest Retry-After we honour; a server asking for more gets the error instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Per-request timeout: headers and (for non-streaming requests) the whole body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
