using System.Text;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>kubectl's pod columns (printPod): READY/STATUS/RESTARTS/AGE come from Core's PodStatusPrinter so the
/// sandbox and the module agree on them; -o wide adds IP, NODE, NOMINATED NODE, READINESS GATES.</summary>
internal sealed class PodPrinter : ITableRowPrinter
{
    private static readonly TableRowCondition[] Succeeded = [new("Completed", "True", "Succeeded", "The pod has completed successfully.")];
    private static readonly TableRowCondition[] Failed = [new("Completed", "True", "Failed", "The pod failed.")];

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        ColumnDocs.AgeColumn,
        new("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", Priority: 1),
        new("Node", "string", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", Priority: 1),
        new("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", Priority: 1),
        new("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", Priority: 1),
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var pod = obj.View(static o => KubernetesJson.Deserialize<V1Pod>(Encoding.UTF8.GetString(o.Json)));
        var columns = PodStatusPrinter.Print(pod, now);
        var ip = pod.Status?.PodIPs is { Count: > 0 } ips && !string.IsNullOrEmpty(ips[0].Ip) ? ips[0].Ip : "<none>";
        var node = string.IsNullOrEmpty(pod.Spec?.NodeName) ? "<none>" : pod.Spec.NodeName;
        var nominated = string.IsNullOrEmpty(pod.Status?.NominatedNodeName) ? "<none>" : pod.Status.NominatedNodeName;
        var conditions = pod.Status?.Phase switch
        {
            "Succeeded" => Succeeded,
            "Failed" => Failed,
            _ => null,
        };
        return new TableRow(
            [obj.Name, columns.Ready, columns.Status, columns.RestartsDisplay, columns.Age, ip, node, nominated, ReadinessGates(pod)],
            conditions);
    }

    private static string ReadinessGates(V1Pod pod)
    {
        var gates = pod.Spec?.ReadinessGates;
        if (gates is null || gates.Count == 0)
        {
            return "<none>";
        }
        var trueConditions = 0;
        foreach (var gate in gates)
        {
            var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == gate.ConditionType);
            if (condition?.Status == "True")
            {
                trueConditions++;
            }
        }
        return $"{trueConditions}/{gates.Count}";
    }
}
