using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>
/// Per-resource behaviour plugged into the generic handlers: defaults on create, a Table printer, reactions to delete.
/// Later features (a deployment controller, subresources) hang off the same seams.
/// </summary>
internal class ResourceHooks
{
    public static readonly ResourceHooks None = new();

    /// <summary>Fills API-server defaults into a new object (generic metadata is already set).</summary>
    public virtual void ApplyDefaults(JsonObject obj, DateTimeOffset now)
    {
    }

    /// <summary>The Table columns kubectl shows; null means the generic NAME / AGE table.</summary>
    public virtual ITableRowPrinter? Printer => null;

    /// <summary>Called after the object has been removed from the store.</summary>
    public virtual void OnDeleted(ResourceService service, StoredObject deleted)
    {
    }
}
