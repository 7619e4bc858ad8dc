using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>
/// The StatefulSet controller, following pkg/controller/statefulset: ControllerRevisions holding the template as a
/// strategic merge patch, pods &lt;sts&gt;-0..N-1 created in order (OrderedReady) or all at once (Parallel), rolling
/// update from the highest ordinal down to the partition, rollback by reusing an equal revision, history limit.
/// </summary>
internal sealed class StatefulSetController(ControllerManager manager)
{
    private sealed record Revision(StoredObject Stored, JsonObject Obj)
    {
        public string Name => Stored.Name;
        public long Number => Workloads.Long(Obj, "revision");
    }

    public void Sync(string ns, string name)
    {
        if (manager.Service.Store.Get(manager.StatefulSets, ns, name) is not { } stored)
        {
            return;
        }
        var set = stored.ToJsonObject();
        if (Workloads.IsTerminating(set))
        {
            return;
        }
        var revisions = manager.Owned(manager.ControllerRevisions, ns, stored.Uid)
            .Select(r => new Revision(r, r.ToJsonObject()))
            .OrderBy(r => r.Number).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var collisionCount = Workloads.Int(set, "status.collisionCount");
        var (current, update) = Revisions(stored, set, revisions, ref collisionCount);
        if (current is null || update is null)
        {
            return;
        }

        var pods = manager.Owned(manager.Pods, ns, stored.Uid).Select(p => p.ToJsonObject())
            .Where(p => Ordinal(name, JsonPaths.String(p, "metadata.name")) >= 0)
            .ToDictionary(p => Ordinal(name, JsonPaths.String(p, "metadata.name")));
        var replicas = Workloads.Int(set, "spec.replicas", 1);
        var parallel = JsonPaths.String(set, "spec.podManagementPolicy") == "Parallel";
        var rolling = JsonPaths.String(set, "spec.updateStrategy.type") is null or "RollingUpdate";
        var partition = Workloads.Int(set, "spec.updateStrategy.rollingUpdate.partition");
        var changed = false;

        // Pods that failed are replaced; missing ones are created in order (OrderedReady waits for each to be ready).
        for (var ord = 0; ord < replicas; ord++)
        {
            if (pods.TryGetValue(ord, out var pod))
            {
                if (JsonPaths.String(pod, "status.phase") is "Failed" or "Succeeded" && !Workloads.IsTerminating(pod))
                {
                    manager.Kubelet.BeginTermination(pod);
                    changed = true;
                    if (!parallel)
                    {
                        break;
                    }
                    continue;
                }
                if (!parallel && (Workloads.IsTerminating(pod) || !Workloads.IsReady(pod)))
                {
                    break;
                }
                continue;
            }
            // newVersionedStatefulSetPod: ordinals below the partition keep the current revision.
            var useCurrent = rolling && ord < partition;
            CreatePod(set, stored, useCurrent ? current : update, ord);
            changed = true;
            if (!parallel)
            {
                break;
            }
        }

        // Scale down from the highest ordinal, one at a time unless Parallel.
        if (!changed)
        {
            foreach (var (ord, pod) in pods.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key))
            {
                if (Workloads.IsTerminating(pod))
                {
                    if (!parallel)
                    {
                        break;
                    }
                    continue;
                }
                manager.Kubelet.BeginTermination(pod);
                changed = true;
                if (!parallel)
                {
                    break;
                }
            }
        }

        // Rolling update: highest ordinal first, down to the partition, each only once everything is ready.
        if (!changed && rolling)
        {
            var all = Enumerable.Range(0, replicas).All(o => pods.TryGetValue(o, out var p) && !Workloads.IsTerminating(p) && Workloads.IsReady(p));
            if (all)
            {
                for (var ord = replicas - 1; ord >= partition; ord--)
                {
                    var pod = pods[ord];
                    if (JsonPaths.Find(pod, "metadata.labels") is JsonObject labels &&
                        labels[Workloads.ControllerRevisionHashLabel]?.GetValue<string>() != update.Name)
                    {
                        manager.Kubelet.BeginTermination(pod);
                        changed = true;
                        break;
                    }
                }
            }
        }

        UpdateStatus(set, current, update, collisionCount, replicas, rolling);
        TruncateHistory(set, revisions, current, update);
    }

    /// <summary>getStatefulSetRevisions: the current and update revisions, creating or re-numbering as needed.</summary>
    private (Revision? Current, Revision? Update) Revisions(StoredObject stored, JsonObject set, List<Revision> revisions, ref int collisionCount)
    {
        var data = Patch(set);
        var equal = revisions.Where(r => JsonNode.DeepEquals(Normalized(r.Obj["data"]), data)).ToList();
        var next = revisions.Count == 0 ? 1 : revisions.Max(r => r.Number) + 1;
        Revision update;
        if (equal.Count > 0 && ReferenceEquals(equal[^1], revisions[^1]))
        {
            update = revisions[^1];
        }
        else if (equal.Count > 0)
        {
            // Rolling back to an older template: that revision is reused with the next number.
            var obj = (JsonObject)equal[^1].Obj.DeepClone();
            obj["revision"] = next;
            var written = manager.Service.Update(manager.ControllerRevisions, obj);
            update = new Revision(written, written.ToJsonObject());
        }
        else
        {
            var seeded = revisions.Count == 0 ? JsonPaths.String(set, "status.updateRevision") : null;
            StoredObject? created = null;
            while (created is null)
            {
                var hash = Workloads.Hash(Encoding.UTF8.GetBytes(data.ToJsonString()), collisionCount);
                // A scenario's statefulset names its revision in status; keeping that name keeps its pods current.
                var revisionName = seeded ?? $"{stored.Name}-{hash}";
                if (seeded is not null && seeded.StartsWith(stored.Name + "-", StringComparison.Ordinal))
                {
                    hash = seeded[(stored.Name.Length + 1)..];
                }
                var labels = (JsonPaths.Find(set, "spec.template.metadata.labels") as JsonObject)?.DeepClone() as JsonObject ?? [];
                labels[Workloads.ControllerRevisionHashLabel] = hash;
                var annotations = (JsonPaths.Find(set, "metadata.annotations") as JsonObject)?.DeepClone() as JsonObject;
                var metadata = new JsonObject
                {
                    ["name"] = revisionName,
                    ["namespace"] = stored.Namespace,
                    ["labels"] = labels,
                    ["ownerReferences"] = Workloads.ControllerRef("apps/v1", "StatefulSet", stored.Name, stored.Uid),
                };
                if (seeded is not null && JsonPaths.String(set, "metadata.creationTimestamp") is { Length: > 0 } setCreated)
                {
                    // The scenario's revision existed as long as the set: dating it "now" would show it as a recent change.
                    metadata["creationTimestamp"] = setCreated;
                }
                if (annotations is { Count: > 0 })
                {
                    annotations.Remove("kubectl.kubernetes.io/last-applied-configuration");
                    metadata["annotations"] = annotations;
                }
                try
                {
                    created = manager.Service.Create(manager.ControllerRevisions, stored.Namespace, new JsonObject
                    {
                        ["apiVersion"] = "apps/v1",
                        ["kind"] = "ControllerRevision",
                        ["metadata"] = metadata,
                        ["data"] = data.DeepClone(),
                        ["revision"] = next,
                    });
                }
                catch (ApiException e) when (e.Code == 409)
                {
                    var existing = manager.Service.Store.Get(manager.ControllerRevisions, stored.Namespace, revisionName);
                    if (existing is not null && JsonNode.DeepEquals(Normalized(existing.ToJsonObject()["data"]), data))
                    {
                        created = existing;
                    }
                    else
                    {
                        seeded = null;
                        collisionCount++;
                    }
                }
            }
            update = new Revision(created, created.ToJsonObject());
        }
        var currentName = JsonPaths.String(set, "status.currentRevision");
        var current = revisions.FirstOrDefault(r => r.Name == currentName) ?? (currentName == update.Name ? update : null) ?? update;
        if (current.Name == update.Name)
        {
            current = update;
        }
        return (current, update);
    }

    /// <summary>
    /// The revision data, as upstream's getPatch: {"spec":{"template":{...,"$patch":"replace"}}} with every map's
    /// keys sorted (Go's json.Marshal of a map), so "$patch" comes first.
    /// </summary>
    public static JsonObject Patch(JsonObject set)
    {
        var template = (JsonPaths.Find(set, "spec.template") as JsonObject)?.DeepClone() as JsonObject ?? [];
        var metadata = JsonPaths.Object(template, "metadata");
        if (!metadata.ContainsKey("creationTimestamp"))
        {
            metadata["creationTimestamp"] = null;
        }
        template["$patch"] = "replace";
        return (JsonObject)Workloads.Canonical(new JsonObject { ["spec"] = new JsonObject { ["template"] = template } })!;
    }

    /// <summary>Revision data with the API server's pod-spec defaults applied, so hand-written scenario revisions compare equal.</summary>
    private static JsonNode? Normalized(JsonNode? data)
    {
        if (data?.DeepClone() is not JsonObject copy || JsonPaths.Find(copy, "spec.template") is not JsonObject template)
        {
            return Workloads.Canonical(data);
        }
        Resources.PodHooks.DefaultPodSpec(JsonPaths.Object(template, "spec"));
        var metadata = JsonPaths.Object(template, "metadata");
        if (!metadata.ContainsKey("creationTimestamp"))
        {
            metadata["creationTimestamp"] = null;
        }
        return Workloads.Canonical(copy);
    }

    private static int Ordinal(string setName, string? podName)
    {
        if (podName is null || !podName.StartsWith(setName + "-", StringComparison.Ordinal))
        {
            return -1;
        }
        return int.TryParse(podName.AsSpan(setName.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ord) ? ord : -1;
    }

    private void CreatePod(JsonObject set, StoredObject stored, Revision revision, int ord)
    {
        var template = (JsonPaths.Find(revision.Obj, "data.spec.template") as JsonObject)?.DeepClone() as JsonObject ?? [];
        template.Remove("$patch");
        var podName = $"{stored.Name}-{ord}";
        var labels = (JsonPaths.Find(template, "metadata.labels") as JsonObject)?.DeepClone() as JsonObject ?? [];
        labels[Workloads.ControllerRevisionHashLabel] = revision.Name;
        labels["statefulset.kubernetes.io/pod-name"] = podName;
        labels["apps.kubernetes.io/pod-index"] = Workloads.Text(ord);
        var metadata = new JsonObject
        {
            ["name"] = podName,
            ["generateName"] = stored.Name + "-",
            ["namespace"] = stored.Namespace,
            ["labels"] = labels,
        };
        if (JsonPaths.Find(template, "metadata.annotations") is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        metadata["ownerReferences"] = Workloads.ControllerRef("apps/v1", "StatefulSet", stored.Name, stored.Uid);
        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["hostname"] = podName;
        if (JsonPaths.String(set, "spec.serviceName") is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }
        var created = manager.Service.Create(manager.Pods, stored.Namespace, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
        });
        manager.Kubelet.Manage(created.Uid);
        manager.Events.Normal(set, "statefulset-controller", "SuccessfulCreate",
            $"create Pod {podName} in StatefulSet {stored.Name} successful");
    }

    private void UpdateStatus(JsonObject set, Revision current, Revision update, int collisionCount, int replicas, bool rolling)
    {
        var ns = JsonPaths.String(set, "metadata.namespace")!;
        var name = JsonPaths.String(set, "metadata.name")!;
        var uid = JsonPaths.String(set, "metadata.uid")!;
        var now = manager.Now;
        var minReady = Workloads.Int(set, "spec.minReadySeconds");
        int count = 0, ready = 0, available = 0, currentCount = 0, updated = 0;
        DateTimeOffset? next = null;
        foreach (var pod in manager.Owned(manager.Pods, ns, uid).Select(p => p.ToJsonObject()).Where(p => !Workloads.IsTerminating(p)))
        {
            count++;
            if (Workloads.IsReady(pod))
            {
                ready++;
            }
            if (Workloads.IsAvailable(pod, minReady, now))
            {
                available++;
            }
            else if (Workloads.AvailableAt(pod, minReady, now) is { } at && (next is null || at < next))
            {
                next = at;
            }
            var revision = JsonPaths.String(pod, $"metadata.labels.{Workloads.ControllerRevisionHashLabel}");
            if (revision == current.Name)
            {
                currentCount++;
            }
            if (revision == update.Name)
            {
                updated++;
            }
        }
        var currentRevision = current.Name;
        if (rolling && updated == count && ready == count && count == replicas)
        {
            // completeRollingUpdate: everything runs the update revision, which becomes current.
            currentRevision = update.Name;
            currentCount = updated;
        }
        var status = new JsonObject();
        var generation = Workloads.Long(set, "metadata.generation");
        if (generation != 0)
        {
            status["observedGeneration"] = generation;
        }
        status["replicas"] = count;
        Workloads.SetOrRemove(status, "readyReplicas", ready);
        Workloads.SetOrRemove(status, "currentReplicas", currentCount);
        Workloads.SetOrRemove(status, "updatedReplicas", updated);
        status["currentRevision"] = currentRevision;
        status["updateRevision"] = update.Name;
        status["collisionCount"] = collisionCount;
        if (JsonPaths.Find(set, "status.conditions") is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }
        status["availableReplicas"] = available;
        if (!JsonNode.DeepEquals(Workloads.Canonical(set["status"]), Workloads.Canonical(status)))
        {
            set["status"] = status;
            manager.Service.Update(manager.StatefulSets, set);
        }
        if (next is { } when)
        {
            manager.EnqueueAt(new WorkKey(WorkKind.StatefulSet, ns, name), when);
        }
    }

    /// <summary>truncateHistory: keep revisions in use (current, update, any pod's), delete the oldest others beyond the limit.</summary>
    private void TruncateHistory(JsonObject set, List<Revision> revisions, Revision current, Revision update)
    {
        var limit = Workloads.Int(set, "spec.revisionHistoryLimit", 10);
        var ns = JsonPaths.String(set, "metadata.namespace")!;
        var live = manager.Owned(manager.Pods, ns, JsonPaths.String(set, "metadata.uid")!)
            .Select(p => p.Labels.GetValueOrDefault(Workloads.ControllerRevisionHashLabel)).OfType<string>()
            .Append(current.Name).Append(update.Name).ToHashSet(StringComparer.Ordinal);
        var history = revisions.Where(r => !live.Contains(r.Name)).OrderBy(r => r.Number).ToList();
        for (var i = 0; i < history.Count - limit; i++)
        {
            try
            {
                manager.Service.Delete(manager.ControllerRevisions, ns, history[i].Name);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone.
            }
        }
    }
}
