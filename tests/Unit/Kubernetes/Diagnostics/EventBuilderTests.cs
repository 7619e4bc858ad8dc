using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>Hand-built core/v1 Events, as the API server returns them from the old (count) and new (series) recorders.</summary>
internal static class EventObjects
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);

    public static DateTime Ago(TimeSpan span) => (Now - span).UtcDateTime;

    public static Corev1Event Event(string reason, string objectName, string kind = "Pod", string type = "Warning", string ns = "seekapa-production",
        TimeSpan? last = null, TimeSpan? first = null, int? count = null, string message = "message", string? objectNamespace = null)
    {
        var lastSeen = last ?? TimeSpan.FromMinutes(1);
        return new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{objectName}.{reason.ToLowerInvariant()}", NamespaceProperty = ns, CreationTimestamp = Ago(first ?? lastSeen) },
            InvolvedObject = new V1ObjectReference
            {
                Kind = kind, Name = objectName, NamespaceProperty = kind == "Node" ? null : objectNamespace ?? ns,
                FieldPath = kind == "Pod" ? "spec.containers{backend}" : null,
            },
            Reason = reason,
            Message = message,
            Type = type,
            Count = count ?? 1,
            FirstTimestamp = Ago(first ?? lastSeen),
            LastTimestamp = Ago(lastSeen),
            Source = new V1EventSource { Component = "kubelet", Host = "aks-nodepool1-0" },
        };
    }
}

public sealed class EventBuilderTests
{
    private static readonly DateTimeOffset Now = EventObjects.Now;

    [Fact]
    public void ClassicEventUsesLastTimestampAndCount()
    {
        var e = EventObjects.Event("BackOff", "backend-x", last: TimeSpan.FromMinutes(3), first: TimeSpan.FromHours(2), count: 72, message: "  Back-off restarting failed container\n");
        var ev = EventBuilder.Build(e, Now);
        Assert.Equal(Now - TimeSpan.FromMinutes(3), ev.LastSeen);
        Assert.Equal(Now - TimeSpan.FromHours(2), ev.FirstSeen);
        Assert.Equal(72, ev.Count);
        Assert.Equal(("3m", "120m"), (ev.LastSeenAgo, ev.FirstSeenAgo));
        Assert.Equal("pod/backend-x", ev.Object);
        Assert.Equal(("Pod", "backend-x", "seekapa-production"), (ev.ObjectKind, ev.ObjectName, ev.ObjectNamespace));
        Assert.Equal("spec.containers{backend}", ev.FieldPath);
        Assert.Equal("kubelet, aks-nodepool1-0", ev.Source);
        Assert.Equal("Back-off restarting failed container", ev.Message);
        Assert.Equal("backend-x.backoff", ev.EventName);
    }

    [Fact]
    public void SeriesWinsOverLastTimestampAndCount()
    {
        var e = EventObjects.Event("Unhealthy", "backend-x", last: TimeSpan.FromMinutes(30), count: 2);
        e.Series = new Corev1EventSeries { Count = 48, LastObservedTime = EventObjects.Ago(TimeSpan.FromSeconds(20)) };
        var ev = EventBuilder.Build(e, Now);
        Assert.Equal(Now - TimeSpan.FromSeconds(20), ev.LastSeen);
        Assert.Equal(48, ev.Count);
        Assert.Equal("20s", ev.LastSeenAgo);
    }

    [Fact]
    public void NewApiEventWithOnlyEventTimeCountsOne()
    {
        var e = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "n.1", NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference { Kind = "Node", Name = "aks-nodepool1-0" },
            Reason = "SystemOOM", Type = "Warning", Message = "System OOM encountered",
            EventTime = EventObjects.Ago(TimeSpan.FromMinutes(5)),
            ReportingComponent = "kubelet", ReportingInstance = "aks-nodepool1-0",
        };
        var ev = EventBuilder.Build(e, Now);
        Assert.Equal(Now - TimeSpan.FromMinutes(5), ev.LastSeen);
        Assert.Equal(Now - TimeSpan.FromMinutes(5), ev.FirstSeen);
        Assert.Equal(1, ev.Count);
        Assert.Equal("node/aks-nodepool1-0", ev.Object);
        Assert.Null(ev.ObjectNamespace);
        Assert.Equal("kubelet, aks-nodepool1-0", ev.Source);
    }

    [Fact]
    public void LastSeenFallsBackToFirstTimestampThenCreation()
    {
        var e = EventObjects.Event("Evicted", "frontend-x", last: TimeSpan.FromDays(2));
        e.LastTimestamp = null;
        e.FirstTimestamp = EventObjects.Ago(TimeSpan.FromHours(3));
        Assert.Equal(Now - TimeSpan.FromHours(3), EventBuilder.LastSeenOf(e));

        e.FirstTimestamp = null;
        e.Metadata.CreationTimestamp = EventObjects.Ago(TimeSpan.FromHours(4));
        Assert.Equal(Now - TimeSpan.FromHours(4), EventBuilder.LastSeenOf(e));

        e.Metadata.CreationTimestamp = null;
        var ev = EventBuilder.Build(e, Now);
        Assert.Null(ev.LastSeen);
        Assert.Equal("<unknown>", ev.LastSeenAgo);
    }

    [Theory]
    [InlineData(null, null, 1)]
    [InlineData(0, null, 1)]
    [InlineData(5, null, 5)]
    [InlineData(5, 9, 9)]
    [InlineData(null, 3, 3)]
    public void CountFallbacks(int? count, int? seriesCount, int expected)
    {
        var e = EventObjects.Event("BackOff", "p");
        e.Count = count;
        e.Series = seriesCount is null ? null : new Corev1EventSeries { Count = seriesCount };
        Assert.Equal(expected, EventBuilder.CountOf(e));
    }

    [Fact]
    public void SourceFallsBackToReportingComponentAndUnknown()
    {
        var e = EventObjects.Event("ScalingReplicaSet", "backend-deployment", kind: "Deployment", type: "Normal");
        e.Source = new V1EventSource { Component = "deployment-controller" };
        Assert.Equal("deployment-controller", EventBuilder.SourceOf(e));
        e.Source = null;
        e.ReportingComponent = "scheduler";
        e.ReportingInstance = "";
        Assert.Equal("scheduler", EventBuilder.SourceOf(e));
        e.ReportingComponent = null;
        Assert.Equal("<unknown>", EventBuilder.SourceOf(e));
    }

    [Fact]
    public void ObjectWithoutNameIsTheKindAlone() =>
        Assert.Equal("node", EventBuilder.ObjectOf(new V1ObjectReference { Kind = "Node" }));
}
