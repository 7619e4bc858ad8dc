using k8s;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// Lists core/v1 Events page by page (limit/continue) and returns the matching ones sorted by last seen, newest first.
/// Unlike the other readers it cannot stream: the order is only known once every page is in. Memory is bounded by the
/// number of events the cluster keeps (the API server drops them after --event-ttl, 1h by default), and only the
/// matching ones are kept.
/// </summary>
public sealed class EventReader(ClusterSession session, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public async Task<IReadOnlyList<ClusterEvent>> ReadAsync(EventQuery query, CancellationToken ct)
    {
        if (query.Namespace is { Length: > 0 } explicitNs)
        {
            ResourceNames.ValidateNamespace(explicitNs);
        }

        var scopes = query.Scopes(session.DefaultNamespace);
        foreach (var ns in scopes.OfType<string>())
        {
            ResourceNames.ValidateNamespace(ns);
        }

        var now = _clock();
        var filter = new EventFilter(query, now);
        var matched = new List<ClusterEvent>();
        foreach (var ns in scopes)
        {
            string? continueToken = null;
            do
            {
                var page = await KubernetesErrors.Guard(session, "list", "events", ns, null, () => ns is null
                    ? session.Client.CoreV1.ListEventForAllNamespacesAsync(continueParameter: continueToken, limit: query.PageSize, cancellationToken: ct)
                    : session.Client.CoreV1.ListNamespacedEventAsync(ns, continueParameter: continueToken, limit: query.PageSize, cancellationToken: ct))
                    .ConfigureAwait(false);
                matched.AddRange(Select(page.Items, filter, now));
                continueToken = page.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(continueToken));
        }

        matched.Sort(EventBuilder.NewestFirst);
        return matched;
    }

    /// <summary>Builds, filters and sorts events that are already in memory (what ReadAsync does per page).</summary>
    public static IReadOnlyList<ClusterEvent> Select(IEnumerable<Corev1Event> events, EventQuery query, DateTimeOffset now)
    {
        var list = Select(events, new EventFilter(query, now), now).ToList();
        list.Sort(EventBuilder.NewestFirst);
        return list;
    }

    private static IEnumerable<ClusterEvent> Select(IEnumerable<Corev1Event> events, EventFilter filter, DateTimeOffset now) =>
        events.Select(e => EventBuilder.Build(e, now)).Where(filter.Matches);
}
