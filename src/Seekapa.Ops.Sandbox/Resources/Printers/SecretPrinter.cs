using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>kubectl get secrets: NAME, TYPE, DATA (the number of keys), AGE. Never a value.</summary>
internal sealed class SecretPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        ColumnDocs.NameColumn,
        new("Type", "string", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        new("Data", "string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        ColumnDocs.AgeColumn,
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var (type, keys) = obj.View(static o =>
        {
            var secret = o.ToJsonObject();
            return Tuple.Create(JsonPaths.String(secret, "type") ?? "", (long)((secret["data"] as JsonObject)?.Count ?? 0));
        });
        return new TableRow([obj.Name, type, keys, TablePrinter.Age(obj.CreationTimestamp, now)]);
    }
}
