using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Scenarios;

/// <summary>
/// Loads a scenario file into the store. Format (JSON):
/// <code>
/// { "description": "...",
///   "include": ["healthy"],                        // other scenarios loaded first (by name or path)
///   "namespaces": ["a", {"name": "b", "creationTimestamp": "-90d", "labels": {...}}],
///   "crashingImages": ["repo/app:1.2.3"],          // images whose pods the simulated kubelet crash-loops
///   "logs": [{"image": "repo/app:1.2.3", "lines": ["ERROR GET {path} 503 ..."], "lastLines": ["FATAL ..."]}],  // see LogRule
///   "metrics": {"ns/pod/container": {"cpu": "950m", "memory": "900Mi"}, "repo/app:1.2.3": {"memory": "980Mi"}},
///   "backends": ["seekapa-production/redis-master-0:6379=127.0.0.1:6379"],  // real endpoints behind pod ports (port-forward)
///   "remove": [{"apiVersion": "v1", "kind": "Pod", "namespace": "a", "name": "x"}],  // objects of included scenarios to drop
///   "objects": [ { "apiVersion": "v1", "kind": "Pod", "metadata": {...}, "spec": {...}, "status": {...} }, ... ] }
/// </code>
/// Objects are created owners first (Deployment, ReplicaSet, then Pod); an ownerReference without uid gets the
/// owner's (and an Event's involvedObject the object's uid); an object with the name of an included one replaces it;
/// timestamps may be relative ("-5m").
/// </summary>
internal sealed class ScenarioLoader(ResourceService service, DateTimeOffset origin, Telemetry.ScenarioTelemetry? telemetry = null,
    PortForwardBackends? backends = null)
{
    private static readonly string[] CreationOrder = ["Namespace", "Node", "Secret", "ConfigMap", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ControllerRevision", "Pod", "Service", "Event"];

    private readonly HashSet<string> _loading = new(StringComparer.Ordinal);
    private readonly List<string> _crashingImages = [];

    /// <summary>The images the loaded scenarios list under "crashingImages" (the simulated kubelet crash-loops them).</summary>
    public IReadOnlyList<string> CrashingImages => _crashingImages;

    public static IReadOnlyList<string> Directories =>
    [
        Path.Combine(AppContext.BaseDirectory, "Scenarios"),
        Path.Combine(Path.GetDirectoryName(typeof(ScenarioLoader).Assembly.Location) ?? AppContext.BaseDirectory, "Scenarios"),
    ];

    /// <summary>The scenario names shipped beside the sandbox.</summary>
    public static IReadOnlyList<string> Available() =>
        Directories.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.json"))
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    public static string ResolvePath(string nameOrPath, string? relativeTo = null)
    {
        if (File.Exists(nameOrPath))
        {
            return Path.GetFullPath(nameOrPath);
        }
        var candidates = new List<string>();
        if (relativeTo is not null)
        {
            candidates.Add(Path.Combine(relativeTo, nameOrPath));
            candidates.Add(Path.Combine(relativeTo, nameOrPath + ".json"));
        }
        candidates.AddRange(Directories.Select(d => Path.Combine(d, nameOrPath + ".json")));
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"scenario \"{nameOrPath}\" not found (a file path, or one of: {string.Join(", ", Available())})", nameOrPath);
    }

    public void Load(string nameOrPath, string? relativeTo = null)
    {
        var path = ResolvePath(nameOrPath, relativeTo);
        if (!_loading.Add(path))
        {
            throw new InvalidDataException($"scenario {path} includes itself");
        }
        JsonObject scenario;
        try
        {
            scenario = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            }) as JsonObject ?? throw new InvalidDataException($"{path}: a scenario must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        foreach (var include in (scenario["include"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
        {
            Load(include, Path.GetDirectoryName(path));
        }
        foreach (var removed in (scenario["remove"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Remove(removed, path);
        }
        foreach (var image in (scenario["crashingImages"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
        {
            if (!_crashingImages.Contains(image))
            {
                _crashingImages.Add(image);
            }
            telemetry?.AddCrashingImage(image);
        }
        telemetry?.Read(scenario, path);
        foreach (var backend in (scenario["backends"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
        {
            try
            {
                backends?.Add(backend);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }
        foreach (var ns in scenario["namespaces"] as JsonArray ?? [])
        {
            CreateNamespace(ns, path);
        }
        var objects = (scenario["objects"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(o => (JsonObject)o.DeepClone())
            .OrderBy(o => Rank(JsonPaths.String(o, "kind")))
            .ToList();
        foreach (var obj in objects)
        {
            CreateObject(obj, path);
        }
        _loading.Remove(path);
    }

    /// <summary>Drops an object an included scenario defined (e.g. a pod the incident no longer has).</summary>
    private void Remove(JsonObject entry, string path)
    {
        var kind = JsonPaths.String(entry, "kind") ?? "";
        var resource = service.Registry.FindByKind(JsonPaths.String(entry, "apiVersion") ?? "v1", kind)
                       ?? throw new InvalidDataException($"{path}: remove: no resource serves {JsonPaths.String(entry, "apiVersion")} {kind}");
        var ns = resource.Namespaced ? JsonPaths.String(entry, "namespace") ?? "default" : "";
        var name = JsonPaths.String(entry, "name") ?? "";
        if (service.Store.Get(resource, ns, name) is not null)
        {
            service.Delete(resource, ns, name);
        }
    }

    private void CreateNamespace(JsonNode? entry, string path)
    {
        var (name, extra) = entry switch
        {
            JsonValue v => (v.GetValue<string>(), new JsonObject()),
            JsonObject o => (JsonPaths.String(o, "name") ?? throw new InvalidDataException($"{path}: a namespace needs a name"), o),
            _ => throw new InvalidDataException($"{path}: namespaces must be names or objects"),
        };
        if (service.Store.Get(service.Namespaces, "", name) is not null)
        {
            return;
        }
        var metadata = new JsonObject { ["name"] = name };
        foreach (var key in (string[])["creationTimestamp", "labels", "annotations"])
        {
            if (extra[key] is { } value)
            {
                metadata[key] = value.DeepClone();
            }
        }
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = metadata };
        RelativeTime.Resolve(ns, origin);
        try
        {
            service.Create(service.Namespaces, null, ns);
        }
        catch (ApiException e)
        {
            throw new InvalidDataException($"{path}: namespace {name}: {e.Message}", e);
        }
    }

    private void CreateObject(JsonObject obj, string path)
    {
        var apiVersion = JsonPaths.String(obj, "apiVersion") ?? "";
        var kind = JsonPaths.String(obj, "kind") ?? "";
        var resource = service.Registry.FindByKind(apiVersion, kind)
                       ?? throw new InvalidDataException($"{path}: no resource serves {apiVersion} {kind}");
        RelativeTime.Resolve(obj, origin);
        var ns = resource.Namespaced ? JsonPaths.String(obj, "metadata.namespace") ?? "default" : "";
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        FillOwnerUids(obj, ns, path);
        FillInvolvedObjectUid(obj);
        if (kind == "Event")
        {
            MicroTimes(obj);
        }
        try
        {
            if (service.Store.Get(resource, ns, name) is { } existing)
            {
                // A later scenario redefines the object; keeping its uid keeps ownerReferences to it valid.
                if (JsonPaths.String(obj, "metadata.uid") is not { Length: > 0 })
                {
                    JsonPaths.Object(obj, "metadata")["uid"] = existing.Uid;
                }
                service.Delete(resource, ns, name);
            }
            service.Create(resource, null, obj);
        }
        catch (ApiException e)
        {
            throw new InvalidDataException($"{path}: {kind} {ns}/{name}: {e.Message}", e);
        }
    }

    /// <summary>Scenario authors name owners; the uid is only known once the owner exists.</summary>
    private void FillOwnerUids(JsonObject obj, string ns, string path)
    {
        if (JsonPaths.Find(obj, "metadata.ownerReferences") is not JsonArray owners)
        {
            return;
        }
        foreach (var owner in owners.OfType<JsonObject>())
        {
            if (JsonPaths.String(owner, "uid") is { Length: > 0 })
            {
                continue;
            }
            var kind = JsonPaths.String(owner, "kind") ?? "";
            var name = JsonPaths.String(owner, "name") ?? "";
            var resource = service.Registry.FindByKind(JsonPaths.String(owner, "apiVersion") ?? "", kind);
            var stored = resource is null ? null : service.Store.Get(resource, ns, name);
            owner["uid"] = stored?.Uid ?? throw new InvalidDataException($"{path}: owner {kind} {ns}/{name} of {JsonPaths.String(obj, "metadata.name")} is not defined before it");
        }
    }

    /// <summary>Events name the object they are about; kubectl describe finds them by that object's uid.</summary>
    private void FillInvolvedObjectUid(JsonObject obj)
    {
        if (obj["involvedObject"] is not JsonObject involved || JsonPaths.String(involved, "uid") is { Length: > 0 })
        {
            return;
        }
        var resource = service.Registry.FindByKind(JsonPaths.String(involved, "apiVersion") ?? "v1", JsonPaths.String(involved, "kind") ?? "");
        var target = resource is null
            ? null
            : service.Store.Get(resource, JsonPaths.String(involved, "namespace") ?? "", JsonPaths.String(involved, "name") ?? "");
        if (target is not null)
        {
            involved["uid"] = target.Uid;
        }
    }

    /// <summary>eventTime and series.lastObservedTime are MicroTimes: clients parse them with six fractional digits.</summary>
    private static void MicroTimes(JsonObject ev)
    {
        static void Fix(JsonObject? parent, string key)
        {
            if (parent is not null && JsonPaths.ParseTime(JsonPaths.String(parent, key)) is { } t)
            {
                parent[key] = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Fix(ev, "eventTime");
        Fix(ev["series"] as JsonObject, "lastObservedTime");
    }

    private static int Rank(string? kind)
    {
        var index = Array.IndexOf(CreationOrder, kind);
        return index < 0 ? CreationOrder.Length : index;
    }
}
