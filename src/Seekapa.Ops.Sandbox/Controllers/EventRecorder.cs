using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Controllers;

/// <summary>
/// Writes core/v1 Events the way client-go's recorder does: one object per (object, reason, message, type, source),
/// repeated occurrences bump count and lastTimestamp instead of adding objects. Only called from the controller loop.
/// </summary>
internal sealed class EventRecorder(ResourceService service)
{
    private readonly ResourceDefinition _events = service.Registry.Find("", "v1", "events")
        ?? throw new InvalidOperationException("events are not registered");
    private readonly Dictionary<(string Uid, string Reason, string Message, string Type, string Component), string> _names = [];

    public void Normal(JsonObject involved, string component, string reason, string message, string? fieldPath = null, string? host = null) =>
        Record(involved, component, "Normal", reason, message, fieldPath, host);

    public void Warning(JsonObject involved, string component, string reason, string message, string? fieldPath = null, string? host = null) =>
        Record(involved, component, "Warning", reason, message, fieldPath, host);

    private void Record(JsonObject involved, string component, string type, string reason, string message, string? fieldPath, string? host)
    {
        var ns = JsonPaths.String(involved, "metadata.namespace") ?? "default";
        var name = JsonPaths.String(involved, "metadata.name") ?? "";
        var uid = JsonPaths.String(involved, "metadata.uid") ?? "";
        var now = JsonPaths.FormatTime(service.Time.GetUtcNow());
        var key = (uid, reason, message, type, component);
        try
        {
            if (_names.TryGetValue(key, out var existingName) && service.Store.Get(_events, ns, existingName) is { } existing)
            {
                var ev = existing.ToJsonObject();
                ev["count"] = Workloads.Int(ev, "count", 1) + 1;
                ev["lastTimestamp"] = now;
                service.Update(_events, ev);
                return;
            }
            var involvedObject = new JsonObject
            {
                ["kind"] = JsonPaths.String(involved, "kind"),
                ["namespace"] = ns,
                ["name"] = name,
                ["uid"] = uid,
                ["apiVersion"] = JsonPaths.String(involved, "apiVersion"),
                ["resourceVersion"] = JsonPaths.String(involved, "metadata.resourceVersion"),
            };
            if (fieldPath is not null)
            {
                involvedObject["fieldPath"] = fieldPath;
            }
            var source = new JsonObject { ["component"] = component };
            if (host is not null)
            {
                source["host"] = host;
            }
            // client-go names events "<object>.<unix nanos in hex>"; a random hex suffix has the same shape.
            var eventName = $"{name}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";
            service.Create(_events, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = eventName, ["namespace"] = ns },
                ["involvedObject"] = involvedObject,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = source,
                ["firstTimestamp"] = now,
                ["lastTimestamp"] = now,
                ["count"] = 1,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = host ?? "",
            });
            _names[key] = eventName;
        }
        catch (ApiException)
        {
            // Events are best effort, as in client-go: a namespace being deleted or a conflict must not stop a controller.
        }
    }
}
