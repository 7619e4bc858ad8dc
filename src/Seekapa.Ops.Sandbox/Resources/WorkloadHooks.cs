using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources.Printers;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>Deployments, ReplicaSets and other pod-template owners: generation, replicas and template defaults.
/// The controllers (Controllers/) react to these objects.</summary>
internal sealed class WorkloadHooks(ITableRowPrinter? printer, bool isDeployment = false) : ResourceHooks
{
    public override ITableRowPrinter? Printer { get; } = printer;

    public override void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
        PodHooks.SetIfMissing(JsonPaths.Object(obj, "metadata"), "generation", 1);
        var spec = JsonPaths.Object(obj, "spec");
        if (spec["template"] is JsonObject template)
        {
            PodHooks.DefaultPodSpec(JsonPaths.Object(template, "spec"));
        }
        if (!isDeployment)
        {
            return;
        }
        PodHooks.SetIfMissing(spec, "replicas", 1);
        PodHooks.SetIfMissing(spec, "strategy", new JsonObject
        {
            ["type"] = "RollingUpdate",
            ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
        });
        PodHooks.SetIfMissing(spec, "revisionHistoryLimit", 10);
        PodHooks.SetIfMissing(spec, "progressDeadlineSeconds", 600);
    }

    public static WorkloadHooks Deployment() => new(new DeploymentPrinter(), isDeployment: true);

    public static WorkloadHooks ReplicaSet() => new(new ReplicaSetPrinter());

    public static WorkloadHooks Other() => new(null);
}

/// <summary>ControllerRevisions: storage only, with kubectl's NAME / CONTROLLER / REVISION / AGE columns.</summary>
internal sealed class ControllerRevisionHooks : ResourceHooks
{
    public override ITableRowPrinter Printer { get; } = new ControllerRevisionPrinter();
}
