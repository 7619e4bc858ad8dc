using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Resources.Printers;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>Namespaces: Active by default; deleting one removes everything in it (at once: no Terminating phase yet).</summary>
internal sealed class NamespaceHooks : ResourceHooks
{
    public override ITableRowPrinter Printer { get; } = new NamespacePrinter();

    public override void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        JsonPaths.Object(JsonPaths.Object(obj, "metadata"), "labels")["kubernetes.io/metadata.name"] = name;
        PodHooks.SetIfMissing(JsonPaths.Object(obj, "spec"), "finalizers", new JsonArray("kubernetes"));
        PodHooks.SetIfMissing(JsonPaths.Object(obj, "status"), "phase", "Active");
    }

    public override void OnDeleted(ResourceService service, StoredObject deleted)
    {
        foreach (var resource in service.Registry.All.Where(r => r.Namespaced))
        {
            var snapshot = service.Store.Snapshot(resource);
            var (start, end) = snapshot.Range(deleted.Name);
            for (var i = start; i < end; i++)
            {
                try
                {
                    service.Delete(resource, deleted.Name, snapshot.Items[i].Name);
                }
                catch (ApiException)
                {
                    // Deleted concurrently: nothing left to do.
                }
            }
        }
    }
}
