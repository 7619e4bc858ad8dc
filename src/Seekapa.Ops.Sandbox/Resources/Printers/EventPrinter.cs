using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources.Printers;

/// <summary>
/// kubectl get events: the API server's event Table (always generated wide; kubectl hides priority-1 columns):
/// Last Seen, Type, Reason, Object, [Subobject, Source], Message, [First Seen, Count, Name]. Last Seen is
/// series.lastObservedTime, else lastTimestamp, else first seen (firstTimestamp, else eventTime); Count is series.count,
/// else count, else 1 - so core/v1-style and events.k8s.io-style events print alike.
/// </summary>
internal sealed class EventPrinter : ITableRowPrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
        new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
        new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        new("Object", "string", "The object that this event is about."),
        new("Subobject", "string", "The subobject that this event is about (field path).", Priority: 1),
        new("Source", "string", "The component reporting this event. Should be a short machine understandable string.", Priority: 1),
        new("Message", "string", "A human-readable description of the status of this operation."),
        new("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", Priority: 1),
        new("Count", "integer", "The number of times this event has occurred.", Priority: 1),
        new("Name", "string", ColumnDocs.Name, Priority: 1, Format: "name"),
    ];

    public TableRow Print(StoredObject obj, DateTimeOffset now)
    {
        var ev = obj.ToJsonObject();
        string Since(string path) => JsonPaths.ParseTime(JsonPaths.String(ev, path)) is { } t ? TablePrinter.Age(t, now) : "<unknown>";
        var first = JsonPaths.String(ev, "firstTimestamp") is { Length: > 0 } ? Since("firstTimestamp") : Since("eventTime");
        var last = JsonPaths.String(ev, "lastTimestamp") is { Length: > 0 } ? Since("lastTimestamp") : first;
        long count = ev["count"] is JsonValue c && c.TryGetValue<long>(out var n) ? n : 0;
        if (ev["series"] is JsonObject series)
        {
            last = Since("series.lastObservedTime");
            count = series["count"] is JsonValue sc && sc.TryGetValue<long>(out var sn) ? sn : 0;
        }
        else if (count == 0)
        {
            // Events written through events.k8s.io without a series happened once.
            count = 1;
        }
        var kind = (JsonPaths.String(ev, "involvedObject.kind") ?? "").ToLowerInvariant();
        var name = JsonPaths.String(ev, "involvedObject.name") ?? "";
        var target = name.Length > 0 ? $"{kind}/{name}" : kind;
        var component = FirstNonEmpty(JsonPaths.String(ev, "source.component"), JsonPaths.String(ev, "reportingComponent"));
        var instance = FirstNonEmpty(JsonPaths.String(ev, "source.host"), JsonPaths.String(ev, "reportingInstance"));
        var source = component.Length == 0 ? "<unknown>" : instance.Length > 0 ? $"{component}, {instance}" : component;
        return new TableRow(
        [
            last,
            JsonPaths.String(ev, "type") ?? "",
            JsonPaths.String(ev, "reason") ?? "",
            target,
            JsonPaths.String(ev, "involvedObject.fieldPath") ?? "",
            source,
            (JsonPaths.String(ev, "message") ?? "").Trim(),
            first,
            count,
            obj.Name,
        ]);
    }

    private static string FirstNonEmpty(string? a, string? b) => a is { Length: > 0 } ? a : b ?? "";
}

/// <summary>Events get kubectl's event columns.</summary>
internal sealed class EventHooks : ResourceHooks
{
    public override ITableRowPrinter? Printer { get; } = new EventPrinter();
}
