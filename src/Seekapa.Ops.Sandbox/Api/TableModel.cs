using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>A meta.k8s.io/v1 TableColumnDefinition. Priority 1 columns are the ones kubectl shows only with -o wide.</summary>
internal sealed record TableColumn(string Name, string Type, string Description, int Priority = 0, string Format = "");

/// <summary>A row condition (the API server marks finished pods "Completed" this way).</summary>
internal sealed record TableRowCondition(string Type, string Status, string Reason, string Message);

internal sealed record TableRow(object?[] Cells, IReadOnlyList<TableRowCondition>? Conditions = null);

/// <summary>Turns stored objects into Table rows: the API server's per-resource TableConvertor.</summary>
internal interface ITableRowPrinter
{
    IReadOnlyList<TableColumn> Columns { get; }

    TableRow Print(StoredObject obj, DateTimeOffset now);
}

/// <summary>Column descriptions reused by several printers (the texts the API server takes from the OpenAPI docs).</summary>
internal static class ColumnDocs
{
    public const string Name = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public const string CreationTimestamp = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public static TableColumn NameColumn { get; } = new("Name", "string", Name, Format: "name");

    public static TableColumn AgeColumn { get; } = new("Age", "string", CreationTimestamp);
}
