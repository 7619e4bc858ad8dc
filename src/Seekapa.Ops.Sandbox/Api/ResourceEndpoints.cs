using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>The generic REST handlers: get, list, watch, create, delete and deletecollection for any registered resource.</summary>
internal sealed class ResourceEndpoints(ResourceService service, ListPager pager, WatchEndpoint watch)
{
    public async Task HandleAsync(HttpContext context, RequestInfo info)
    {
        var resource = service.Registry.Find(info.Group, info.Version, info.Resource) ?? throw ApiException.NoRoute();
        if (info.Subresource.Length > 0 ||
            (!resource.Namespaced && info.Namespace.Length > 0 && resource.Plural != "namespaces"))
        {
            throw ApiException.NoRoute();
        }
        if (!resource.Supports(info.Verb))
        {
            throw ApiException.MethodNotAllowed();
        }

        // A namespaced resource listed without a namespace means "all namespaces".
        var ns = resource.Namespaced ? info.Namespace : "";
        var now = service.Time.GetUtcNow();
        switch (info.Verb)
        {
            case "get":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var obj = service.Get(resource, ns, info.Name);
                await ResponseWriter.WriteObjectAsync(context, obj, shape, ListOptions.Parse(context.Request.Query, resource), now);
                break;
            }
            case "list":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var options = ListOptions.Parse(context.Request.Query, resource);
                var (items, meta) = pager.Page(resource, NamespaceFilter(resource, ns), options);
                await ResponseWriter.WriteListAsync(context, resource, items, meta, shape, options, now);
                break;
            }
            case "watch":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var options = ListOptions.Parse(context.Request.Query, resource);
                await watch.HandleAsync(context, resource, NamespaceFilter(resource, ns), options, shape);
                break;
            }
            case "create" when !info.NameInPath:
            {
                var shape = MediaTypes.ForResource(context.Request);
                var body = await ReadObjectAsync(context);
                var created = service.Create(resource, resource.Namespaced ? ns : null, body, IsDryRun(context));
                await ResponseWriter.WriteObjectAsync(context, created, shape, null, now, StatusCodes.Status201Created);
                break;
            }
            case "delete":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var deleted = IsDryRun(context) ? service.Get(resource, ns, info.Name) : service.Delete(resource, ns, info.Name);
                await ResponseWriter.WriteObjectAsync(context, deleted, shape, null, now);
                break;
            }
            case "deletecollection":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var options = ListOptions.Parse(context.Request.Query, resource) with { Limit = 0, Continue = null };
                var (items, _) = pager.Page(resource, NamespaceFilter(resource, ns), options);
                var deleted = new List<StoredObject>(items.Count);
                foreach (var item in items)
                {
                    try
                    {
                        deleted.Add(IsDryRun(context) ? item : service.Delete(resource, item.Namespace, item.Name));
                    }
                    catch (ApiException e) when (e.Code == 404)
                    {
                        // Already gone.
                    }
                }
                await ResponseWriter.WriteListAsync(context, resource, deleted, new ListMeta(service.Store.ResourceVersion), shape, options, now);
                break;
            }
            default:
                throw ApiException.MethodNotAllowed();
        }
    }

    private static string? NamespaceFilter(ResourceDefinition resource, string ns) =>
        resource.Namespaced && ns.Length > 0 ? ns : null;

    private static bool IsDryRun(HttpContext context) => context.Request.Query["dryRun"].ToString() == "All";

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        if (contentType.Length > 0 && !contentType.StartsWith(MediaTypes.Json, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.UnsupportedMediaType(contentType);
        }
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                   ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized: {e.Message}");
        }
    }
}
