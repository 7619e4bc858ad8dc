using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Patching;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

internal enum PatchType
{
    Json,
    Merge,
    Strategic,
}

/// <summary>Which part of an object a write may change: the main resource (everything but status) or /status.</summary>
internal enum WriteTarget
{
    Main,
    Status,
}

/// <summary>meta/v1 DeleteOptions (query parameters and body merged).</summary>
internal sealed record DeleteOptions(
    long? GracePeriodSeconds = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null,
    string? PropagationPolicy = null);

/// <summary>
/// The write path of the generic registry: update (PUT), patch, the /status and /scale subresources and graceful
/// deletion, with the API server's update strategy (status and system metadata kept, generation bumped on spec
/// changes, no-op writes not stored) and optimistic concurrency (409 Conflict on a stale resourceVersion).
/// </summary>
internal sealed partial class ResourceService
{
    // The API server retries an unconditional write that lost a race; a conditional one fails with 409 instead.
    private const int MaxAttempts = 10;

    private readonly ConcurrentDictionary<string, ITimer> _terminationTimers = new(StringComparer.Ordinal);

    /// <summary>
    /// Called with the stored pod each time a pod becomes terminating, its grace period is shortened, or a DELETE finds
    /// it terminating with no fallback timer (so it may see the same pod more than once: be idempotent). Return true
    /// to take over: the handler (the simulated kubelet) then calls <see cref="FinalizeDeletion"/> when the containers
    /// have stopped. Null, or false, means the fallback: the pod is removed after min(grace period, 1 second).
    /// </summary>
    public Func<StoredObject, bool>? PodTerminationHandler { get; set; }

    /// <summary>PUT of the main resource or its /status: <paramref name="body"/> is the full object.</summary>
    public StoredObject Replace(ResourceDefinition resource, string @namespace, string name, JsonObject body, WriteTarget target, bool dryRun)
    {
        CheckTypeMeta(resource, body);
        CheckIdentity(resource, @namespace, name, body);
        return Write(resource, @namespace, name, _ => (JsonObject)body.DeepClone(), target, dryRun);
    }

    /// <summary>PATCH of the main resource or its /status. A patch that sets metadata.resourceVersion is conditional.</summary>
    public StoredObject Patch(ResourceDefinition resource, string @namespace, string name, PatchType type, string patch,
        WriteTarget target, bool dryRun)
    {
        return Write(resource, @namespace, name, current =>
        {
            var patched = ApplyPatch(type, current.ToJsonObject(), patch, PatchSchema.For(resource.Plural));
            CheckTypeMeta(resource, patched);
            CheckIdentity(resource, @namespace, name, patched);
            return patched;
        }, target, dryRun);
    }

    /// <summary>GET …/scale: the autoscaling/v1 Scale view of a replicated workload.</summary>
    public JsonObject GetScale(ResourceDefinition resource, string @namespace, string name) => ScaleOf(Get(resource, @namespace, name));

    /// <summary>PUT …/scale: only spec.replicas of the parent changes; a resourceVersion in the Scale is a precondition on the parent.</summary>
    public JsonObject ReplaceScale(ResourceDefinition resource, string @namespace, string name, JsonObject scale, bool dryRun)
    {
        var apiVersion = JsonPaths.String(scale, "apiVersion");
        if (apiVersion is { Length: > 0 } && apiVersion != "autoscaling/v1")
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (autoscaling/v1)");
        }
        var kind = JsonPaths.String(scale, "kind");
        if (kind is { Length: > 0 } && kind != "Scale")
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind (Scale)");
        }
        var scaleName = JsonPaths.String(scale, "metadata.name") ?? "";
        if (scaleName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({scaleName}) does not match the name on the URL ({name})");
        }
        var causes = WriteValidation.ValidateScale(scale);
        if (causes.Count > 0)
        {
            throw ApiException.Invalid("Scale", "autoscaling", name, causes);
        }
        var replicas = (int)(WriteValidation.Number(JsonPaths.Find(scale, "spec.replicas")) ?? 0);
        var precondition = JsonPaths.String(scale, "metadata.resourceVersion");
        var stored = Write(resource, @namespace, name, current =>
        {
            var body = current.ToJsonObject();
            JsonPaths.Object(body, "spec")["replicas"] = replicas;
            var metadata = JsonPaths.Object(body, "metadata");
            if (!string.IsNullOrEmpty(precondition))
            {
                metadata["resourceVersion"] = precondition;
            }
            return body;
        }, WriteTarget.Main, dryRun);
        return ScaleOf(stored);
    }

    /// <summary>PATCH …/scale: the patch applies to the Scale, then as a PUT of the result.</summary>
    public JsonObject PatchScale(ResourceDefinition resource, string @namespace, string name, PatchType type, string patch, bool dryRun)
    {
        for (var attempt = 1; ; attempt++)
        {
            var scale = GetScale(resource, @namespace, name);
            var readVersion = JsonPaths.String(scale, "metadata.resourceVersion");
            var patched = ApplyPatch(type, scale, patch, PatchSchema.Scale);
            try
            {
                return ReplaceScale(resource, @namespace, name, patched, dryRun);
            }
            catch (ApiException e) when (e.Code == 409 && attempt < MaxAttempts &&
                                         JsonPaths.String(patched, "metadata.resourceVersion") == readVersion &&
                                         !patch.Contains("resourceVersion", StringComparison.Ordinal))
            {
                // Someone else wrote in between and the patch was not conditional: re-apply to the new state.
            }
        }
    }

    /// <summary>
    /// DELETE with options. Pods are deleted gracefully like the API server does: with a grace period above zero the pod
    /// only gets metadata.deletionTimestamp / deletionGracePeriodSeconds (Terminating) and is removed later by
    /// <see cref="FinalizeDeletion"/>. Returns the object as the response shows it and whether it is gone.
    /// </summary>
    public (StoredObject Object, bool Removed) Delete(ResourceDefinition resource, string @namespace, string name,
        DeleteOptions options, bool dryRun)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = Get(resource, @namespace, name);
            CheckPreconditions(resource, current, options);
            var isPod = resource.Group.Length == 0 && resource.Plural == "pods";
            var (deleteNow, updated) = isPod ? GracefulDeletion(current, options) : (true, null);
            if (deleteNow)
            {
                return dryRun ? (current, true) : (Delete(resource, @namespace, name), true);
            }
            if (updated is null)
            {
                // Graceful deletion already pending with an equal or shorter period: nothing changes. A pod seeded as
                // Terminating has nobody finishing it yet; make sure someone does, or kubectl delete would wait forever.
                if (!dryRun && !_terminationTimers.ContainsKey(current.Uid))
                {
                    ScheduleTermination(current);
                }
                return (current, false);
            }
            if (dryRun)
            {
                return (StoredObject.Create(resource, updated, current.ResourceVersion), false);
            }
            updated["metadata"]!["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            try
            {
                var stored = Store.Update(resource, updated);
                ScheduleTermination(stored);
                return (stored, false);
            }
            catch (StoreException e) when (e.Error == StoreError.Conflict && attempt < MaxAttempts)
            {
                // Raced with another write (e.g. the kubelet's status): recompute from the new state.
            }
            catch (StoreException e) when (e.Error == StoreError.NotFound)
            {
                throw ApiException.NotFound(resource, name);
            }
        }
    }

    /// <summary>
    /// Removes a terminating object for good (the kubelet's final delete with grace period 0): DELETED event, owner
    /// hooks. Returns false when the object is gone, is not terminating, or is another incarnation than <paramref name="uid"/>.
    /// </summary>
    public bool FinalizeDeletion(ResourceDefinition resource, string @namespace, string name, string? uid = null)
    {
        var current = Store.Get(resource, @namespace, name);
        if (current is null || (uid is not null && current.Uid != uid) ||
            JsonPaths.String(current.ToJsonObject(), "metadata.deletionTimestamp") is null)
        {
            return false;
        }
        if (_terminationTimers.TryRemove(current.Uid, out var timer))
        {
            timer.Dispose();
        }
        try
        {
            Delete(resource, @namespace, name);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    private StoredObject Write(ResourceDefinition resource, string @namespace, string name, Func<StoredObject, JsonObject> produce,
        WriteTarget target, bool dryRun)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = Get(resource, @namespace, name);
            var currentVersion = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            var body = produce(current);
            var precondition = JsonPaths.String(body, "metadata.resourceVersion");
            if (!string.IsNullOrEmpty(precondition) && precondition != currentVersion)
            {
                throw ApiException.Conflict(resource, name, ConflictMessage(resource, name));
            }

            var old = current.ToJsonObject();
            var next = target == WriteTarget.Status ? PrepareStatusUpdate(old, body) : PrepareUpdate(resource, old, body);
            DropEmpty(next);
            var causes = WriteValidation.Validate(resource, next, old);
            if (causes.Count > 0)
            {
                throw ApiException.Invalid(resource, name, causes);
            }
            JsonPaths.Object(next, "metadata")["resourceVersion"] = currentVersion;
            // A write that changes nothing is not stored: no new resourceVersion, no watch event (kubectl's "no change").
            if (JsonNode.DeepEquals(next, old))
            {
                return current;
            }
            if (dryRun)
            {
                return StoredObject.Create(resource, next, current.ResourceVersion);
            }
            try
            {
                return Store.Update(resource, next);
            }
            catch (StoreException e) when (e.Error == StoreError.Conflict && attempt < MaxAttempts)
            {
                // Lost a race with another writer; the next round re-reads (and re-checks a client precondition).
            }
            catch (StoreException e) when (e.Error == StoreError.NotFound)
            {
                throw ApiException.NotFound(resource, name);
            }
        }
    }

    /// <summary>The main resource's update strategy (rest.BeforeUpdate + PrepareForUpdate).</summary>
    private JsonObject PrepareUpdate(ResourceDefinition resource, JsonObject old, JsonObject body)
    {
        var next = body;
        var metadata = JsonPaths.Object(next, "metadata");
        var oldMetadata = JsonPaths.Object(old, "metadata");

        var uid = JsonPaths.String(next, "metadata.uid");
        var oldUid = JsonPaths.String(old, "metadata.uid") ?? "";
        if (string.IsNullOrEmpty(uid))
        {
            metadata["uid"] = oldUid;
        }
        else if (uid != oldUid)
        {
            throw ApiException.Invalid(resource, JsonPaths.String(old, "metadata.name") ?? "",
                [new StatusCause("FieldValueInvalid", $"Invalid value: \"{uid}\": field is immutable", "metadata.uid")]);
        }
        foreach (var field in (string[])["creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"])
        {
            if (oldMetadata[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
            else
            {
                metadata.Remove(field);
            }
        }
        // With a status subresource, the main resource cannot change status.
        if (resource.FindSubresource("status") is not null)
        {
            if (old["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        resource.Hooks.ApplyDefaults(next, Time.GetUtcNow());

        // Deployments also bump on annotation changes: they are copied to the ReplicaSets.
        var bump = !JsonNode.DeepEquals(next["spec"], old["spec"]) ||
                   (resource.Group == "apps" && resource.Plural == "deployments" &&
                    !JsonNode.DeepEquals(metadata["annotations"], oldMetadata["annotations"]));
        if (bump && Long(oldMetadata["generation"]) is > 0 and var generation)
        {
            metadata["generation"] = generation + 1;
        }
        return next;
    }

    // Map fields that Go declares omitempty: once emptied (the last label removed) they disappear from the stored JSON.
    private static readonly HashSet<string> OmitEmptyMaps =
        ["labels", "annotations", "limits", "requests", "nodeSelector", "matchLabels", "data", "binaryData"];

    /// <summary>Mirrors the API server's round trip through Go types: nulls (kubectl sends a template's
    /// "creationTimestamp": null), empty lists (all omitempty in the API types) and emptied omitempty maps are not
    /// stored, so removing the last env var leaves no "env": [] and a rolled-back template equals its ReplicaSet's.</summary>
    private static void DropEmpty(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    DropEmpty(value);
                    if (value is null or JsonArray { Count: 0 } || (value is JsonObject { Count: 0 } && OmitEmptyMaps.Contains(key)))
                    {
                        o.Remove(key);
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    DropEmpty(item);
                }
                break;
        }
    }

    /// <summary>The status strategy: everything but status comes from the stored object.</summary>
    private static JsonObject PrepareStatusUpdate(JsonObject old, JsonObject body)
    {
        var next = (JsonObject)old.DeepClone();
        if (body["status"] is { } status)
        {
            next["status"] = status.DeepClone();
        }
        else
        {
            next.Remove("status");
        }
        return next;
    }

    private static void CheckIdentity(ResourceDefinition resource, string @namespace, string name, JsonObject body)
    {
        var metadata = body["metadata"] as JsonObject;
        if (metadata is null)
        {
            metadata = new JsonObject();
            body["metadata"] = metadata;
        }
        var bodyName = JsonPaths.String(body, "metadata.name") ?? "";
        if (bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        if (!resource.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }
        var bodyNamespace = JsonPaths.String(body, "metadata.namespace");
        if (string.IsNullOrEmpty(bodyNamespace))
        {
            metadata["namespace"] = @namespace;
        }
        else if (bodyNamespace != @namespace)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private static JsonObject ApplyPatch(PatchType type, JsonObject current, string patch, PatchSchema schema)
    {
        try
        {
            var result = type switch
            {
                PatchType.Json => JsonPatch.Apply(current, patch),
                PatchType.Merge => MergePatch.Apply(current, patch),
                _ => StrategicMergePatch.Apply(current, patch, schema),
            };
            return result as JsonObject ?? throw ApiException.BadRequest("the patch must produce a JSON object");
        }
        catch (PatchException e) when (type == PatchType.Json && !e.Malformed)
        {
            throw ApiException.PatchNotApplied();
        }
        catch (PatchException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    private static string ConflictMessage(ResourceDefinition resource, string name) =>
        $"Operation cannot be fulfilled on {resource.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again";

    private static void CheckPreconditions(ResourceDefinition resource, StoredObject current, DeleteOptions options)
    {
        if (options.PreconditionUid is { Length: > 0 } uid && uid != current.Uid)
        {
            throw ApiException.Conflict(resource, current.Name,
                $"Operation cannot be fulfilled on {resource.GroupResource} \"{current.Name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
        }
        var version = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != version)
        {
            throw ApiException.Conflict(resource, current.Name,
                $"Operation cannot be fulfilled on {resource.GroupResource} \"{current.Name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {version}");
        }
    }

    /// <summary>
    /// rest.BeforeDelete with the pod strategy's CheckGracefulDelete: delete now, or the object with new deletion fields,
    /// or neither (a graceful deletion is already pending and stays as it is).
    /// </summary>
    private (bool DeleteNow, JsonObject? Updated) GracefulDeletion(StoredObject current, DeleteOptions options)
    {
        var obj = current.ToJsonObject();
        var metadata = JsonPaths.Object(obj, "metadata");
        if (JsonPaths.ParseTime(JsonPaths.String(obj, "metadata.deletionTimestamp")) is { } deletionTimestamp)
        {
            var existing = Long(metadata["deletionGracePeriodSeconds"]) ?? 0;
            if (existing == 0)
            {
                return (true, null);
            }
            // Only a shorter grace period may be given once deletion has started.
            if (options.GracePeriodSeconds is not { } shorter || shorter >= existing)
            {
                return (false, null);
            }
            shorter = Math.Max(0, shorter);
            if (shorter == 0)
            {
                return (true, null);
            }
            metadata["deletionTimestamp"] = JsonPaths.FormatTime(deletionTimestamp.AddSeconds(shorter - existing));
            metadata["deletionGracePeriodSeconds"] = shorter;
            return (false, obj);
        }

        var period = options.GracePeriodSeconds ?? Long(JsonPaths.Find(obj, "spec.terminationGracePeriodSeconds")) ?? 0;
        // An unscheduled pod has no kubelet to stop it; a finished one has nothing to stop.
        if (string.IsNullOrEmpty(JsonPaths.String(obj, "spec.nodeName")) ||
            JsonPaths.String(obj, "status.phase") is "Failed" or "Succeeded")
        {
            period = 0;
        }
        if (period < 0)
        {
            period = 1;
        }
        if (period == 0)
        {
            return (true, null);
        }
        metadata["deletionTimestamp"] = JsonPaths.FormatTime(Time.GetUtcNow().AddSeconds(period));
        metadata["deletionGracePeriodSeconds"] = period;
        if (Long(metadata["generation"]) is > 0 and var generation)
        {
            metadata["generation"] = generation + 1;
        }
        return (false, obj);
    }

    private void ScheduleTermination(StoredObject pod)
    {
        if (PodTerminationHandler is { } handler && handler(pod))
        {
            return;
        }
        var grace = Long(JsonPaths.Find(pod.ToJsonObject(), "metadata.deletionGracePeriodSeconds")) ?? 0;
        var delay = TimeSpan.FromSeconds(Math.Clamp(grace, 0, 1));
        var (resource, ns, name, uid) = (pod.Resource, pod.Namespace, pod.Name, pod.Uid);
        // The timer is kept referenced until it fires, or it could be collected before.
        var timer = Time.CreateTimer(_ =>
        {
            if (_terminationTimers.TryRemove(uid, out var fired))
            {
                fired.Dispose();
            }
            FinalizeDeletion(resource, ns, name, uid);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_terminationTimers.TryRemove(uid, out var previous))
        {
            previous.Dispose();
        }
        _terminationTimers[uid] = timer;
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private static long? Long(JsonNode? node) => WriteValidation.Number(node) is { } d ? (long)d : null;

    internal static JsonObject ScaleOf(StoredObject stored)
    {
        var obj = stored.ToJsonObject();
        var metadata = new JsonObject { ["name"] = stored.Name };
        if (stored.Resource.Namespaced)
        {
            metadata["namespace"] = stored.Namespace;
        }
        metadata["uid"] = stored.Uid;
        metadata["resourceVersion"] = stored.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (JsonPaths.String(obj, "metadata.creationTimestamp") is { } created)
        {
            metadata["creationTimestamp"] = created;
        }
        var status = new JsonObject
        {
            ["replicas"] = Long(JsonPaths.Find(obj, "status.replicas")) ?? 0,
        };
        if (FormatSelector(JsonPaths.Find(obj, "spec.selector") as JsonObject) is { Length: > 0 } selector)
        {
            status["selector"] = selector;
        }
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["replicas"] = Long(JsonPaths.Find(obj, "spec.replicas")) ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>metav1.FormatLabelSelector: requirements sorted by key, "k=v", "k in (a,b)", "k notin (a)", "k", "!k".</summary>
    internal static string FormatSelector(JsonObject? selector)
    {
        if (selector is null)
        {
            return "";
        }
        var requirements = new List<(string Key, string Text)>();
        if (selector["matchLabels"] is JsonObject labels)
        {
            requirements.AddRange(labels.Select(p => (p.Key, $"{p.Key}={JsonPaths.ScalarText(p.Value)}")));
        }
        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = JsonPaths.String(e, "key") ?? "";
                var values = (e["values"] as JsonArray)?.Select(JsonPaths.ScalarText).Order(StringComparer.Ordinal).ToList() ?? [];
                requirements.Add((key, JsonPaths.String(e, "operator") switch
                {
                    "In" => $"{key} in ({string.Join(',', values)})",
                    "NotIn" => $"{key} notin ({string.Join(',', values)})",
                    "Exists" => key,
                    "DoesNotExist" => $"!{key}",
                    var op => $"{key} {op} ({string.Join(',', values)})",
                }));
            }
        }
        return string.Join(',', requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }
}
