using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Scenarios;

/// <summary>
/// Synthetic load for benchmarks (--pods N --namespaces M): namespaces ns-0..ns-(M-1); one Deployment and one
/// ReplicaSet per ~10 pods; pods mostly Running and ready, ~3% unhealthy in varied ways. Deterministic (fixed seed),
/// so runs are comparable.
/// </summary>
internal static class PodGenerator
{
    private const int PodsPerReplicaSet = 10;
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    private enum Problem
    {
        None,
        CrashLoopOom,
        ImagePull,
        Unschedulable,
        ContainerCreating,
        NotReady,
        Error,
        Evicted,
    }

    public static void Generate(ResourceService service, int pods, int namespaces, DateTimeOffset now, int seed = 42)
    {
        var random = new Random(seed);
        var registry = service.Registry;
        var podResource = registry.Find("", "v1", "pods")!;
        var rsResource = registry.Find("apps", "v1", "replicasets")!;
        var deployResource = registry.Find("apps", "v1", "deployments")!;

        for (var n = 0; n < namespaces; n++)
        {
            var name = $"ns-{n}";
            if (service.Store.Get(service.Namespaces, "", name) is null)
            {
                service.Create(service.Namespaces, null, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject { ["name"] = name, ["creationTimestamp"] = Time(now.AddDays(-60)) },
                });
            }
        }

        var nodes = Math.Max(3, pods / 30);
        var replicaSets = (pods + PodsPerReplicaSet - 1) / PodsPerReplicaSet;
        var created = 0;
        for (var r = 0; r < replicaSets; r++)
        {
            var ns = $"ns-{r % namespaces}";
            var app = $"app-{r}";
            var hash = Random(random, 10);
            var count = Math.Min(PodsPerReplicaSet, pods - created);
            var age = now.AddMinutes(-random.Next(60, 30 * 24 * 60));
            var image = $"seekapa.azurecr.io/{app}:1.{r % 7}.{r % 13}";
            var problems = Enumerable.Range(0, count)
                .Select(_ => random.NextDouble() < 0.03 ? (Problem)random.Next(1, 8) : Problem.None).ToList();
            var ready = problems.Count(p => p == Problem.None);
            // An evicted pod is Failed, which its ReplicaSet no longer counts: the RS wants only the others, so the
            // replicaset controller has nothing to replace and the generated set stays exactly as generated.
            var active = problems.Count(p => p != Problem.Evicted);

            var deploymentJson = Deployment(ns, app, image, active, ready, age);
            if (active == ready)
            {
                // omitempty on the wire, and what the deployment controller would write.
                ((JsonObject)deploymentJson["status"]!).Remove("unavailableReplicas");
            }
            var deployment = service.Create(deployResource, null, deploymentJson);
            var rs = service.Create(rsResource, null, ReplicaSet(ns, app, hash, image, active, ready, age, deployment.Uid));
            var containerJson = Container(app, image).ToJsonString();
            var ownerJson = Owner("apps/v1", "ReplicaSet", rs.Name, rs.Uid).ToJsonString();
            for (var i = 0; i < count; i++)
            {
                var podName = $"{app}-{hash}-{Random(random, 5)}";
                var node = $"aks-nodepool1-31718369-vmss{random.Next(nodes):x6}";
                var ip = $"10.244.{(created / 250) % 256}.{created % 250 + 2}";
                service.Create(podResource, null,
                    Pod(ns, podName, app, hash, containerJson, ownerJson, image, node, ip, age, problems[i], rs.Name, random, now));
                created++;
            }
        }
    }

    private static JsonObject Deployment(string ns, string app, string image, int replicas, int ready, DateTimeOffset created) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject
        {
            ["name"] = app,
            ["namespace"] = ns,
            ["creationTimestamp"] = Time(created),
            ["labels"] = new JsonObject { ["app"] = app },
            ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" },
        },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } },
            ["template"] = Template(app, image, null),
        },
        ["status"] = new JsonObject
        {
            ["observedGeneration"] = 1,
            ["replicas"] = replicas,
            ["updatedReplicas"] = replicas,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["unavailableReplicas"] = replicas - ready,
            ["conditions"] = new JsonArray(
                // As the deployment controller decides it: at least replicas - maxUnavailable (25%, rounded down) available.
                Condition("Available", ready >= replicas - replicas / 4 ? "True" : "False", created, ready >= replicas - replicas / 4 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                Condition("Progressing", "True", created, "NewReplicaSetAvailable")),
        },
    };

    private static JsonObject ReplicaSet(string ns, string app, string hash, string image, int replicas, int ready, DateTimeOffset created, string ownerUid) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "ReplicaSet",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{app}-{hash}",
            ["namespace"] = ns,
            ["creationTimestamp"] = Time(created),
            ["labels"] = new JsonObject { ["app"] = app, ["pod-template-hash"] = hash },
            ["annotations"] = new JsonObject
            {
                ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["deployment.kubernetes.io/max-replicas"] = (replicas + (replicas + 3) / 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["deployment.kubernetes.io/revision"] = "1",
            },
            ["ownerReferences"] = new JsonArray(Owner("apps/v1", "Deployment", app, ownerUid)),
        },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app, ["pod-template-hash"] = hash } },
            ["template"] = Template(app, image, hash),
        },
        ["status"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["fullyLabeledReplicas"] = replicas,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["observedGeneration"] = 1,
        },
    };

    private static JsonObject Template(string app, string image, string? hash)
    {
        var labels = new JsonObject { ["app"] = app };
        if (hash is not null)
        {
            labels["pod-template-hash"] = hash;
        }
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = labels },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(Container(app, image)) },
        };
    }

    private static JsonObject Container(string app, string image) => new()
    {
        ["name"] = app,
        ["image"] = image,
        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" }),
        ["env"] = new JsonArray(
            new JsonObject { ["name"] = "ASPNETCORE_ENVIRONMENT", ["value"] = "Production" },
            new JsonObject { ["name"] = "LOG_LEVEL", ["value"] = "info" }),
        ["resources"] = new JsonObject
        {
            ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "512Mi" },
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "256Mi" },
        },
        ["readinessProbe"] = new JsonObject
        {
            ["httpGet"] = new JsonObject { ["path"] = "/health", ["port"] = 8080, ["scheme"] = "HTTP" },
            ["periodSeconds"] = 10,
            ["timeoutSeconds"] = 1,
            ["successThreshold"] = 1,
            ["failureThreshold"] = 3,
        },
    };

    /// <summary>One pod, written straight to JSON: pods are the bulk of a benchmark cluster, and a parsed document is
    /// far cheaper to store than a tree of nodes built one by one.</summary>
    private static JsonObject Pod(string ns, string name, string app, string hash, string containerJson, string ownerJson,
        string image, string node, string ip, DateTimeOffset created, Problem problem, string rsName, Random random, DateTimeOffset now)
    {
        var started = created.AddSeconds(5);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", "v1");
            w.WriteString("kind", "Pod");

            w.WriteStartObject("metadata");
            w.WriteString("name", name);
            w.WriteString("generateName", $"{rsName}-");
            w.WriteString("namespace", ns);
            w.WriteString("creationTimestamp", Time(created));
            w.WriteStartObject("labels");
            w.WriteString("app", app);
            w.WriteString("pod-template-hash", hash);
            w.WriteEndObject();
            w.WriteStartArray("ownerReferences");
            w.WriteRawValue(ownerJson);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject("spec");
            w.WriteStartArray("containers");
            w.WriteRawValue(containerJson);
            w.WriteEndArray();
            w.WriteString("restartPolicy", "Always");
            w.WriteString("serviceAccountName", "default");
            w.WriteString("serviceAccount", "default");
            if (problem != Problem.Unschedulable)
            {
                w.WriteString("nodeName", node);
            }
            w.WriteEndObject();

            w.WriteStartObject("status");
            WriteStatus(w, app, name, image, ip, created, started, problem, random, now);
            w.WriteString("qosClass", "Burstable");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return (JsonObject)JsonNode.Parse(buffer.WrittenSpan)!;
    }

    private static void WriteStatus(Utf8JsonWriter w, string app, string name, string image, string ip,
        DateTimeOffset created, DateTimeOffset started, Problem problem, Random random, DateTimeOffset now)
    {
        switch (problem)
        {
            case Problem.Evicted:
                w.WriteString("phase", "Failed");
                w.WriteString("reason", "Evicted");
                w.WriteString("message", "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91456Ki. ");
                w.WriteString("startTime", Time(started));
                return;
            case Problem.Unschedulable:
                w.WriteString("phase", "Pending");
                w.WriteStartArray("conditions");
                WriteCondition(w, "PodScheduled", "False", created, "Unschedulable",
                    "0/12 nodes are available: 12 Insufficient memory. preemption: 0/12 nodes are available: 12 No preemption victims found for incoming pod.");
                w.WriteEndArray();
                return;
        }

        var ready = problem == Problem.None;
        var phase = problem is Problem.ImagePull or Problem.ContainerCreating ? "Pending" : "Running";
        var notReady = ready ? null : "ContainersNotReady";
        var notReadyMessage = ready ? null : $"containers with unready status: [{app}]";
        w.WriteString("phase", phase);
        w.WriteStartArray("conditions");
        WriteCondition(w, "PodReadyToStartContainers", problem == Problem.ContainerCreating ? "False" : "True", started);
        WriteCondition(w, "Initialized", "True", started);
        WriteCondition(w, "Ready", ready ? "True" : "False", started, notReady, notReadyMessage);
        WriteCondition(w, "ContainersReady", ready ? "True" : "False", started, notReady, notReadyMessage);
        WriteCondition(w, "PodScheduled", "True", created);
        w.WriteEndArray();
        w.WriteString("hostIP", "10.224.0.4");
        w.WriteStartArray("hostIPs");
        w.WriteStartObject();
        w.WriteString("ip", "10.224.0.4");
        w.WriteEndObject();
        w.WriteEndArray();
        if (problem is not (Problem.ContainerCreating or Problem.ImagePull))
        {
            w.WriteString("podIP", ip);
            w.WriteStartArray("podIPs");
            w.WriteStartObject();
            w.WriteString("ip", ip);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteString("startTime", Time(started));

        w.WriteStartArray("containerStatuses");
        w.WriteStartObject();
        w.WriteString("name", app);
        w.WriteStartObject("state");
        var restarts = 0;
        switch (problem)
        {
            case Problem.None or Problem.NotReady:
                w.WriteStartObject("running");
                w.WriteString("startedAt", Time(started));
                w.WriteEndObject();
                break;
            case Problem.CrashLoopOom or Problem.Error:
                WriteWaiting(w, "CrashLoopBackOff", $"back-off {(problem == Problem.Error ? "2m40s" : "5m0s")} restarting failed container={app} pod={name}");
                restarts = problem == Problem.Error ? random.Next(2, 10) : random.Next(3, 40);
                break;
            case Problem.ImagePull:
                WriteWaiting(w, "ImagePullBackOff", $"Back-off pulling image \"{image}\"");
                break;
            default:
                WriteWaiting(w, "ContainerCreating", null);
                break;
        }
        w.WriteEndObject();
        w.WriteStartObject("lastState");
        if (problem is Problem.CrashLoopOom or Problem.Error)
        {
            var oom = problem == Problem.CrashLoopOom;
            var finished = now.AddMinutes(oom ? -random.Next(1, 5) : -3);
            w.WriteStartObject("terminated");
            w.WriteNumber("exitCode", oom ? 137 : 1);
            w.WriteString("reason", oom ? "OOMKilled" : "Error");
            w.WriteString("startedAt", Time(finished.AddMinutes(-random.Next(1, 5))));
            w.WriteString("finishedAt", Time(finished));
            w.WriteString("containerID", "containerd://" + Hex(random, 64));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteBoolean("ready", ready);
        w.WriteNumber("restartCount", restarts);
        w.WriteString("image", image);
        w.WriteString("imageID", problem == Problem.ImagePull ? "" : $"{image.Split(':')[0]}@sha256:{Hex(random, 64)}");
        if (problem is not (Problem.ImagePull or Problem.ContainerCreating))
        {
            w.WriteString("containerID", "containerd://" + Hex(random, 64));
        }
        w.WriteBoolean("started", problem is Problem.None or Problem.NotReady);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteWaiting(Utf8JsonWriter w, string reason, string? message)
    {
        w.WriteStartObject("waiting");
        w.WriteString("reason", reason);
        if (message is not null)
        {
            w.WriteString("message", message);
        }
        w.WriteEndObject();
    }

    private static void WriteCondition(Utf8JsonWriter w, string type, string status, DateTimeOffset at, string? reason = null, string? message = null)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("status", status);
        w.WriteNull("lastProbeTime");
        w.WriteString("lastTransitionTime", Time(at));
        if (reason is not null)
        {
            w.WriteString("reason", reason);
        }
        if (message is not null)
        {
            w.WriteString("message", message);
        }
        w.WriteEndObject();
    }

    private static JsonObject Condition(string type, string status, DateTimeOffset at, string? reason = null, string? message = null)
    {
        var c = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = Time(at) };
        if (reason is not null)
        {
            c["reason"] = reason;
        }
        if (message is not null)
        {
            c["message"] = message;
        }
        return c;
    }

    private static JsonObject Owner(string apiVersion, string kind, string name, string uid) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    private static string Time(DateTimeOffset t) => JsonPaths.FormatTime(t);

    private static string Random(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });

    private static string Hex(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "0123456789abcdef"[r.Next(16)];
            }
        });
}
