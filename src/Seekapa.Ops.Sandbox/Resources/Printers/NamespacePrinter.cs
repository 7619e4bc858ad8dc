using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>kubectl get namespaces: NAME, STATUS, AGE.</summary>
internal sealed class NamespacePrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Status", "string", "The status of the namespace"),
        ColumnDocs.AgeColumn,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now) =>
        new([obj.Name, obj.View(static o => JsonPaths.String(o.ToJsonObject(), "status.phase") ?? ""), TablePrinter.Age(obj.CreationTimestamp, now)]);
}
