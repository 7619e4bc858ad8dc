using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>Live pod counts of one ReplicaSet (what its status says once the controller has synced).</summary>
internal readonly record struct PodCounts(int Replicas, int FullyLabeled, int Ready, int Available);

/// <summary>
/// The ReplicaSet controller: keeps spec.replicas active pods (creating from the template, deleting the least useful
/// first) and reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas / observedGeneration.
/// </summary>
internal sealed class ReplicaSetController(ControllerManager manager)
{
    private const string Component = "replicaset-controller";
    private const int BurstReplicas = 500;

    public void Sync(string ns, string name)
    {
        if (manager.Service.Store.Get(manager.ReplicaSets, ns, name) is not { } stored)
        {
            return;
        }
        var rs = stored.ToJsonObject();
        if (Workloads.IsTerminating(rs))
        {
            return;
        }
        var pods = Pods(stored);
        var active = pods.Where(Workloads.IsActive).ToList();
        var diff = active.Count - Workloads.Int(rs, "spec.replicas", 1);
        if (diff < 0)
        {
            for (var i = 0; i < Math.Min(-diff, BurstReplicas); i++)
            {
                CreatePod(rs);
            }
            pods = Pods(stored);
        }
        else if (diff > 0)
        {
            foreach (var pod in active.OrderBy(p => p, DeletionOrder.Instance).Take(Math.Min(diff, BurstReplicas)))
            {
                manager.Kubelet.BeginTermination(pod);
                manager.Events.Normal(rs, Component, "SuccessfulDelete", $"Deleted pod: {JsonPaths.String(pod, "metadata.name")}");
            }
            pods = Pods(stored);
        }

        var minReady = Workloads.Int(rs, "spec.minReadySeconds");
        var counts = Count(rs, pods, minReady, out var nextAvailable);
        var status = rs["status"] as JsonObject ?? [];
        var updated = new JsonObject
        {
            ["replicas"] = counts.Replicas,
        };
        Workloads.SetOrRemove(updated, "fullyLabeledReplicas", counts.FullyLabeled);
        Workloads.SetOrRemove(updated, "readyReplicas", counts.Ready);
        Workloads.SetOrRemove(updated, "availableReplicas", counts.Available);
        var generation = Workloads.Long(rs, "metadata.generation");
        if (generation != 0)
        {
            updated["observedGeneration"] = generation;
        }
        if (status["conditions"] is JsonArray conditions)
        {
            updated["conditions"] = conditions.DeepClone();
        }
        if (!JsonNode.DeepEquals(Workloads.Canonical(status), Workloads.Canonical(updated)))
        {
            rs["status"] = updated;
            manager.Service.Update(manager.ReplicaSets, rs);
        }
        if (nextAvailable is { } at)
        {
            manager.EnqueueAt(new WorkKey(WorkKind.ReplicaSet, ns, name), at);
        }
    }

    /// <summary>The RS's pods (controller ownerReference to it), parsed.</summary>
    public List<JsonObject> Pods(StoredObject rs) =>
        manager.Owned(manager.Pods, rs.Namespace, rs.Uid).Select(p => p.ToJsonObject()).ToList();

    /// <summary>Counts as the RS status would report them, from the pods themselves (never stale).</summary>
    public PodCounts Count(StoredObject rs, int minReadySeconds, out DateTimeOffset? nextAvailable) =>
        Count(rs.ToJsonObject(), Pods(rs), minReadySeconds, out nextAvailable);

    private PodCounts Count(JsonObject rs, List<JsonObject> pods, int minReadySeconds, out DateTimeOffset? nextAvailable)
    {
        var now = manager.Now;
        var templateLabels = (JsonPaths.Find(rs, "spec.template.metadata.labels") as JsonObject ?? [])
            .Select(p => (p.Key, Value: JsonPaths.ScalarText(p.Value))).ToList();
        int replicas = 0, labeled = 0, ready = 0, available = 0;
        nextAvailable = null;
        foreach (var pod in pods.Where(Workloads.IsActive))
        {
            replicas++;
            var labels = JsonPaths.Find(pod, "metadata.labels") as JsonObject;
            if (templateLabels.All(l => labels?[l.Key] is { } v && JsonPaths.ScalarText(v) == l.Value))
            {
                labeled++;
            }
            if (Workloads.IsReady(pod))
            {
                ready++;
            }
            if (Workloads.IsAvailable(pod, minReadySeconds, now))
            {
                available++;
            }
            else if (Workloads.AvailableAt(pod, minReadySeconds, now) is { } at && (nextAvailable is null || at < nextAvailable))
            {
                nextAvailable = at;
            }
        }
        return new PodCounts(replicas, labeled, ready, available);
    }

    private void CreatePod(JsonObject rs)
    {
        var template = JsonPaths.Find(rs, "spec.template") as JsonObject ?? [];
        var rsName = JsonPaths.String(rs, "metadata.name")!;
        var ns = JsonPaths.String(rs, "metadata.namespace")!;
        var metadata = new JsonObject
        {
            ["name"] = $"{rsName}-{Workloads.RandomSuffix()}",
            ["generateName"] = rsName + "-",
            ["namespace"] = ns,
        };
        if (JsonPaths.Find(template, "metadata.labels") is JsonObject labels)
        {
            metadata["labels"] = labels.DeepClone();
        }
        if (JsonPaths.Find(template, "metadata.annotations") is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        metadata["ownerReferences"] = Workloads.ControllerRef("apps/v1", "ReplicaSet", rsName, JsonPaths.String(rs, "metadata.uid")!);
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
        var created = manager.Service.Create(manager.Pods, ns, pod);
        manager.Kubelet.Manage(created.Uid);
        manager.Events.Normal(rs, Component, "SuccessfulCreate", $"Created pod: {created.Name}");
    }

    /// <summary>
    /// controller.ActivePods ranking, roughly: unscheduled before scheduled, pending before running, not ready before
    /// ready, ready more recently before ready longer, more restarts first, newer first.
    /// </summary>
    private sealed class DeletionOrder : IComparer<JsonObject>
    {
        public static readonly DeletionOrder Instance = new();

        public int Compare(JsonObject? x, JsonObject? y)
        {
            if (x is null || y is null)
            {
                return 0;
            }
            int c;
            if ((c = Assigned(x).CompareTo(Assigned(y))) != 0)
            {
                return c;
            }
            if ((c = PhaseRank(x).CompareTo(PhaseRank(y))) != 0)
            {
                return c;
            }
            if ((c = Workloads.IsReady(x).CompareTo(Workloads.IsReady(y))) != 0)
            {
                return c;
            }
            if (Workloads.IsReady(x) && (c = -ReadySince(x).CompareTo(ReadySince(y))) != 0)
            {
                return c;
            }
            if ((c = -Restarts(x).CompareTo(Restarts(y))) != 0)
            {
                return c;
            }
            return -string.CompareOrdinal(JsonPaths.String(x, "metadata.creationTimestamp"), JsonPaths.String(y, "metadata.creationTimestamp"));
        }

        private static bool Assigned(JsonObject p) => JsonPaths.String(p, "spec.nodeName") is { Length: > 0 };

        private static int PhaseRank(JsonObject p) => JsonPaths.String(p, "status.phase") switch
        {
            "Pending" => 0,
            "Unknown" => 1,
            _ => 2,
        };

        private static DateTimeOffset ReadySince(JsonObject p) =>
            JsonPaths.ParseTime(Workloads.Condition(p, "Ready") is { } c ? JsonPaths.String(c, "lastTransitionTime") : null) ?? DateTimeOffset.MinValue;

        private static int Restarts(JsonObject p) =>
            (JsonPaths.Find(p, "status.containerStatuses") as JsonArray ?? []).OfType<JsonObject>().Sum(s => Workloads.Int(s, "restartCount"));
    }
}
