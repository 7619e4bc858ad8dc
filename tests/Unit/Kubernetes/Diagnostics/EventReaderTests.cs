using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

/// <summary>Sorting and filtering of events already in memory (EventReader.Select), and -For parsing.</summary>
public sealed class EventReaderTests
{
    private static readonly DateTimeOffset Now = EventObjects.Now;

    private static List<Corev1Event> Sample()
    {
        var seriesEvent = EventObjects.Event("Unhealthy", "checkout-x", last: TimeSpan.FromHours(1), count: 3);
        seriesEvent.Series = new Corev1EventSeries { Count = 304, LastObservedTime = EventObjects.Ago(TimeSpan.FromSeconds(20)) };
        var nodeEvent = EventObjects.Event("OOMKilling", "aks-nodepool1-0", kind: "Node", ns: "default", last: TimeSpan.FromMinutes(3), count: 7);
        var noTime = EventObjects.Event("Killing", "backend-x", type: "Normal");
        noTime.LastTimestamp = noTime.FirstTimestamp = null;
        noTime.Metadata.CreationTimestamp = null;
        return new List<Corev1Event>
        {
            EventObjects.Event("Evicted", "frontend-x", last: TimeSpan.FromDays(2)),
            noTime,
            EventObjects.Event("BackOff", "backend-x", last: TimeSpan.FromMinutes(1), count: 31),
            seriesEvent,
            nodeEvent,
            EventObjects.Event("ScalingReplicaSet", "backend-deployment", kind: "Deployment", type: "Normal", last: TimeSpan.FromMinutes(20)),
            EventObjects.Event("BackOff", "backend-x", ns: "other", last: TimeSpan.FromMinutes(2)),
        };
    }

    private static IReadOnlyList<ClusterEvent> Select(EventQuery query) => EventReader.Select(Sample(), query, Now);

    [Fact]
    public void SortedByLastSeenNewestFirstWithUntimedLast()
    {
        var events = Select(new EventQuery());
        Assert.Equal(new[] { "Unhealthy", "BackOff", "BackOff", "OOMKilling", "ScalingReplicaSet", "Evicted", "Killing" }, events.Select(e => e.Reason));
        Assert.Equal("seekapa-production", events[1].Namespace);
    }

    [Fact]
    public void TypeFilterIsCaseInsensitive()
    {
        var normal = Select(new EventQuery(Types: new[] { "normal" }));
        Assert.Equal(new[] { "ScalingReplicaSet", "Killing" }, normal.Select(e => e.Reason));
    }

    [Fact]
    public void ReasonsAreCaseInsensitiveExactOrWildcards()
    {
        Assert.Equal(new[] { "BackOff", "BackOff", "OOMKilling" },
            Select(new EventQuery(Reasons: new[] { "backoff", "OOMKilling" })).Select(e => e.Reason));
        Assert.Equal(new[] { "OOMKilling", "Killing" }, Select(new EventQuery(Reasons: new[] { "*kill*" })).Select(e => e.Reason));
        Assert.Empty(Select(new EventQuery(Reasons: new[] { "Back" })));
        Assert.Empty(Select(new EventQuery(Reasons: new[] { "NoSuchReason" })));
    }

    [Fact]
    public void SinceKeepsEventsLastSeenInsideTheWindow()
    {
        var recent = Select(new EventQuery(Since: TimeSpan.FromMinutes(5)));
        Assert.Equal(new[] { "Unhealthy", "BackOff", "BackOff", "OOMKilling" }, recent.Select(e => e.Reason));
    }

    [Fact]
    public void ForMatchesKindCaseInsensitiveNameAndNamespace()
    {
        var pod = Select(new EventQuery(For: new[] { EventObjectReference.Parse("po/backend-x") }));
        Assert.Equal(new[] { ("BackOff", "seekapa-production"), ("BackOff", "other"), ("Killing", "seekapa-production") },
            pod.Select(e => (e.Reason, e.Namespace)));

        var scoped = Select(new EventQuery(For: new[] { new EventObjectReference("Pod", "backend-x", "other") }));
        Assert.Equal("other", Assert.Single(scoped).Namespace);

        var node = Select(new EventQuery(For: new[] { EventObjectReference.Parse("node/aks-nodepool1-0") }));
        Assert.Equal("OOMKilling", Assert.Single(node).Reason);

        var deploy = Select(new EventQuery(For: new[] { EventObjectReference.Parse("deployment.apps/backend-deployment") }));
        Assert.Equal("ScalingReplicaSet", Assert.Single(deploy).Reason);
    }

    [Fact]
    public void ScopesFollowNamespaceAllNamespacesAndForObjects()
    {
        Assert.Equal(new string?[] { "dflt" }, new EventQuery().Scopes("dflt"));
        Assert.Equal(new string?[] { null }, new EventQuery(AllNamespaces: true).Scopes("dflt"));
        Assert.Equal(new string?[] { "x" }, new EventQuery(Namespace: "x", For: new[] { EventObjectReference.Parse("node/n1") }).Scopes("dflt"));
        Assert.Equal(new string?[] { null }, new EventQuery(For: new[] { EventObjectReference.Parse("node/n1") }).Scopes("dflt"));
        Assert.Equal(new string?[] { "a", "dflt" }, new EventQuery(For: new[]
        {
            new EventObjectReference("Pod", "p", "a"), new EventObjectReference("Pod", "q", "a"), EventObjectReference.Parse("pod/r"),
        }).Scopes("dflt"));
    }

    [Theory]
    [InlineData("pod/backend-x", "Pod", "backend-x")]
    [InlineData("pods/backend-x", "Pod", "backend-x")]
    [InlineData("Deploy/backend-deployment", "Deployment", "backend-deployment")]
    [InlineData("deployment.apps/backend-deployment", "Deployment", "backend-deployment")]
    [InlineData("sts/postgres-read", "StatefulSet", "postgres-read")]
    [InlineData("no/aks-nodepool1-31718369-vmss000000", "Node", "aks-nodepool1-31718369-vmss000000")]
    [InlineData("MyCustomKind/thing", "MyCustomKind", "thing")]
    public void ParsesKubectlForSyntax(string text, string kind, string name)
    {
        var r = EventObjectReference.Parse(text);
        Assert.Equal((kind, name, (string?)null), (r.Kind, r.Name, r.Namespace));
    }

    [Theory]
    [InlineData("x/y/z")]
    [InlineData("backend-x")]
    [InlineData("pod/")]
    [InlineData("/backend-x")]
    [InlineData("pod/Backend_X")]
    [InlineData("po d/x")]
    [InlineData("")]
    public void RejectsMalformedFor(string text)
    {
        var ex = Assert.Throws<SeekapaException>(() => EventObjectReference.Parse(text));
        Assert.Equal(("InvalidObjectReference", FailureCategory.InvalidArgument), (ex.ErrorId, ex.Category));
    }

    [Fact]
    public void FromPropertiesNeedsKindAndName()
    {
        Assert.Equal(new EventObjectReference("Deployment", "b", "ns"), EventObjectReference.FromProperties("Deployment", "b", "ns"));
        Assert.Equal("InvalidObjectReference",
            Assert.Throws<SeekapaException>(() => EventObjectReference.FromProperties(null, "b", "ns")).ErrorId);
    }
}
