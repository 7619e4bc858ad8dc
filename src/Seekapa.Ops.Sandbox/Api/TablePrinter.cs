using System.Text.Json;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>What a Table row carries as its object (the includeObject query parameter; kubectl's default is Metadata).</summary>
internal enum IncludeObject
{
    None,
    Metadata,
    Object,
}

/// <summary>Writes meta.k8s.io Table responses: for lists, single objects, and each event of a watch.</summary>
internal static class TablePrinter
{
    public static ITableRowPrinter For(ResourceDefinition resource) => resource.Hooks.Printer ?? NameAgePrinter.Instance;

    public static IncludeObject ParseInclude(string? value) => value switch
    {
        null or "" or "Metadata" => IncludeObject.Metadata,
        "None" => IncludeObject.None,
        "Object" => IncludeObject.Object,
        _ => throw ApiException.BadRequest($"includeObject: Unsupported value: \"{value}\": supported values: \"Metadata\", \"None\", \"Object\""),
    };

    /// <summary>"5m", "2d1h" or "&lt;unknown&gt;": the AGE cell the API server computes.</summary>
    public static string Age(DateTimeOffset? created, DateTimeOffset now) =>
        created is { } c ? HumanDuration.Format(now - c) : "<unknown>";

    public static void Write(Utf8JsonWriter w, string metaVersion, ITableRowPrinter printer, IEnumerable<StoredObject> items,
        DateTimeOffset now, IncludeObject include, ListMeta meta, bool includeColumns = true)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", $"meta.k8s.io/{metaVersion}");
        ListMeta.Write(w, meta);
        w.WritePropertyName("columnDefinitions");
        w.WriteStartArray();
        if (includeColumns)
        {
            foreach (var c in printer.Columns)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("type", c.Type);
                w.WriteString("format", c.Format);
                w.WriteString("description", c.Description);
                w.WriteNumber("priority", c.Priority);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WritePropertyName("rows");
        w.WriteStartArray();
        foreach (var item in items)
        {
            WriteRow(w, printer.Print(item, now), item, include, metaVersion);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter w, TableRow row, StoredObject obj, IncludeObject include, string metaVersion)
    {
        w.WriteStartObject();
        w.WritePropertyName("cells");
        w.WriteStartArray();
        foreach (var cell in row.Cells)
        {
            switch (cell)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case string s:
                    w.WriteStringValue(s);
                    break;
                case int i:
                    w.WriteNumberValue(i);
                    break;
                case long l:
                    w.WriteNumberValue(l);
                    break;
                case bool b:
                    w.WriteBooleanValue(b);
                    break;
                default:
                    w.WriteStringValue(cell.ToString());
                    break;
            }
        }
        w.WriteEndArray();
        if (row.Conditions is { Count: > 0 } conditions)
        {
            w.WritePropertyName("conditions");
            w.WriteStartArray();
            foreach (var c in conditions)
            {
                w.WriteStartObject();
                w.WriteString("type", c.Type);
                w.WriteString("status", c.Status);
                w.WriteString("reason", c.Reason);
                w.WriteString("message", c.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        switch (include)
        {
            case IncludeObject.Metadata:
                w.WritePropertyName("object");
                WritePartialObjectMetadata(w, obj, metaVersion);
                break;
            case IncludeObject.Object:
                w.WritePropertyName("object");
                w.WriteRawValue(obj.Json, skipInputValidation: true);
                break;
        }
        w.WriteEndObject();
    }

    public static void WritePartialObjectMetadata(Utf8JsonWriter w, StoredObject obj, string metaVersion)
    {
        w.WriteStartObject();
        w.WriteString("kind", "PartialObjectMetadata");
        w.WriteString("apiVersion", $"meta.k8s.io/{metaVersion}");
        w.WritePropertyName("metadata");
        w.WriteRawValue(obj.MetadataJson, skipInputValidation: true);
        w.WriteEndObject();
    }
}

/// <summary>The fallback Table for resources without their own printer.</summary>
internal sealed class NameAgePrinter : ITableRowPrinter
{
    public static readonly NameAgePrinter Instance = new();

    public IReadOnlyList<TableColumn> Columns { get; } = [ColumnDocs.NameColumn, ColumnDocs.AgeColumn];

    public TableRow Print(StoredObject obj, DateTimeOffset now) => new([obj.Name, TablePrinter.Age(obj.CreationTimestamp, now)]);
}

/// <summary>ListMeta: resourceVersion, and for a page that is not the last, continue + remainingItemCount.</summary>
internal sealed record ListMeta(long ResourceVersion, string? Continue = null, long? RemainingItemCount = null)
{
    public static void Write(Utf8JsonWriter w, ListMeta meta)
    {
        w.WritePropertyName("metadata");
        w.WriteStartObject();
        w.WriteString("resourceVersion", meta.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (meta.Continue is { } token)
        {
            w.WriteString("continue", token);
        }
        if (meta.RemainingItemCount is { } remaining)
        {
            w.WriteNumber("remainingItemCount", remaining);
        }
        w.WriteEndObject();
    }
}
