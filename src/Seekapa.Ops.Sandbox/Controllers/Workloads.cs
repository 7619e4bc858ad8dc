using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>JSON helpers shared by the controllers: owner references, conditions, int-or-percent, template hashes.</summary>
internal static class Workloads
{
    public const string PodTemplateHashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string ControllerRevisionHashLabel = "controller-revision-hash";

    // Kubernetes' rand.SafeEncodeString alphabet: no vowels, no 0/1/3, so generated names never spell words.
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static int Int(JsonObject obj, string path, int fallback = 0) =>
        JsonPaths.Find(obj, path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : fallback;

    public static long Long(JsonObject obj, string path, long fallback = 0) =>
        JsonPaths.Find(obj, path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var i) ? i : fallback;

    public static bool Bool(JsonObject obj, string path) =>
        JsonPaths.Find(obj, path) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static JsonObject Annotations(JsonObject obj) => JsonPaths.Object(JsonPaths.Object(obj, "metadata"), "annotations");

    public static string? Annotation(JsonObject obj, string key) => JsonPaths.Find(obj, "metadata.annotations") is JsonObject a ? a[key]?.GetValue<string>() : null;

    /// <summary>The uid of the object's controller (ownerReference with controller=true), if any.</summary>
    public static string? ControllerUid(JsonObject obj)
    {
        if (JsonPaths.Find(obj, "metadata.ownerReferences") is not JsonArray owners)
        {
            return null;
        }
        foreach (var o in owners.OfType<JsonObject>())
        {
            if (Bool(o, "controller"))
            {
                return JsonPaths.String(o, "uid");
            }
        }
        return null;
    }

    public static JsonArray ControllerRef(string apiVersion, string kind, string name, string uid) =>
    [
        new JsonObject
        {
            ["apiVersion"] = apiVersion, ["kind"] = kind, ["name"] = name, ["uid"] = uid,
            ["controller"] = true, ["blockOwnerDeletion"] = true,
        },
    ];

    /// <summary>GetScaledValueFromIntOrPercent: an int as-is, "25%" of <paramref name="total"/> rounded up or down.</summary>
    public static int Scaled(JsonNode? value, int total, bool roundUp)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return v.GetValue<int>();
        }
        if (value is JsonValue s && s.GetValueKind() == JsonValueKind.String)
        {
            var text = s.GetValue<string>();
            if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pct))
            {
                var exact = (double)pct * total / 100;
                return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
            }
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }
        return 0;
    }

    public static JsonObject? Condition(JsonObject obj, string type) =>
        obj["status"] is JsonObject status ? StatusCondition(status, type) : null;

    public static JsonObject? StatusCondition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => JsonPaths.String(c, "type") == type);

    /// <summary>
    /// SetDeploymentCondition's rules: same status and reason leaves the condition alone; same status keeps the
    /// lastTransitionTime; otherwise the condition is replaced (moved to the end).
    /// </summary>
    public static bool SetCondition(JsonObject status, string type, string conditionStatus, string reason, string message, DateTimeOffset now, bool withUpdateTime = true)
    {
        var conditions = status["conditions"] as JsonArray;
        if (conditions is null)
        {
            conditions = [];
            status["conditions"] = conditions;
        }
        var current = conditions.OfType<JsonObject>().FirstOrDefault(c => JsonPaths.String(c, "type") == type);
        if (current is not null && JsonPaths.String(current, "status") == conditionStatus && JsonPaths.String(current, "reason") == reason)
        {
            return false;
        }
        var transition = current is not null && JsonPaths.String(current, "status") == conditionStatus
            ? JsonPaths.String(current, "lastTransitionTime") ?? JsonPaths.FormatTime(now)
            : JsonPaths.FormatTime(now);
        if (current is not null)
        {
            conditions.Remove(current);
        }
        var condition = new JsonObject { ["type"] = type, ["status"] = conditionStatus };
        if (withUpdateTime)
        {
            condition["lastUpdateTime"] = JsonPaths.FormatTime(now);
        }
        condition["lastTransitionTime"] = transition;
        condition["reason"] = reason;
        condition["message"] = message;
        conditions.Add(condition);
        return true;
    }

    public static void RemoveCondition(JsonObject status, string type)
    {
        if (status["conditions"] is JsonArray conditions)
        {
            foreach (var c in conditions.OfType<JsonObject>().Where(c => JsonPaths.String(c, "type") == type).ToList())
            {
                conditions.Remove(c);
            }
        }
    }

    /// <summary>A pod template without the pod-template-hash label (and without an emptied label map), for EqualIgnoreHash.</summary>
    public static JsonNode WithoutHash(JsonNode? template)
    {
        var copy = template?.DeepClone() as JsonObject ?? [];
        if (JsonPaths.Find(copy, "metadata.labels") is JsonObject labels)
        {
            labels.Remove(PodTemplateHashLabel);
            if (labels.Count == 0)
            {
                ((JsonObject)copy["metadata"]!).Remove("labels");
            }
        }
        if (copy["metadata"] is JsonObject { Count: 0 })
        {
            copy.Remove("metadata");
        }
        return copy;
    }

    /// <summary>
    /// EqualIgnoreHash: the templates are equal apart from pod-template-hash. Null members count as absent, as they do
    /// for Go structs (kubectl rollout undo sends "creationTimestamp": null in the template).
    /// </summary>
    public static bool EqualIgnoreHash(JsonNode? a, JsonNode? b) =>
        JsonNode.DeepEquals(Canonical(WithoutNulls(WithoutHash(a))), Canonical(WithoutNulls(WithoutHash(b))));

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is null)
                    {
                        o.Remove(key);
                    }
                    else
                    {
                        WithoutNulls(value);
                    }
                }
                if (o["metadata"] is JsonObject { Count: 0 } && o.Parent is null)
                {
                    o.Remove("metadata");
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    WithoutNulls(child);
                }
                break;
        }
        return node;
    }

    /// <summary>A copy with object members sorted by name (Go's json.Marshal of a map does the same).</summary>
    public static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>
    /// controller.ComputeHash: FNV-32a over the template (here its canonical JSON) and the collision count, written as a
    /// decimal number and mapped onto the safe alphabet. Always 10 characters (zero-padded), so names have one shape.
    /// </summary>
    public static string Hash(JsonNode? template, int? collisionCount) =>
        Hash(Encoding.UTF8.GetBytes(Canonical(WithoutNulls(template?.DeepClone()))?.ToJsonString() ?? "null"), collisionCount);

    public static string Hash(byte[] data, int? collisionCount)
    {
        var hash = 2166136261u;
        void Add(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= 16777619u;
            }
        }
        Add(data);
        if (collisionCount is { } c)
        {
            Span<byte> buffer = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, c);
            Add(buffer);
        }
        var digits = hash.ToString("D10", CultureInfo.InvariantCulture);
        return string.Create(digits.Length, digits, static (span, d) =>
        {
            for (var i = 0; i < d.Length; i++)
            {
                span[i] = SafeAlphabet[d[i] % SafeAlphabet.Length];
            }
        });
    }

    public static string RandomSuffix(int length = 5)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = SafeAlphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(SafeAlphabet.Length)];
        }
        return new string(chars);
    }

    /// <summary>Whether labels satisfy a LabelSelector object (matchLabels and matchExpressions).</summary>
    public static bool SelectorMatches(JsonObject? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }
        foreach (var (k, v) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.TryGetValue(k, out var actual) || actual != JsonPaths.ScalarText(v))
            {
                return false;
            }
        }
        foreach (var e in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = JsonPaths.String(e, "key") ?? "";
            var values = (e["values"] as JsonArray ?? []).Select(JsonPaths.ScalarText).ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var value);
            var ok = JsonPaths.String(e, "operator") switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Status of a pod as the controllers count it.</summary>
    public static bool IsTerminating(JsonObject pod) => JsonPaths.String(pod, "metadata.deletionTimestamp") is { Length: > 0 };

    /// <summary>controller.IsPodActive: not finished and not being deleted.</summary>
    public static bool IsActive(JsonObject pod) =>
        JsonPaths.String(pod, "status.phase") is not ("Succeeded" or "Failed") && !IsTerminating(pod);

    public static bool IsReady(JsonObject pod) =>
        Condition(pod, "Ready") is { } c && JsonPaths.String(c, "status") == "True";

    /// <summary>podutil.IsPodAvailable: ready for at least minReadySeconds.</summary>
    public static bool IsAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (Condition(pod, "Ready") is not { } c || JsonPaths.String(c, "status") != "True")
        {
            return false;
        }
        if (minReadySeconds == 0)
        {
            return true;
        }
        var since = JsonPaths.ParseTime(JsonPaths.String(c, "lastTransitionTime"));
        return since is { } t && t.AddSeconds(minReadySeconds) <= now;
    }

    /// <summary>When a ready pod becomes available (for a requeue), or null if it is already or not ready.</summary>
    public static DateTimeOffset? AvailableAt(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (minReadySeconds == 0 || Condition(pod, "Ready") is not { } c || JsonPaths.String(c, "status") != "True")
        {
            return null;
        }
        var at = JsonPaths.ParseTime(JsonPaths.String(c, "lastTransitionTime"))?.AddSeconds(minReadySeconds);
        return at > now ? at : null;
    }

    public static void SetOrRemove(JsonObject obj, string name, int value)
    {
        // The API types mark these counters omitempty: zero is absent on the wire.
        if (value == 0)
        {
            obj.Remove(name);
        }
        else
        {
            obj[name] = value;
        }
    }
}

/// <summary>One unit of controller work: an object to reconcile.</summary>
internal enum WorkKind
{
    Deployment,
    ReplicaSet,
    StatefulSet,
    Pod,
}

internal readonly record struct WorkKey(WorkKind Kind, string Namespace, string Name);
