using System.Text;
using k8s;
using k8s.Models;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>kubectl get deployments: NAME, READY, UP-TO-DATE, AVAILABLE, AGE (+ CONTAINERS, IMAGES, SELECTOR wide).</summary>
internal sealed class DeploymentPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Ready", "string", "Number of the pod with ready state"),
        new("Up-to-date", "string", "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
        new("Available", "string", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
        ColumnDocs.AgeColumn,
        .. WorkloadColumns.Wide,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var d = obj.View(static o => KubernetesJson.Deserialize<V1Deployment>(Encoding.UTF8.GetString(o.Json)));
        var status = d.Status;
        return new TableRow(
        [
            obj.Name,
            $"{status?.ReadyReplicas ?? 0}/{d.Spec?.Replicas ?? 0}",
            (long)(status?.UpdatedReplicas ?? 0),
            (long)(status?.AvailableReplicas ?? 0),
            TablePrinter.Age(obj.CreationTimestamp, now),
            .. WorkloadColumns.WideCells(d.Spec?.Template, d.Spec?.Selector),
        ]);
    }
}

/// <summary>kubectl get replicasets: NAME, DESIRED, CURRENT, READY, AGE (+ CONTAINERS, IMAGES, SELECTOR wide).</summary>
internal sealed class ReplicaSetPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Desired", "integer", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
        new("Current", "integer", "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#what-is-a-replicaset"),
        new("Ready", "integer", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        ColumnDocs.AgeColumn,
        .. WorkloadColumns.Wide,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var rs = obj.View(static o => KubernetesJson.Deserialize<V1ReplicaSet>(Encoding.UTF8.GetString(o.Json)));
        return new TableRow(
        [
            obj.Name,
            (long)(rs.Spec?.Replicas ?? 0),
            (long)(rs.Status?.Replicas ?? 0),
            (long)(rs.Status?.ReadyReplicas ?? 0),
            TablePrinter.Age(obj.CreationTimestamp, now),
            .. WorkloadColumns.WideCells(rs.Spec?.Template, rs.Spec?.Selector),
        ]);
    }
}

internal static class WorkloadColumns
{
    public static readonly TableColumn[] Wide =
    [
        new("Containers", "string", "Names of each container in the template.", Priority: 1),
        new("Images", "string", "Images referenced by each container in the template.", Priority: 1),
        new("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", Priority: 1),
    ];

    public static object?[] WideCells(V1PodTemplateSpec? template, V1LabelSelector? selector)
    {
        var containers = template?.Spec?.Containers ?? [];
        return
        [
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image)),
            SelectorText(selector),
        ];
    }

    /// <summary>metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key.</summary>
    public static string SelectorText(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }
        var parts = new List<(string Key, string Text)>();
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            parts.Add((k, $"{k}={v}"));
        }
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var values = string.Join(",", (e.Values ?? []).Order(StringComparer.Ordinal));
            parts.Add((e.Key, e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({values})",
                "NotIn" => $"{e.Key} notin ({values})",
                "Exists" => e.Key,
                _ => $"!{e.Key}",
            }));
        }
        return string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }
}

/// <summary>kubectl get statefulsets: NAME, READY, AGE (+ CONTAINERS, IMAGES wide).</summary>
internal sealed class StatefulSetPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Ready", "string", "Number of the pod with ready state"),
        ColumnDocs.AgeColumn,
        WorkloadColumns.Wide[0],
        WorkloadColumns.Wide[1],
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var sts = obj.View(static o => KubernetesJson.Deserialize<V1StatefulSet>(Encoding.UTF8.GetString(o.Json)));
        var cells = WorkloadColumns.WideCells(sts.Spec?.Template, sts.Spec?.Selector);
        return new TableRow(
        [
            obj.Name,
            $"{sts.Status?.ReadyReplicas ?? 0}/{sts.Spec?.Replicas ?? 1}",
            TablePrinter.Age(obj.CreationTimestamp, now),
            cells[0],
            cells[1],
        ]);
    }
}

/// <summary>kubectl get controllerrevisions: NAME, CONTROLLER, REVISION, AGE.</summary>
internal sealed class ControllerRevisionPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Controller", "string", "Controller of the object"),
        new("Revision", "integer", "Revision indicates the revision of the state represented by Data."),
        ColumnDocs.AgeColumn,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var json = obj.ToJsonObject();
        var owner = (JsonPaths.Find(json, "metadata.ownerReferences") as System.Text.Json.Nodes.JsonArray)?
            .OfType<System.Text.Json.Nodes.JsonObject>().FirstOrDefault(o => (bool?)o["controller"] == true);
        var controller = owner is null
            ? "<none>"
            : $"{(JsonPaths.String(owner, "kind") ?? "").ToLowerInvariant()}.{(JsonPaths.String(owner, "apiVersion") ?? "").Split('/')[0]}/{JsonPaths.String(owner, "name")}";
        return new TableRow(
        [
            obj.Name,
            controller,
            json["revision"] is { } r ? r.GetValue<long>() : 0L,
            TablePrinter.Age(obj.CreationTimestamp, now),
        ]);
    }
}
