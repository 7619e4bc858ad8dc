using System.Globalization;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>
/// The deployment controller, following pkg/controller/deployment: the new ReplicaSet is the one whose template
/// equals the deployment's (ignoring pod-template-hash); revisions, revision-history and replica annotations; rolling
/// update within maxSurge/maxUnavailable, recreate, proportional scaling, pause, history cleanup; status and the
/// Available/Progressing conditions with a progress deadline on the sandbox clock.
/// </summary>
internal sealed class DeploymentController(ControllerManager manager)
{
    private const string Component = "deployment-controller";
    private const int MaxRevisionHistoryChars = 2000;

    private static readonly HashSet<string> SkipAnnotations = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        Workloads.RevisionAnnotation,
        Workloads.RevisionHistoryAnnotation,
        Workloads.DesiredReplicasAnnotation,
        Workloads.MaxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    };

    /// <summary>One owned ReplicaSet with its live pod counts.</summary>
    private sealed class Rs(StoredObject stored, JsonObject obj, PodCounts counts)
    {
        public StoredObject Stored { get; set; } = stored;
        public JsonObject Obj { get; set; } = obj;
        public PodCounts Counts { get; } = counts;
        public string Name => Stored.Name;
        public int Replicas => Workloads.Int(Obj, "spec.replicas", 1);
        public long Revision => long.TryParse(Workloads.Annotation(Obj, Workloads.RevisionAnnotation), CultureInfo.InvariantCulture, out var r) ? r : 0;
        public DateTimeOffset Created => Stored.CreationTimestamp ?? DateTimeOffset.MinValue;
    }

    private JsonObject _d = null!;
    private DateTimeOffset? _nextCheck;

    public void Sync(string ns, string name)
    {
        if (manager.Service.Store.Get(manager.Deployments, ns, name) is not { } stored)
        {
            return;
        }
        _d = stored.ToJsonObject();
        _nextCheck = null;
        if (Workloads.IsTerminating(_d))
        {
            return;
        }
        var rsList = ListReplicaSets(stored);

        if (CheckPausedConditions())
        {
            return;
        }
        if (Workloads.Bool(_d, "spec.paused"))
        {
            SyncOnly(rsList);
        }
        else if (IsScalingEvent(rsList))
        {
            SyncOnly(rsList);
        }
        else if (JsonPaths.String(_d, "spec.strategy.type") == "Recreate")
        {
            RolloutRecreate(rsList);
        }
        else
        {
            RolloutRolling(rsList);
        }
        if (_nextCheck is { } at)
        {
            manager.EnqueueAt(new WorkKey(WorkKind.Deployment, ns, name), at);
        }
    }

    private int SpecReplicas => Workloads.Int(_d, "spec.replicas", 1);

    private int MinReadySeconds => Workloads.Int(_d, "spec.minReadySeconds");

    private bool IsRolling => JsonPaths.String(_d, "spec.strategy.type") != "Recreate";

    private bool HasProgressDeadline =>
        JsonPaths.Find(_d, "spec.progressDeadlineSeconds") is not null && Workloads.Int(_d, "spec.progressDeadlineSeconds") != int.MaxValue;

    private (int Surge, int Unavailable) Fenceposts()
    {
        var replicas = SpecReplicas;
        var surge = Workloads.Scaled(JsonPaths.Find(_d, "spec.strategy.rollingUpdate.maxSurge") ?? "25%", replicas, roundUp: true);
        var unavailable = Workloads.Scaled(JsonPaths.Find(_d, "spec.strategy.rollingUpdate.maxUnavailable") ?? "25%", replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            // Both zero would deadlock a rollout; upstream allows one unavailable pod.
            unavailable = 1;
        }
        return (surge, unavailable);
    }

    private int MaxSurge() => IsRolling ? Fenceposts().Surge : 0;

    private int MaxUnavailable()
    {
        if (!IsRolling || SpecReplicas == 0)
        {
            return 0;
        }
        return Math.Min(Fenceposts().Unavailable, SpecReplicas);
    }

    private List<Rs> ListReplicaSets(StoredObject deployment)
    {
        var minReady = MinReadySeconds;
        var result = new List<Rs>();
        foreach (var stored in manager.Owned(manager.ReplicaSets, deployment.Namespace, deployment.Uid))
        {
            var counts = manager.ReplicaSetController.Count(stored, minReady, out var next);
            if (next is { } at)
            {
                Recheck(at);
            }
            result.Add(new Rs(stored, stored.ToJsonObject(), counts));
        }
        return result.OrderBy(r => r.Created).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    private void Recheck(DateTimeOffset at)
    {
        if (_nextCheck is null || at < _nextCheck)
        {
            _nextCheck = at;
        }
    }

    // ---- revisions and the new ReplicaSet -------------------------------------------------------------------------

    /// <summary>getAllReplicaSetsAndSyncRevision: the new RS (created if asked and missing) and the old ones.</summary>
    private (Rs? NewRs, List<Rs> Old) GetAllReplicaSetsAndSyncRevision(List<Rs> rsList, bool createIfMissing)
    {
        var template = JsonPaths.Find(_d, "spec.template");
        var existing = rsList.FirstOrDefault(r => Workloads.EqualIgnoreHash(JsonPaths.Find(r.Obj, "spec.template"), template));
        var old = rsList.Where(r => !ReferenceEquals(r, existing)).ToList();
        var newRevision = (old.Count == 0 ? 0 : old.Max(r => r.Revision)) + 1;
        var revisionText = newRevision.ToString(CultureInfo.InvariantCulture);

        if (existing is not null)
        {
            var copy = (JsonObject)existing.Obj.DeepClone();
            var annotationsUpdated = SetNewReplicaSetAnnotations(copy, revisionText, exists: true);
            var minReadyNeedsUpdate = Workloads.Int(copy, "spec.minReadySeconds") != MinReadySeconds;
            if (annotationsUpdated || minReadyNeedsUpdate)
            {
                Workloads.SetOrRemove(JsonPaths.Object(copy, "spec"), "minReadySeconds", MinReadySeconds);
                var written = manager.Service.Update(manager.ReplicaSets, copy);
                existing.Stored = written;
                existing.Obj = written.ToJsonObject();
                return (existing, old);
            }
            var needsUpdate = SetDeploymentRevision(Workloads.Annotation(existing.Obj, Workloads.RevisionAnnotation) ?? "");
            var status = JsonPaths.Object(_d, "status");
            if (HasProgressDeadline && Workloads.Condition(_d, "Progressing") is null)
            {
                Workloads.SetCondition(status, "Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{existing.Name}\"", manager.Now);
                needsUpdate = true;
            }
            if (needsUpdate)
            {
                WriteDeployment();
            }
            return (existing, old);
        }
        if (!createIfMissing)
        {
            return (null, old);
        }

        var collisionCount = JsonPaths.Find(_d, "status.collisionCount") is null ? (int?)null : Workloads.Int(_d, "status.collisionCount");
        var hash = Workloads.Hash(template, collisionCount);
        var newTemplate = (JsonObject)(template?.DeepClone() ?? new JsonObject());
        var templateLabels = JsonPaths.Object(JsonPaths.Object(newTemplate, "metadata"), "labels");
        templateLabels[Workloads.PodTemplateHashLabel] = hash;
        var selector = (JsonObject)(JsonPaths.Find(_d, "spec.selector")?.DeepClone() ?? new JsonObject());
        JsonPaths.Object(selector, "matchLabels")[Workloads.PodTemplateHashLabel] = hash;
        var dName = JsonPaths.String(_d, "metadata.name")!;
        var ns = JsonPaths.String(_d, "metadata.namespace")!;
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{dName}-{hash}",
                ["namespace"] = ns,
                ["labels"] = templateLabels.DeepClone(),
                ["ownerReferences"] = Workloads.ControllerRef("apps/v1", "Deployment", dName, JsonPaths.String(_d, "metadata.uid")!),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 0,
                ["selector"] = selector,
                ["template"] = newTemplate,
            },
        };
        Workloads.SetOrRemove((JsonObject)rs["spec"]!, "minReadySeconds", MinReadySeconds);
        var newReplicas = NewRsNewReplicas(old.Select(r => r.Replicas).Sum(), 0);
        rs["spec"]!["replicas"] = newReplicas;
        SetNewReplicaSetAnnotations(rs, revisionText, exists: false);

        StoredObject created;
        var alreadyExisted = false;
        try
        {
            created = manager.Service.Create(manager.ReplicaSets, ns, rs);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            var other = manager.Service.Store.Get(manager.ReplicaSets, ns, $"{dName}-{hash}");
            if (other is not null && Workloads.ControllerUid(other.ToJsonObject()) == JsonPaths.String(_d, "metadata.uid") &&
                Workloads.EqualIgnoreHash(JsonPaths.Find(other.ToJsonObject(), "spec.template"), template))
            {
                created = other;
                alreadyExisted = true;
            }
            else
            {
                // A name collision with an unrelated RS: bump collisionCount so the next hash differs.
                JsonPaths.Object(_d, "status")["collisionCount"] = (collisionCount ?? 0) + 1;
                WriteDeployment();
                return (null, old);
            }
        }
        if (!alreadyExisted && newReplicas > 0)
        {
            manager.Events.Normal(_d, Component, "ScalingReplicaSet", $"Scaled up replica set {created.Name} from 0 to {newReplicas}");
        }
        var update = SetDeploymentRevision(revisionText);
        if (!alreadyExisted && HasProgressDeadline)
        {
            Workloads.SetCondition(JsonPaths.Object(_d, "status"), "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created.Name}\"", manager.Now);
            update = true;
        }
        if (update)
        {
            WriteDeployment();
        }
        var newRs = new Rs(created, created.ToJsonObject(), default);
        return (newRs, old);
    }

    /// <summary>SetNewReplicaSetAnnotations: copy the deployment's annotations, bump the revision (keeping history on reuse).</summary>
    private bool SetNewReplicaSetAnnotations(JsonObject rs, string newRevision, bool exists)
    {
        var annotations = Workloads.Annotations(rs);
        var changed = false;
        foreach (var (key, value) in JsonPaths.Find(_d, "metadata.annotations") as JsonObject ?? [])
        {
            if (SkipAnnotations.Contains(key) || (annotations[key] is { } v && JsonNode.DeepEquals(v, value)))
            {
                continue;
            }
            annotations[key] = value?.DeepClone();
            changed = true;
        }
        var oldRevisionText = annotations[Workloads.RevisionAnnotation]?.GetValue<string>();
        long oldRevision = 0;
        if (oldRevisionText is { Length: > 0 } && !long.TryParse(oldRevisionText, CultureInfo.InvariantCulture, out oldRevision))
        {
            return false;
        }
        var next = long.Parse(newRevision, CultureInfo.InvariantCulture);
        if (oldRevision < next)
        {
            annotations[Workloads.RevisionAnnotation] = newRevision;
            changed = true;
            if (oldRevisionText is not null)
            {
                // A reused ReplicaSet (rollback): remember the revisions it had, oldest first, within 2000 chars.
                var history = annotations[Workloads.RevisionHistoryAnnotation]?.GetValue<string>() ?? "";
                if (history.Length == 0)
                {
                    annotations[Workloads.RevisionHistoryAnnotation] = oldRevisionText;
                }
                else
                {
                    var parts = history.Split(',').ToList();
                    var total = history.Length + oldRevisionText.Length + 1;
                    var start = 0;
                    while (total > MaxRevisionHistoryChars && start < parts.Count)
                    {
                        total -= parts[start].Length + 1;
                        start++;
                    }
                    if (total <= MaxRevisionHistoryChars)
                    {
                        annotations[Workloads.RevisionHistoryAnnotation] = string.Join(',', parts.Skip(start).Append(oldRevisionText));
                    }
                }
            }
        }
        if (!exists && SetReplicasAnnotations(rs, SpecReplicas, SpecReplicas + MaxSurge()))
        {
            changed = true;
        }
        return changed;
    }

    private static bool SetReplicasAnnotations(JsonObject rs, int desired, int max)
    {
        var annotations = Workloads.Annotations(rs);
        var changed = false;
        foreach (var (key, value) in (ReadOnlySpan<(string, int)>)[(Workloads.DesiredReplicasAnnotation, desired), (Workloads.MaxReplicasAnnotation, max)])
        {
            var text = Workloads.Text(value);
            if (annotations[key]?.GetValue<string>() != text)
            {
                annotations[key] = text;
                changed = true;
            }
        }
        return changed;
    }

    private bool ReplicasAnnotationsNeedUpdate(JsonObject rs) =>
        Workloads.Annotation(rs, Workloads.DesiredReplicasAnnotation) != Workloads.Text(SpecReplicas) ||
        Workloads.Annotation(rs, Workloads.MaxReplicasAnnotation) != Workloads.Text(SpecReplicas + MaxSurge());

    private bool SetDeploymentRevision(string revision)
    {
        var annotations = Workloads.Annotations(_d);
        if (annotations[Workloads.RevisionAnnotation]?.GetValue<string>() == revision)
        {
            return false;
        }
        annotations[Workloads.RevisionAnnotation] = revision;
        return true;
    }

    private void WriteDeployment()
    {
        var written = manager.Service.Update(manager.Deployments, _d);
        _d = written.ToJsonObject();
    }

    // ---- scaling ---------------------------------------------------------------------------------------------------

    /// <summary>NewRSNewReplicas: how far the new RS may grow now.</summary>
    private int NewRsNewReplicas(int allReplicas, int newRsReplicas)
    {
        if (!IsRolling)
        {
            return SpecReplicas;
        }
        var maxTotal = SpecReplicas + MaxSurge();
        if (allReplicas >= maxTotal)
        {
            return newRsReplicas;
        }
        var scaleUp = Math.Min(maxTotal - allReplicas, SpecReplicas - newRsReplicas);
        return newRsReplicas + scaleUp;
    }

    /// <summary>scaleReplicaSetAndRecordEvent: resize (and refresh the replica annotations); true when the size changed.</summary>
    private bool ScaleReplicaSet(Rs rs, int newScale)
    {
        var oldScale = rs.Replicas;
        var sizeNeedsUpdate = oldScale != newScale;
        if (!sizeNeedsUpdate && !ReplicasAnnotationsNeedUpdate(rs.Obj))
        {
            return false;
        }
        var copy = (JsonObject)rs.Obj.DeepClone();
        JsonPaths.Object(copy, "spec")["replicas"] = newScale;
        SetReplicasAnnotations(copy, SpecReplicas, SpecReplicas + MaxSurge());
        var written = manager.Service.Update(manager.ReplicaSets, copy);
        rs.Stored = written;
        rs.Obj = written.ToJsonObject();
        if (sizeNeedsUpdate)
        {
            // Let the RS act at once: a scale-down terminates its pods before any later scale-up creates new ones, so
            // the pods never exceed replicas + maxSurge in any state a watcher can observe.
            manager.ReplicaSetController.Sync(rs.Stored.Namespace, rs.Name);
            var direction = oldScale < newScale ? "up" : "down";
            manager.Events.Normal(_d, Component, "ScalingReplicaSet", $"Scaled {direction} replica set {rs.Name} from {oldScale} to {newScale}");
        }
        return sizeNeedsUpdate;
    }

    private bool IsScalingEvent(List<Rs> rsList)
    {
        var (newRs, old) = GetAllReplicaSetsAndSyncRevision(rsList, createIfMissing: false);
        foreach (var rs in old.Append(newRs).OfType<Rs>().Where(r => r.Replicas > 0))
        {
            if (int.TryParse(Workloads.Annotation(rs.Obj, Workloads.DesiredReplicasAnnotation), CultureInfo.InvariantCulture, out var desired) &&
                desired != SpecReplicas)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>sync(): scale only (paused deployments and scaling events), then status without progress checks.</summary>
    private void SyncOnly(List<Rs> rsList)
    {
        var (newRs, old) = GetAllReplicaSetsAndSyncRevision(rsList, createIfMissing: false);
        Scale(newRs, old);
        if (Workloads.Bool(_d, "spec.paused"))
        {
            Cleanup(old);
        }
        SyncStatus(old.Append(newRs).OfType<Rs>().ToList(), newRs, checkProgress: false);
    }

    private void Scale(Rs? newRs, List<Rs> old)
    {
        var all = old.Append(newRs).OfType<Rs>().ToList();
        var active = all.Where(r => r.Replicas > 0).ToList();
        Rs? activeOrLatest = active.Count switch
        {
            0 => newRs ?? old.OrderByDescending(r => r.Created).FirstOrDefault(),
            1 => active[0],
            _ => null,
        };
        if (activeOrLatest is not null)
        {
            if (activeOrLatest.Replicas != SpecReplicas)
            {
                ScaleReplicaSet(activeOrLatest, SpecReplicas);
            }
            return;
        }
        if (newRs is not null && newRs.Replicas == SpecReplicas &&
            Workloads.Annotation(newRs.Obj, Workloads.DesiredReplicasAnnotation) == Workloads.Text(SpecReplicas) &&
            newRs.Counts.Available == SpecReplicas)
        {
            // The new RS is saturated: old ones go to zero.
            foreach (var rs in old.Where(r => r.Replicas > 0))
            {
                ScaleReplicaSet(rs, 0);
            }
            return;
        }
        if (!IsRolling)
        {
            return;
        }
        // Proportional scaling: spread the difference over the active RSs by size (leftover to the largest).
        var total = active.Sum(r => r.Replicas);
        var allowed = SpecReplicas > 0 ? SpecReplicas + MaxSurge() : 0;
        var toAdd = allowed - total;
        if (toAdd == 0)
        {
            return;
        }
        var ordered = toAdd > 0
            ? active.OrderByDescending(r => r.Replicas).ThenByDescending(r => r.Created).ToList()
            : active.OrderByDescending(r => r.Replicas).ThenBy(r => r.Created).ToList();
        var sizes = new Dictionary<Rs, int>();
        var added = 0;
        foreach (var rs in ordered)
        {
            var share = total == 0 ? 0 : (int)Math.Round((double)rs.Replicas * toAdd / total, MidpointRounding.AwayFromZero);
            share = toAdd > 0 ? Math.Min(share, toAdd - added) : Math.Max(share, toAdd - added);
            sizes[rs] = rs.Replicas + share;
            added += share;
        }
        sizes[ordered[0]] = Math.Max(0, sizes[ordered[0]] + toAdd - added);
        foreach (var rs in ordered)
        {
            ScaleReplicaSet(rs, sizes[rs]);
        }
    }

    // ---- strategies ------------------------------------------------------------------------------------------------

    private void RolloutRolling(List<Rs> rsList)
    {
        var (newRs, old) = GetAllReplicaSetsAndSyncRevision(rsList, createIfMissing: true);
        if (newRs is null)
        {
            return;
        }
        var all = old.Append(newRs).ToList();
        if (ReconcileNewReplicaSet(all, newRs) || ReconcileOldReplicaSets(all, old.Where(r => r.Replicas > 0).ToList(), newRs))
        {
            SyncStatus(all, newRs, checkProgress: true);
            return;
        }
        if (IsComplete(CalculateStatus(all, newRs)))
        {
            Cleanup(old);
        }
        SyncStatus(all, newRs, checkProgress: true);
    }

    private bool ReconcileNewReplicaSet(List<Rs> all, Rs newRs)
    {
        if (newRs.Replicas == SpecReplicas)
        {
            return false;
        }
        if (newRs.Replicas > SpecReplicas)
        {
            return ScaleReplicaSet(newRs, SpecReplicas);
        }
        return ScaleReplicaSet(newRs, NewRsNewReplicas(all.Sum(r => r.Replicas), newRs.Replicas));
    }

    private bool ReconcileOldReplicaSets(List<Rs> all, List<Rs> old, Rs newRs)
    {
        if (old.Sum(r => r.Replicas) == 0)
        {
            return false;
        }
        var allPods = all.Sum(r => r.Replicas);
        var minAvailable = SpecReplicas - MaxUnavailable();
        var newUnavailable = newRs.Replicas - newRs.Counts.Available;
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return false;
        }
        // cleanupUnhealthyReplicas: unavailable old pods go first, they cost no availability.
        var cleaned = 0;
        foreach (var rs in old.OrderBy(r => r.Created))
        {
            if (cleaned >= maxScaledDown)
            {
                break;
            }
            if (rs.Replicas == 0 || rs.Replicas == rs.Counts.Available)
            {
                continue;
            }
            var down = Math.Min(maxScaledDown - cleaned, rs.Replicas - rs.Counts.Available);
            ScaleReplicaSet(rs, rs.Replicas - down);
            cleaned += down;
        }
        // scaleDownOldReplicaSetsForRollingUpdate: then available ones, down to minAvailable.
        var available = all.Sum(r => r.Counts.Available);
        var scaledDown = 0;
        if (available > minAvailable)
        {
            var budget = available - minAvailable;
            foreach (var rs in old.OrderBy(r => r.Created))
            {
                if (scaledDown >= budget)
                {
                    break;
                }
                if (rs.Replicas == 0)
                {
                    continue;
                }
                var down = Math.Min(rs.Replicas, budget - scaledDown);
                ScaleReplicaSet(rs, rs.Replicas - down);
                scaledDown += down;
            }
        }
        return cleaned + scaledDown > 0;
    }

    private void RolloutRecreate(List<Rs> rsList)
    {
        var (newRs, old) = GetAllReplicaSetsAndSyncRevision(rsList, createIfMissing: false);
        var all = old.Append(newRs).OfType<Rs>().ToList();
        var scaledDown = false;
        foreach (var rs in old.Where(r => r.Replicas > 0))
        {
            scaledDown |= ScaleReplicaSet(rs, 0);
        }
        if (scaledDown || OldPodsRunning(old))
        {
            SyncStatus(all, newRs, checkProgress: true);
            return;
        }
        if (newRs is null)
        {
            (newRs, old) = GetAllReplicaSetsAndSyncRevision(ListReplicaSets(manager.Service.Store.Get(manager.Deployments,
                JsonPaths.String(_d, "metadata.namespace")!, JsonPaths.String(_d, "metadata.name")!)!), createIfMissing: true);
            if (newRs is null)
            {
                return;
            }
            all = old.Append(newRs).ToList();
        }
        if (newRs.Replicas != SpecReplicas)
        {
            ScaleReplicaSet(newRs, SpecReplicas);
        }
        if (IsComplete(CalculateStatus(all, newRs)))
        {
            Cleanup(old);
        }
        SyncStatus(all, newRs, checkProgress: true);
    }

    /// <summary>Recreate waits until no pod of an old RS is running (terminating ones included).</summary>
    private bool OldPodsRunning(List<Rs> old) =>
        old.Any(rs => manager.ReplicaSetController.Pods(rs.Stored)
            .Any(p => JsonPaths.String(p, "status.phase") is not ("Failed" or "Succeeded")));

    /// <summary>cleanupDeployment: delete the oldest RSs beyond revisionHistoryLimit, only when they are empty.</summary>
    private void Cleanup(List<Rs> old)
    {
        if (JsonPaths.Find(_d, "spec.revisionHistoryLimit") is null)
        {
            return;
        }
        var limit = Workloads.Int(_d, "spec.revisionHistoryLimit");
        var cleanable = old.Where(r => !Workloads.IsTerminating(r.Obj)).OrderBy(r => r.Revision).ThenBy(r => r.Created).ToList();
        var diff = cleanable.Count - limit;
        for (var i = 0; i < diff; i++)
        {
            var rs = cleanable[i];
            if (rs.Counts.Replicas != 0 || rs.Replicas != 0 ||
                Workloads.Long(rs.Obj, "metadata.generation") > Workloads.Long(rs.Obj, "status.observedGeneration"))
            {
                continue;
            }
            try
            {
                manager.Service.Delete(manager.ReplicaSets, rs.Stored.Namespace, rs.Name);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone.
            }
        }
    }

    // ---- status ----------------------------------------------------------------------------------------------------

    private JsonObject CalculateStatus(List<Rs> all, Rs? newRs)
    {
        var available = all.Sum(r => r.Counts.Available);
        var total = all.Sum(r => r.Replicas);
        var status = new JsonObject();
        var generation = Workloads.Long(_d, "metadata.generation");
        if (generation != 0)
        {
            status["observedGeneration"] = generation;
        }
        Workloads.SetOrRemove(status, "replicas", all.Sum(r => r.Counts.Replicas));
        Workloads.SetOrRemove(status, "updatedReplicas", newRs?.Counts.Replicas ?? 0);
        Workloads.SetOrRemove(status, "readyReplicas", all.Sum(r => r.Counts.Ready));
        Workloads.SetOrRemove(status, "availableReplicas", available);
        Workloads.SetOrRemove(status, "unavailableReplicas", Math.Max(0, total - available));
        if (JsonPaths.Find(_d, "status.conditions") is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }
        if (JsonPaths.Find(_d, "status.collisionCount") is { } collisions)
        {
            status["collisionCount"] = collisions.DeepClone();
        }
        if (available >= SpecReplicas - MaxUnavailable())
        {
            Workloads.SetCondition(status, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", manager.Now);
        }
        else
        {
            Workloads.SetCondition(status, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", manager.Now);
        }
        return status;
    }

    private bool IsComplete(JsonObject status) =>
        Workloads.Int(status, "updatedReplicas") == SpecReplicas &&
        Workloads.Int(status, "replicas") == SpecReplicas &&
        Workloads.Int(status, "availableReplicas") == SpecReplicas &&
        Workloads.Long(status, "observedGeneration") >= Workloads.Long(_d, "metadata.generation");

    /// <summary>syncRolloutStatus (checkProgress) or syncDeploymentStatus: write the status if it changed.</summary>
    private void SyncStatus(List<Rs> all, Rs? newRs, bool checkProgress)
    {
        var status = CalculateStatus(all, newRs);
        var now = manager.Now;
        if (checkProgress)
        {
            if (!HasProgressDeadline)
            {
                Workloads.RemoveCondition(status, "Progressing");
            }
            var current = Workloads.Condition(_d, "Progressing");
            var isCompleteDeployment = Workloads.Int(status, "replicas") == Workloads.Int(status, "updatedReplicas") &&
                                       current is not null && JsonPaths.String(current, "reason") == "NewReplicaSetAvailable";
            var rsName = newRs?.Name ?? "";
            if (HasProgressDeadline && !isCompleteDeployment)
            {
                if (IsComplete(status))
                {
                    Workloads.SetCondition(status, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.", now);
                }
                else if (IsProgressing(status))
                {
                    // Progress refreshes lastUpdateTime (the deadline restarts) but keeps the transition time.
                    var transition = current is not null && JsonPaths.String(current, "status") == "True"
                        ? JsonPaths.String(current, "lastTransitionTime")
                        : null;
                    Workloads.RemoveCondition(status, "Progressing");
                    Workloads.SetCondition(status, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", now);
                    if (transition is not null)
                    {
                        ((JsonArray)status["conditions"]!).OfType<JsonObject>().Last()["lastTransitionTime"] = transition;
                    }
                }
                else if (IsTimedOut(status, now))
                {
                    Workloads.SetCondition(status, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.", now);
                }
            }
            RequeueStuck(status, now);
        }
        var previous = _d["status"] as JsonObject ?? [];
        if (JsonNode.DeepEquals(Workloads.Canonical(previous), Workloads.Canonical(status)))
        {
            return;
        }
        _d["status"] = status;
        WriteDeployment();
    }

    private bool IsProgressing(JsonObject status)
    {
        var old = _d["status"] as JsonObject ?? [];
        var oldOld = Workloads.Int(old, "replicas") - Workloads.Int(old, "updatedReplicas");
        var newOld = Workloads.Int(status, "replicas") - Workloads.Int(status, "updatedReplicas");
        return Workloads.Int(status, "updatedReplicas") > Workloads.Int(old, "updatedReplicas") ||
               newOld < oldOld ||
               Workloads.Int(status, "readyReplicas") > Workloads.Int(old, "readyReplicas") ||
               Workloads.Int(status, "availableReplicas") > Workloads.Int(old, "availableReplicas");
    }

    private bool IsTimedOut(JsonObject status, DateTimeOffset now)
    {
        var condition = Workloads.StatusCondition(status, "Progressing");
        if (condition is null || JsonPaths.String(condition, "reason") == "NewReplicaSetAvailable")
        {
            return false;
        }
        if (JsonPaths.String(condition, "reason") == "ProgressDeadlineExceeded")
        {
            return true;
        }
        var from = JsonPaths.ParseTime(JsonPaths.String(condition, "lastUpdateTime"));
        return from is { } t && t.AddSeconds(Workloads.Int(_d, "spec.progressDeadlineSeconds")) < now;
    }

    /// <summary>requeueStuckDeployment: look again when the progress deadline would pass.</summary>
    private void RequeueStuck(JsonObject status, DateTimeOffset now)
    {
        var condition = Workloads.StatusCondition(status, "Progressing");
        if (!HasProgressDeadline || condition is null ||
            JsonPaths.String(condition, "reason") is "NewReplicaSetAvailable" or "ProgressDeadlineExceeded" || IsComplete(status))
        {
            return;
        }
        if (JsonPaths.ParseTime(JsonPaths.String(condition, "lastUpdateTime")) is { } from)
        {
            // Timestamps have whole seconds; "Before(now)" needs a moment past the deadline.
            var at = from.AddSeconds(Workloads.Int(_d, "spec.progressDeadlineSeconds")).AddMilliseconds(1);
            Recheck(at < now ? now : at);
        }
    }

    /// <summary>checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. True when it wrote.</summary>
    private bool CheckPausedConditions()
    {
        if (!HasProgressDeadline)
        {
            return false;
        }
        var condition = Workloads.Condition(_d, "Progressing");
        if (condition is not null && JsonPaths.String(condition, "reason") == "ProgressDeadlineExceeded")
        {
            return false;
        }
        var pausedExists = condition is not null && JsonPaths.String(condition, "reason") == "DeploymentPaused";
        var paused = Workloads.Bool(_d, "spec.paused");
        var status = JsonPaths.Object(_d, "status");
        if (paused && !pausedExists)
        {
            Workloads.SetCondition(status, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", manager.Now);
        }
        else if (!paused && pausedExists)
        {
            Workloads.SetCondition(status, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", manager.Now);
        }
        else
        {
            return false;
        }
        WriteDeployment();
        return true;
    }
}
