namespace Seekapa.Ops;

/// <summary>
/// One core/v1 Event as `kubectl get events -o wide` shows it, with kubectl's LAST SEEN and COUNT fallbacks resolved.
/// Named ClusterEvent (not Event) so that it never clashes with System types or PowerShell's own event objects.
/// </summary>
/// <remarks>
/// It deliberately has no Name or Kind property: piped into a workload cmdlet, the event's own name would bind as the
/// workload's. The object the event is about is in ObjectKind, ObjectName and Object.
/// </remarks>
public sealed class ClusterEvent
{
    /// <summary>The event's namespace (node events are recorded in "default").</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>metadata.name of the Event object itself, e.g. "backend-xyz.17f3a9c1d2e4b5a6".</summary>
    public string EventName { get; init; } = string.Empty;

    /// <summary>Normal or Warning.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>The machine-readable reason, e.g. BackOff, OOMKilling, FailedScheduling.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>kubectl's OBJECT column: lowercase kind and name, e.g. "pod/backend-deployment-7c9b5d8f6b-x4k2p".</summary>
    public string Object { get; init; } = string.Empty;

    /// <summary>involvedObject.kind, e.g. Pod, Node, Deployment.</summary>
    public string ObjectKind { get; init; } = string.Empty;

    /// <summary>involvedObject.name.</summary>
    public string ObjectName { get; init; } = string.Empty;

    /// <summary>involvedObject.namespace; null for cluster-scoped objects such as Nodes.</summary>
    public string? ObjectNamespace { get; init; }

    /// <summary>kubectl SUBOBJECT: involvedObject.fieldPath, e.g. "spec.containers{backend}".</summary>
    public string? FieldPath { get; init; }

    /// <summary>kubectl SOURCE: "component, host" from source (else reportingComponent / reportingInstance); "&lt;unknown&gt;" when none.</summary>
    public string Source { get; init; } = "<unknown>";

    /// <summary>firstTimestamp, else eventTime.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>series.lastObservedTime, else lastTimestamp, else eventTime, else firstTimestamp, else the object's creation time.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>series.count, else count, else 1.</summary>
    public int Count { get; init; } = 1;

    public string Message { get; init; } = string.Empty;

    /// <summary>kubectl LAST SEEN (HumanDuration of the time since LastSeen), e.g. "3m"; "&lt;unknown&gt;" without a time.</summary>
    public string LastSeenAgo { get; init; } = "<unknown>";

    /// <summary>kubectl FIRST SEEN (HumanDuration of the time since FirstSeen).</summary>
    public string FirstSeenAgo { get; init; } = "<unknown>";

    public override string ToString() => $"{LastSeenAgo} {Type} {Reason} {Object}: {Message}";
}
