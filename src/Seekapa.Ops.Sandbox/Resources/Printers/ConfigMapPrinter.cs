using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>kubectl get configmaps: NAME, DATA (the keys of data and binaryData), AGE.</summary>
internal sealed class ConfigMapPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Data", "string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        ColumnDocs.AgeColumn,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var keys = obj.View(static o =>
        {
            var configMap = o.ToJsonObject();
            return Tuple.Create((long)(((configMap["data"] as JsonObject)?.Count ?? 0) + ((configMap["binaryData"] as JsonObject)?.Count ?? 0)));
        });
        return new TableRow([obj.Name, keys.Item1, TablePrinter.Age(obj.CreationTimestamp, now)]);
    }
}
