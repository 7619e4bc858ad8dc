using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources.Printers;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>Pods: the API server's defaults for a pod spec, and kubectl's pod columns.</summary>
internal sealed class PodHooks : ResourceHooks
{
    public override ITableRowPrinter Printer { get; } = new PodPrinter();

    public override void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
        DefaultPodSpec(JsonPaths.Object(obj, "spec"));
        // A pod created without status (kubectl create) has not been scheduled yet; seeded pods bring their own status.
        if (obj["status"] is not JsonObject { Count: > 0 })
        {
            obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
        }
    }

    /// <summary>Defaults shared by pods and pod templates (deployments, replicasets, ...).</summary>
    public static void DefaultPodSpec(JsonObject spec)
    {
        SetIfMissing(spec, "restartPolicy", "Always");
        SetIfMissing(spec, "terminationGracePeriodSeconds", 30);
        SetIfMissing(spec, "dnsPolicy", "ClusterFirst");
        SetIfMissing(spec, "securityContext", new JsonObject());
        SetIfMissing(spec, "schedulerName", "default-scheduler");
        foreach (var list in (string[])["initContainers", "containers"])
        {
            if (spec[list] is not JsonArray containers)
            {
                continue;
            }
            foreach (var c in containers.OfType<JsonObject>())
            {
                SetIfMissing(c, "resources", new JsonObject());
                SetIfMissing(c, "terminationMessagePath", "/dev/termination-log");
                SetIfMissing(c, "terminationMessagePolicy", "File");
                SetIfMissing(c, "imagePullPolicy", PullPolicy(JsonPaths.String(c, "image") ?? ""));
            }
        }
    }

    // Kubernetes defaults imagePullPolicy to Always for ":latest" or untagged images, IfNotPresent otherwise.
    private static string PullPolicy(string image)
    {
        var name = image.Contains('@') ? image[..image.IndexOf('@')] : image;
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var hasTag = colon > slash;
        if (image.Contains('@'))
        {
            return "IfNotPresent";
        }
        return !hasTag || name[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    internal static void SetIfMissing(JsonObject obj, string name, JsonNode? value)
    {
        if (obj[name] is null)
        {
            obj[name] = value;
        }
    }
}
