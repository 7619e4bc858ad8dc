namespace Seekapa.Ops.Sandbox;

/// <summary>
/// Faults on demand, for testing client resilience: error bursts (429 with Retry-After, 500, 503), latency, dropped
/// connections and dropped watches. Rules are applied in the order they were added; each is used up after its count.
/// </summary>
public sealed class Faults
{
    internal const string DroppedReason = "dropped by fault injection";

    private readonly Lock _lock = new();
    private readonly List<FaultRule> _rules = [];
    private readonly Func<int> _dropWatches;
    private long _latencyTicks;

    internal Faults(Func<int> dropWatches) => _dropWatches = dropWatches;

    /// <summary>Added to every authenticated request.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    public IReadOnlyList<FaultRule> Rules
    {
        get { lock (_lock) { return _rules.ToArray(); } }
    }

    /// <summary>Answer the next <paramref name="count"/> matching requests with <paramref name="statusCode"/> and a Kubernetes Status body.</summary>
    public FaultRule Respond(int statusCode, int count = 1, string? pathPrefix = null, string? method = null, TimeSpan? retryAfter = null) =>
        Add(new FaultRule(count) { StatusCode = statusCode, PathPrefix = pathPrefix, Method = method, RetryAfter = retryAfter });

    /// <summary>429 Too Many Requests with Retry-After, as API Priority and Fairness sends it.</summary>
    public FaultRule Throttle(int count, TimeSpan retryAfter, string? pathPrefix = null, string? method = null) =>
        Respond(429, count, pathPrefix, method, retryAfter);

    /// <summary>Abort the next <paramref name="count"/> matching requests without an answer.</summary>
    public FaultRule DropConnections(int count = 1, string? pathPrefix = null, string? method = null) =>
        Add(new FaultRule(count) { Drop = true, PathPrefix = pathPrefix, Method = method });

    /// <summary>Delay the next <paramref name="count"/> matching requests.</summary>
    public FaultRule Delay(TimeSpan latency, int count = int.MaxValue, string? pathPrefix = null, string? method = null) =>
        Add(new FaultRule(count) { Latency = latency, PathPrefix = pathPrefix, Method = method });

    /// <summary>Cuts every open watch connection now; returns how many were open.</summary>
    public int DropWatches() => _dropWatches();

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
        Latency = TimeSpan.Zero;
    }

    private FaultRule Add(FaultRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rule.Remaining);
        lock (_lock)
        {
            _rules.Add(rule);
        }
        return rule;
    }

    /// <summary>The delay to apply and the terminating rule (status or drop), if any, consuming their counts.</summary>
    internal (TimeSpan Delay, FaultRule? Terminal) Evaluate(string method, string path)
    {
        var delay = Latency;
        lock (_lock)
        {
            _rules.RemoveAll(r => r.Remaining <= 0);
            foreach (var rule in _rules)
            {
                if (!rule.Matches(method, path) || !rule.TryConsume())
                {
                    continue;
                }
                delay += rule.Latency;
                if (rule.StatusCode is not null || rule.Drop)
                {
                    return (delay, rule);
                }
            }
        }
        return (delay, null);
    }
}
