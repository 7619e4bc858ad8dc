namespace Seekapa.Ops.Sandbox;

/// <summary>
/// One injected fault: for the next <see cref="Remaining"/> requests matching <see cref="Method"/> and
/// <see cref="PathPrefix"/> (null = any), answer <see cref="StatusCode"/>, drop the connection, or add latency.
/// </summary>
public sealed class FaultRule
{
    private int _remaining;
    private int _hits;

    internal FaultRule(int count)
    {
        _remaining = count;
    }

    public string? PathPrefix { get; init; }
    public string? Method { get; init; }

    /// <summary>The status to answer with (e.g. 429, 500, 503); null for a drop or latency-only rule.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Sent as the Retry-After header and details.retryAfterSeconds.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Abort the request without a response (the client sees a reset connection).</summary>
    public bool Drop { get; init; }

    /// <summary>Delay before the request is handled (or before the fault is answered).</summary>
    public TimeSpan Latency { get; init; }

    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>How many requests this rule has affected.</summary>
    public int Hits => Volatile.Read(ref _hits);

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (PathPrefix is null || path.StartsWith(PathPrefix, StringComparison.Ordinal));

    /// <summary>Takes one use of the rule; false once it is exhausted.</summary>
    internal bool TryConsume()
    {
        while (true)
        {
            var current = Volatile.Read(ref _remaining);
            if (current <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
            {
                Interlocked.Increment(ref _hits);
                return true;
            }
        }
    }

    public override string ToString() =>
        $"{Method ?? "*"} {PathPrefix ?? "/"} -> {(Drop ? "drop" : StatusCode?.ToString() ?? "delay")} ({Remaining} left)";
}
