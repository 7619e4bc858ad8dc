using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>
/// A simulated scheduler + kubelet. Pods it manages (created by the controllers, or created without a status) go
/// Pending -> scheduled (ContainerCreating) -> Running and Ready over <see cref="SandboxOptions.PodScheduleDelay"/> and
/// <see cref="SandboxOptions.PodStartDelay"/>; pods of crashing images crash-loop instead. Terminating pods are removed
/// after <see cref="SandboxOptions.PodTerminationDelay"/> (capped by their grace period). Scenario pods that arrive
/// with a status are left exactly as seeded.
/// </summary>
internal sealed class Kubelet(ControllerManager manager)
{
    private const string KubeletComponent = "kubelet";
    private const string SchedulerComponent = "default-scheduler";

    private enum Stage
    {
        Unscheduled,
        Creating,
        Running,
        CrashLoop,
    }

    private sealed class PodState
    {
        public Stage Stage { get; set; }
        public DateTimeOffset? Due { get; set; }
        public DateTimeOffset? TerminateAt { get; set; }
        public int Restarts { get; set; }
    }

    private readonly HashSet<string> _managed = [];
    private readonly HashSet<string> _takenOver = [];
    // uid -> whether the pod was already terminating when first seen (seeded Terminating pods stay as they are).
    private readonly Dictionary<string, bool> _seen = [];
    private readonly Dictionary<string, PodState> _states = [];
    private readonly HashSet<string> _crashing = new(manager.CrashingImages, StringComparer.Ordinal);
    private int _nextNode;
    private int _nextIp;

    public void Manage(string uid) => _managed.Add(uid);

    /// <summary>The API server handed over a terminating pod (HTTP DELETE): finish it, even one seeded as Terminating.</summary>
    public void TakeOver(string ns, string name, string uid)
    {
        _takenOver.Add(uid);
        manager.Enqueue(new WorkKey(WorkKind.Pod, ns, name));
    }

    /// <summary>Marks an image as crashing (call on the loop); pods already running it start crash-looping.</summary>
    public void AddCrashingImage(string image)
    {
        if (!_crashing.Add(image))
        {
            return;
        }
        foreach (var pod in manager.Service.Store.Snapshot(manager.Pods).Items)
        {
            if (_managed.Contains(pod.Uid))
            {
                manager.Enqueue(new WorkKey(WorkKind.Pod, pod.Namespace, pod.Name));
            }
        }
    }

    public bool IsCrashing(string image) => _crashing.Contains(image);

    /// <summary>A graceful delete as the API server does it: deletionTimestamp = now + grace; the kubelet finishes it.</summary>
    public void BeginTermination(JsonObject pod)
    {
        if (Workloads.IsTerminating(pod))
        {
            return;
        }
        var grace = Workloads.Int(pod, "spec.terminationGracePeriodSeconds", 30);
        var metadata = JsonPaths.Object(pod, "metadata");
        metadata["deletionTimestamp"] = JsonPaths.FormatTime(manager.Now.AddSeconds(grace));
        metadata["deletionGracePeriodSeconds"] = grace;
        if (JsonPaths.String(pod, "metadata.uid") is { } uid)
        {
            _managed.Add(uid);
        }
        try
        {
            manager.Service.Update(manager.Pods, pod);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Already gone.
        }
    }

    public void Sync(string ns, string name)
    {
        var stored = manager.Service.Store.Get(manager.Pods, ns, name);
        if (stored is null)
        {
            return;
        }
        var pod = stored.ToJsonObject();
        var uid = stored.Uid;
        if (!_seen.TryGetValue(uid, out var seededTerminating))
        {
            seededTerminating = Workloads.IsTerminating(pod);
            _seen[uid] = seededTerminating;
            if (!seededTerminating && IsUntouched(pod))
            {
                _managed.Add(uid);
            }
        }
        var managed = _managed.Contains(uid);
        if (!_states.TryGetValue(uid, out var state))
        {
            state = new PodState { Stage = JsonPaths.String(pod, "spec.nodeName") is { Length: > 0 } ? Stage.Running : Stage.Unscheduled };
            _states[uid] = state;
        }
        var now = manager.Now;
        var key = new WorkKey(WorkKind.Pod, ns, name);

        if (Workloads.IsTerminating(pod))
        {
            if (!managed && seededTerminating && !_takenOver.Contains(uid))
            {
                return;
            }
            if (state.TerminateAt is null)
            {
                var grace = Workloads.Int(pod, "metadata.deletionGracePeriodSeconds", Workloads.Int(pod, "spec.terminationGracePeriodSeconds", 30));
                var delay = manager.Options.PodTerminationDelay;
                if (TimeSpan.FromSeconds(grace) < delay)
                {
                    delay = TimeSpan.FromSeconds(grace);
                }
                state.TerminateAt = now + delay;
                if (JsonPaths.String(pod, "spec.nodeName") is { Length: > 0 } node)
                {
                    foreach (var c in Containers(pod))
                    {
                        manager.Events.Normal(pod, KubeletComponent, "Killing", $"Stopping container {c}", $"spec.containers{{{c}}}", node);
                    }
                }
            }
            if (now >= state.TerminateAt)
            {
                // Returns false when someone finished the deletion first; either way the pod is gone.
                manager.Service.FinalizeDeletion(manager.Pods, ns, name, uid);
                _states.Remove(uid);
                _seen.Remove(uid);
                _managed.Remove(uid);
                _takenOver.Remove(uid);
            }
            else
            {
                manager.EnqueueAt(key, state.TerminateAt.Value);
            }
            return;
        }
        if (!managed)
        {
            return;
        }

        if (state.Stage == Stage.Running)
        {
            // A running pod only changes when its image is marked crashing.
            if (Containers(pod, images: true).Any(_crashing.Contains) && !IsCrashLooping(pod))
            {
                Crash(pod, state, now);
                state.Due = now + BackOff(state.Restarts);
                manager.EnqueueAt(key, state.Due.Value);
            }
            return;
        }
        if (state.Due is null)
        {
            state.Due = now + Delay(state);
            manager.EnqueueAt(key, state.Due.Value);
            return;
        }
        if (now < state.Due)
        {
            manager.EnqueueAt(key, state.Due.Value);
            return;
        }
        switch (state.Stage)
        {
            case Stage.Unscheduled:
                Schedule(pod, now);
                state.Stage = Stage.Creating;
                break;
            case Stage.Creating:
                Start(pod, state, now);
                break;
            case Stage.CrashLoop:
                Crash(pod, state, now);
                break;
        }
        state.Due = state.Stage == Stage.Running ? null : now + Delay(state);
        if (state.Due is { } due)
        {
            manager.EnqueueAt(key, due);
        }
    }

    private TimeSpan Delay(PodState state) => state.Stage switch
    {
        Stage.Unscheduled => manager.Options.PodScheduleDelay,
        Stage.Creating => manager.Options.PodStartDelay,
        _ => BackOff(state.Restarts),
    };

    /// <summary>A pod nobody has scheduled or started: what kubectl create / a controller produces.</summary>
    private static bool IsUntouched(JsonObject pod) =>
        JsonPaths.String(pod, "spec.nodeName") is not { Length: > 0 } &&
        JsonPaths.String(pod, "status.phase") is null or "Pending" &&
        JsonPaths.Find(pod, "status.conditions") is not JsonArray { Count: > 0 } &&
        JsonPaths.Find(pod, "status.containerStatuses") is not JsonArray { Count: > 0 };

    private TimeSpan BackOff(int restarts)
    {
        // The kubelet's crash back-off: base, doubling per restart, capped at 5 minutes.
        var delay = manager.Options.CrashLoopBackOff * Math.Pow(2, Math.Max(0, restarts - 1));
        return delay > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : delay;
    }

    private static IEnumerable<string> Containers(JsonObject pod, bool images = false) =>
        (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => JsonPaths.String(c, images ? "image" : "name") ?? "");

    private static bool IsCrashLooping(JsonObject pod) =>
        (JsonPaths.Find(pod, "status.containerStatuses") as JsonArray ?? []).OfType<JsonObject>()
            .Any(s => JsonPaths.String(s, "state.waiting.reason") == "CrashLoopBackOff");

    private (string Node, string HostIp) PickNode()
    {
        var nodes = manager.Service.Store.Snapshot(manager.Nodes).Items
            .Select(n => n.ToJsonObject())
            .Where(n => !Workloads.Bool(n, "spec.unschedulable"))
            .ToList();
        if (nodes.Count == 0)
        {
            return ("sandbox-node", "10.224.0.4");
        }
        var index = _nextNode++ % nodes.Count;
        var node = nodes[index];
        var ip = (JsonPaths.Find(node, "status.addresses") as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(a => JsonPaths.String(a, "type") == "InternalIP") is { } address
            ? JsonPaths.String(address, "address") ?? ""
            : $"10.224.0.{4 + index}";
        return (JsonPaths.String(node, "metadata.name")!, ip);
    }

    private void Schedule(JsonObject pod, DateTimeOffset now)
    {
        var (node, hostIp) = PickNode();
        JsonPaths.Object(pod, "spec")["nodeName"] = node;
        var time = JsonPaths.FormatTime(now);
        var status = new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", "False", time),
                Condition("Initialized", "True", time),
                Condition("Ready", "False", time, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', Containers(pod))}]"),
                Condition("ContainersReady", "False", time, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', Containers(pod))}]"),
                Condition("PodScheduled", "True", time)),
            ["hostIP"] = hostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = hostIp }),
            ["startTime"] = time,
            ["containerStatuses"] = new JsonArray((JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>()
                .Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = JsonPaths.String(c, "name"),
                    ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
                    ["lastState"] = new JsonObject(),
                    ["ready"] = false,
                    ["restartCount"] = 0,
                    ["image"] = JsonPaths.String(c, "image"),
                    ["imageID"] = "",
                    ["started"] = false,
                }).ToArray()),
            ["qosClass"] = QosClass(pod),
        };
        pod["status"] = status;
        manager.Service.Update(manager.Pods, pod);
        var ns = JsonPaths.String(pod, "metadata.namespace");
        var name = JsonPaths.String(pod, "metadata.name");
        manager.Events.Normal(pod, SchedulerComponent, "Scheduled", $"Successfully assigned {ns}/{name} to {node}");
        foreach (var c in (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>())
        {
            manager.Events.Normal(pod, KubeletComponent, "Pulling", $"Pulling image \"{JsonPaths.String(c, "image")}\"",
                $"spec.containers{{{JsonPaths.String(c, "name")}}}", node);
        }
    }

    private void Start(JsonObject pod, PodState state, DateTimeOffset now)
    {
        var node = JsonPaths.String(pod, "spec.nodeName") ?? "";
        var time = JsonPaths.FormatTime(now);
        var containers = (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var c in containers)
        {
            var cname = JsonPaths.String(c, "name");
            var image = JsonPaths.String(c, "image");
            var fieldPath = $"spec.containers{{{cname}}}";
            manager.Events.Normal(pod, KubeletComponent, "Pulled",
                $"Successfully pulled image \"{image}\" in 1.204s (1.204s including waiting). Image size: 52428800 bytes.", fieldPath, node);
            manager.Events.Normal(pod, KubeletComponent, "Created", $"Created container: {cname}", fieldPath, node);
            manager.Events.Normal(pod, KubeletComponent, "Started", $"Started container {cname}", fieldPath, node);
        }
        if (containers.Any(c => _crashing.Contains(JsonPaths.String(c, "image") ?? "")))
        {
            Crash(pod, state, now);
            return;
        }
        var status = JsonPaths.Object(pod, "status");
        status["phase"] = "Running";
        var ip = $"10.244.{(_nextIp / 250) % 256}.{_nextIp % 250 + 2}";
        _nextIp++;
        status["podIP"] = ip;
        status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
        status["conditions"] = new JsonArray(
            Condition("PodReadyToStartContainers", "True", time),
            Condition("Initialized", "True", JsonPaths.String(pod, "status.startTime") ?? time),
            Condition("Ready", "True", time),
            Condition("ContainersReady", "True", time),
            Condition("PodScheduled", "True", JsonPaths.String(pod, "status.startTime") ?? time));
        status["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)RunningStatus(pod, c, time, ready: true, restarts: 0)).ToArray());
        manager.Service.Update(manager.Pods, pod);
        state.Stage = Stage.Running;
    }

    /// <summary>The container exits 1 (Error) and waits in CrashLoopBackOff; restartCount grows each time.</summary>
    private void Crash(JsonObject pod, PodState state, DateTimeOffset now)
    {
        var node = JsonPaths.String(pod, "spec.nodeName") ?? "";
        var time = JsonPaths.FormatTime(now);
        var ns = JsonPaths.String(pod, "metadata.namespace");
        var name = JsonPaths.String(pod, "metadata.name");
        var uid = JsonPaths.String(pod, "metadata.uid");
        var restarted = state.Stage == Stage.CrashLoop;
        state.Restarts++;
        var status = JsonPaths.Object(pod, "status");
        status["phase"] = "Running";
        if (JsonPaths.String(pod, "status.podIP") is null)
        {
            var ip = $"10.244.{(_nextIp / 250) % 256}.{_nextIp % 250 + 2}";
            _nextIp++;
            status["podIP"] = ip;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
        }
        var containers = (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>().ToList();
        var crashing = containers.Where(c => _crashing.Contains(JsonPaths.String(c, "image") ?? "")).Select(c => JsonPaths.String(c, "name")).ToHashSet();
        var unready = $"containers with unready status: [{string.Join(' ', crashing)}]";
        status["conditions"] = new JsonArray(
            Condition("PodReadyToStartContainers", "True", time),
            Condition("Initialized", "True", JsonPaths.String(pod, "status.startTime") ?? time),
            Condition("Ready", "False", time, "ContainersNotReady", unready),
            Condition("ContainersReady", "False", time, "ContainersNotReady", unready),
            Condition("PodScheduled", "True", JsonPaths.String(pod, "status.startTime") ?? time));
        var backOff = BackOff(state.Restarts);
        var statuses = new JsonArray();
        foreach (var c in containers)
        {
            var cname = JsonPaths.String(c, "name")!;
            if (!crashing.Contains(cname))
            {
                statuses.Add(RunningStatus(pod, c, time, ready: true, restarts: 0));
                continue;
            }
            var fieldPath = $"spec.containers{{{cname}}}";
            if (restarted)
            {
                manager.Events.Normal(pod, KubeletComponent, "Pulled", $"Container image \"{JsonPaths.String(c, "image")}\" already present on machine", fieldPath, node);
                manager.Events.Normal(pod, KubeletComponent, "Created", $"Created container: {cname}", fieldPath, node);
                manager.Events.Normal(pod, KubeletComponent, "Started", $"Started container {cname}", fieldPath, node);
            }
            manager.Events.Warning(pod, KubeletComponent, "BackOff", $"Back-off restarting failed container {cname} in pod {name}_{ns}({uid})", fieldPath, node);
            if (c["readinessProbe"] is JsonObject)
            {
                // The probe hits a process that is failing its dependencies before it dies: what runbooks grep for.
                manager.Events.Warning(pod, KubeletComponent, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", fieldPath, node);
            }
            var status1 = RunningStatus(pod, c, time, ready: false, restarts: state.Restarts);
            status1["state"] = new JsonObject
            {
                ["waiting"] = new JsonObject
                {
                    ["reason"] = "CrashLoopBackOff",
                    ["message"] = $"back-off {GoDuration(backOff)} restarting failed container={cname} pod={name}_{ns}({uid})",
                },
            };
            status1["lastState"] = new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = 1,
                    ["reason"] = "Error",
                    ["startedAt"] = time,
                    ["finishedAt"] = time,
                    ["containerID"] = status1["containerID"]?.DeepClone(),
                },
            };
            status1["started"] = false;
            statuses.Add(status1);
        }
        status["containerStatuses"] = statuses;
        manager.Service.Update(manager.Pods, pod);
        state.Stage = Stage.CrashLoop;
    }

    private static JsonObject RunningStatus(JsonObject pod, JsonObject container, string time, bool ready, int restarts)
    {
        var image = JsonPaths.String(container, "image") ?? "";
        var repo = image.Contains('@') ? image[..image.IndexOf('@')] : image.LastIndexOf(':') > image.LastIndexOf('/') ? image[..image.LastIndexOf(':')] : image;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(image)));
        var containerId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{JsonPaths.String(pod, "metadata.uid")}/{JsonPaths.String(container, "name")}/{restarts}")));
        return new JsonObject
        {
            ["name"] = JsonPaths.String(container, "name"),
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = time } },
            ["lastState"] = new JsonObject(),
            ["ready"] = ready,
            ["restartCount"] = restarts,
            ["image"] = image,
            ["imageID"] = $"{repo}@sha256:{digest}",
            ["containerID"] = $"containerd://{containerId}",
            ["started"] = true,
        };
    }

    private static JsonObject Condition(string type, string status, string time, string? reason = null, string? message = null)
    {
        var c = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = time };
        if (reason is not null)
        {
            c["reason"] = reason;
            c["message"] = message;
        }
        return c;
    }

    /// <summary>Go's time.Duration.String() for whole seconds: "10s", "2m40s", "5m0s".</summary>
    private static string GoDuration(TimeSpan t)
    {
        var seconds = (long)Math.Round(t.TotalSeconds);
        if (seconds < 60)
        {
            return t.TotalSeconds < 1 ? $"{(long)t.TotalMilliseconds}ms" : $"{seconds}s";
        }
        return seconds < 3600 ? $"{seconds / 60}m{seconds % 60}s" : $"{seconds / 3600}h{seconds % 3600 / 60}m{seconds % 60}s";
    }

    /// <summary>The pod's QoS class from its containers' requests and limits.</summary>
    private static string QosClass(JsonObject pod)
    {
        var containers = (JsonPaths.Find(pod, "spec.containers") as JsonArray ?? []).OfType<JsonObject>().ToList();
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var limits = JsonPaths.Find(c, "resources.limits") as JsonObject;
            var requests = JsonPaths.Find(c, "resources.requests") as JsonObject;
            any |= limits is { Count: > 0 } || requests is { Count: > 0 };
            foreach (var resource in (string[])["cpu", "memory"])
            {
                var limit = limits?[resource];
                var request = requests?[resource] ?? limit;
                if (limit is null || !JsonNode.DeepEquals(limit, request))
                {
                    guaranteed = false;
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
