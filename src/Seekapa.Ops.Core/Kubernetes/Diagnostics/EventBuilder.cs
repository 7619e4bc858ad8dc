using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// A core/v1 Event as the public ClusterEvent, with kubectl's fallbacks (printEvent): events written through the
/// events.k8s.io API carry eventTime and series instead of firstTimestamp, lastTimestamp and count.
/// </summary>
public static class EventBuilder
{
    public static ClusterEvent Build(Corev1Event ev, DateTimeOffset now)
    {
        var involved = ev.InvolvedObject ?? new V1ObjectReference();
        var first = FirstSeenOf(ev);
        var last = LastSeenOf(ev);
        return new ClusterEvent
        {
            Namespace = ev.Metadata?.NamespaceProperty ?? involved.NamespaceProperty ?? string.Empty,
            EventName = ev.Metadata?.Name ?? string.Empty,
            Type = ev.Type ?? string.Empty,
            Reason = ev.Reason ?? string.Empty,
            Object = ObjectOf(involved),
            ObjectKind = involved.Kind ?? string.Empty,
            ObjectName = involved.Name ?? string.Empty,
            ObjectNamespace = string.IsNullOrEmpty(involved.NamespaceProperty) ? null : involved.NamespaceProperty,
            FieldPath = string.IsNullOrEmpty(involved.FieldPath) ? null : involved.FieldPath,
            Source = SourceOf(ev),
            FirstSeen = first,
            LastSeen = last,
            Count = CountOf(ev),
            Message = (ev.Message ?? string.Empty).Trim(),
            LastSeenAgo = last is { } l ? HumanDuration.Format(now - l) : "<unknown>",
            FirstSeenAgo = first is { } f ? HumanDuration.Format(now - f) : "<unknown>",
        };
    }

    /// <summary>series.lastObservedTime, else lastTimestamp, else eventTime, else firstTimestamp, else metadata.creationTimestamp.</summary>
    public static DateTimeOffset? LastSeenOf(Corev1Event ev) =>
        Utc(ev.Series?.LastObservedTime) ?? Utc(ev.LastTimestamp) ?? Utc(ev.EventTime) ?? Utc(ev.FirstTimestamp)
        ?? Utc(ev.Metadata?.CreationTimestamp);

    /// <summary>firstTimestamp, else eventTime (kubectl FIRST SEEN), else metadata.creationTimestamp.</summary>
    public static DateTimeOffset? FirstSeenOf(Corev1Event ev) =>
        Utc(ev.FirstTimestamp) ?? Utc(ev.EventTime) ?? Utc(ev.Metadata?.CreationTimestamp);

    /// <summary>series.count, else count, else 1: singleton events of the new API have no count.</summary>
    public static int CountOf(Corev1Event ev) =>
        ev.Series?.Count is > 0 and var series ? series
        : ev.Count is > 0 and var count ? count
        : 1;

    /// <summary>kubectl's OBJECT column: "kind/name" with the kind lowercased, or just the kind when there is no name.</summary>
    public static string ObjectOf(V1ObjectReference involved)
    {
        var kind = (involved.Kind ?? string.Empty).ToLowerInvariant();
        return string.IsNullOrEmpty(involved.Name) ? kind : $"{kind}/{involved.Name}";
    }

    /// <summary>kubectl SOURCE: source.component (else reportingComponent), then ", " and source.host (else reportingInstance).</summary>
    public static string SourceOf(Corev1Event ev)
    {
        var component = FirstNonEmpty(ev.Source?.Component, ev.ReportingComponent);
        var instance = FirstNonEmpty(ev.Source?.Host, ev.ReportingInstance);
        if (component is null)
        {
            return "<unknown>";
        }

        return instance is null ? component : $"{component}, {instance}";
    }

    /// <summary>Newest first; events without any time last; ties by namespace, object, reason for a stable order.</summary>
    public static IComparer<ClusterEvent> NewestFirst { get; } = Comparer<ClusterEvent>.Create((a, b) =>
    {
        var byTime = Nullable.Compare(b.LastSeen, a.LastSeen);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNs = string.CompareOrdinal(a.Namespace, b.Namespace);
        if (byNs != 0)
        {
            return byNs;
        }

        var byObject = string.CompareOrdinal(a.Object, b.Object);
        return byObject != 0 ? byObject : string.CompareOrdinal(a.Reason, b.Reason);
    });

    private static string? FirstNonEmpty(string? a, string? b) =>
        !string.IsNullOrEmpty(a) ? a : !string.IsNullOrEmpty(b) ? b : null;

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)) : null;
}
