namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>What Get-SeekapaEvent asks for. Every filter is optional; together they must all hold.</summary>
/// <param name="Types">Normal / Warning, case-insensitive.</param>
/// <param name="Reasons">Reasons, case-insensitive; wildcards (*, ?, [abc]) allowed.</param>
/// <param name="Since">Only events last seen within this long before now.</param>
/// <param name="For">Only events about one of these objects.</param>
public sealed record EventQuery(
    string? Namespace = null,
    bool AllNamespaces = false,
    IReadOnlyList<string>? Types = null,
    IReadOnlyList<string>? Reasons = null,
    TimeSpan? Since = null,
    IReadOnlyList<EventObjectReference>? For = null,
    int PageSize = 500)
{
    /// <summary>
    /// The namespaces to list (null = every namespace): -AllNamespaces; else -Namespace; else, with -For, the namespaces
    /// of the objects (every namespace when one of them is cluster-scoped, e.g. a Node, whose events are in "default");
    /// else the connection's namespace.
    /// </summary>
    public IReadOnlyList<string?> Scopes(string defaultNamespace)
    {
        if (AllNamespaces)
        {
            return new string?[] { null };
        }

        if (!string.IsNullOrEmpty(Namespace))
        {
            return new string?[] { Namespace };
        }

        if (For is { Count: > 0 })
        {
            if (For.Any(f => f.IsClusterScoped))
            {
                return new string?[] { null };
            }

            return For.Select(f => f.Namespace ?? defaultNamespace).Distinct(StringComparer.Ordinal).Select(n => (string?)n).ToArray();
        }

        return new string?[] { defaultNamespace };
    }
}

/// <summary>The client-side filter of an <see cref="EventQuery"/> (type, reason, window, objects).</summary>
public sealed class EventFilter
{
    private readonly HashSet<string>? _types;
    private readonly HashSet<string> _reasons = new(StringComparer.OrdinalIgnoreCase);
    private readonly NameFilter? _reasonPatterns;
    private readonly DateTimeOffset? _cutoff;
    private readonly IReadOnlyList<EventObjectReference>? _for;

    public EventFilter(EventQuery query, DateTimeOffset now)
    {
        if (query.Types is { Count: > 0 })
        {
            _types = new HashSet<string>(query.Types, StringComparer.OrdinalIgnoreCase);
        }

        if (query.Reasons is { Count: > 0 })
        {
            // NameFilter's wildcards are case-insensitive but its exact names are not: reasons are compared here instead.
            var patterns = query.Reasons.Where(NameFilter.IsWildcard).ToArray();
            _reasonPatterns = patterns.Length > 0 ? new NameFilter(patterns) : null;
            foreach (var reason in query.Reasons.Where(r => !NameFilter.IsWildcard(r)))
            {
                _reasons.Add(reason);
            }

            HasReasonFilter = true;
        }

        _cutoff = query.Since is { } since ? now - since : null;
        _for = query.For is { Count: > 0 } ? query.For : null;
    }

    private bool HasReasonFilter { get; }

    public bool Matches(ClusterEvent ev)
    {
        if (_types is not null && !_types.Contains(ev.Type))
        {
            return false;
        }

        if (HasReasonFilter && !_reasons.Contains(ev.Reason) && _reasonPatterns?.Matches(ev.Reason) != true)
        {
            return false;
        }

        if (_cutoff is { } cutoff && (ev.LastSeen is not { } seen || seen < cutoff))
        {
            return false;
        }

        return _for is null || _for.Any(f => f.Matches(ev));
    }
}
