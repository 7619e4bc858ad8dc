using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>The generic REST handlers for any registered resource: get, list, watch, create, update, patch, delete and
/// deletecollection, plus the /status and /scale subresources.</summary>
internal sealed class ResourceEndpoints(ResourceService service, ListPager pager, WatchEndpoint watch,
    PodLogEndpoint? logs = null, MetricsEndpoints? metrics = null, PortForwardEndpoint? portForward = null)
{
    public async Task HandleAsync(HttpContext context, RequestInfo info)
    {
        var resource = service.Registry.Find(info.Group, info.Version, info.Resource) ?? throw ApiException.NoRoute();
        if (resource.Group == MetricsEndpoints.Group && metrics is not null)
        {
            await metrics.HandleAsync(context, info, resource);
            return;
        }
        if (info.Subresource == "log" && resource.Group.Length == 0 && resource.Plural == "pods" && logs is not null && info.NameInPath)
        {
            await logs.HandleAsync(context, info, resource);
            return;
        }
        if (info.Subresource == "portforward" && resource.Group.Length == 0 && resource.Plural == "pods" && portForward is not null && info.NameInPath)
        {
            await portForward.HandleAsync(context, info, resource);
            return;
        }
        if (!resource.Namespaced && info.Namespace.Length > 0 && resource.Plural != "namespaces")
        {
            throw ApiException.NoRoute();
        }
        if (info.Subresource.Length > 0)
        {
            await HandleSubresourceAsync(context, info, resource);
            return;
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
            case "update" when info.NameInPath:
            {
                var shape = MediaTypes.ForResource(context.Request);
                var body = await ReadObjectAsync(context);
                var updated = service.Replace(resource, ns, info.Name, body, WriteTarget.Main, IsDryRun(context));
                await ResponseWriter.WriteObjectAsync(context, updated, shape, null, now);
                break;
            }
            case "patch" when info.NameInPath:
            {
                var shape = MediaTypes.ForResource(context.Request);
                var (type, patch) = await ReadPatchAsync(context);
                var patched = service.Patch(resource, ns, info.Name, type, patch, WriteTarget.Main, IsDryRun(context));
                await ResponseWriter.WriteObjectAsync(context, patched, shape, null, now);
                break;
            }
            case "delete":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var options = await ReadDeleteOptionsAsync(context);
                var (deleted, _) = service.Delete(resource, ns, info.Name, options, IsDryRun(context));
                await ResponseWriter.WriteObjectAsync(context, deleted, shape, null, now);
                break;
            }
            case "deletecollection":
            {
                var shape = MediaTypes.ForResource(context.Request);
                var options = ListOptions.Parse(context.Request.Query, resource) with { Limit = 0, Continue = null };
                var deleteOptions = await ReadDeleteOptionsAsync(context);
                var (items, _) = pager.Page(resource, NamespaceFilter(resource, ns), options);
                var deleted = new List<StoredObject>(items.Count);
                foreach (var item in items)
                {
                    try
                    {
                        deleted.Add(service.Delete(resource, item.Namespace, item.Name, deleteOptions, IsDryRun(context)).Object);
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

    /// <summary>/status (the object; writes change only status) and /scale (an autoscaling/v1 Scale).</summary>
    private async Task HandleSubresourceAsync(HttpContext context, RequestInfo info, ResourceDefinition resource)
    {
        var subresource = resource.FindSubresource(info.Subresource);
        if (subresource is null || !info.NameInPath)
        {
            throw ApiException.NoRoute();
        }
        if (info.Verb is not ("get" or "update" or "patch"))
        {
            throw ApiException.MethodNotAllowed();
        }
        var ns = resource.Namespaced ? info.Namespace : "";
        var now = service.Time.GetUtcNow();
        if (subresource.Name == "scale")
        {
            var scale = info.Verb switch
            {
                "get" => service.GetScale(resource, ns, info.Name),
                "update" => service.ReplaceScale(resource, ns, info.Name, await ReadObjectAsync(context), IsDryRun(context)),
                _ => await PatchScaleAsync(),
            };
            await ResponseWriter.WriteJsonAsync(context, scale);
            return;

            async Task<JsonObject> PatchScaleAsync()
            {
                var (type, patch) = await ReadPatchAsync(context);
                return service.PatchScale(resource, ns, info.Name, type, patch, IsDryRun(context));
            }
        }

        var shape = MediaTypes.ForResource(context.Request);
        StoredObject result;
        switch (info.Verb)
        {
            case "get":
                result = service.Get(resource, ns, info.Name);
                break;
            case "update":
                result = service.Replace(resource, ns, info.Name, await ReadObjectAsync(context), WriteTarget.Status, IsDryRun(context));
                break;
            default:
            {
                var (type, patch) = await ReadPatchAsync(context);
                result = service.Patch(resource, ns, info.Name, type, patch, WriteTarget.Status, IsDryRun(context));
                break;
            }
        }
        await ResponseWriter.WriteObjectAsync(context, result, shape, null, now);
    }

    private static async Task<(PatchType Type, string Patch)> ReadPatchAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        PatchType type = mediaType switch
        {
            MediaTypes.JsonPatch => PatchType.Json,
            MediaTypes.MergePatch => PatchType.Merge,
            MediaTypes.StrategicMergePatch => PatchType.Strategic,
            _ => throw ApiException.UnsupportedPatchType(contentType),
        };
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiException.BadRequest("the body of the request was empty");
        }
        return (type, text);
    }

    /// <summary>DeleteOptions from the query (gracePeriodSeconds, propagationPolicy), overridden by a JSON body.</summary>
    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        long? grace = null;
        if (query["gracePeriodSeconds"].ToString() is { Length: > 0 } g)
        {
            grace = long.TryParse(g, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiException.BadRequest($"invalid gracePeriodSeconds \"{g}\"");
        }
        var options = new DeleteOptions(grace, PropagationPolicy: NullIfEmpty(query["propagationPolicy"].ToString()));

        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return options;
        }
        JsonObject body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a DeleteOptions object");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized: {e.Message}");
        }
        if (body["gracePeriodSeconds"] is JsonValue gv && gv.GetValueKind() == JsonValueKind.Number)
        {
            options = options with { GracePeriodSeconds = gv.GetValue<long>() };
        }
        if (JsonPaths.String(body, "propagationPolicy") is { } policy)
        {
            if (policy is not ("Orphan" or "Background" or "Foreground"))
            {
                throw ApiException.BadRequest($"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
            }
            options = options with { PropagationPolicy = policy };
        }
        return options with
        {
            PreconditionUid = JsonPaths.String(body, "preconditions.uid"),
            PreconditionResourceVersion = JsonPaths.String(body, "preconditions.resourceVersion"),
        };
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static string? NamespaceFilter(ResourceDefinition resource, string ns) =>
        resource.Namespaced && ns.Length > 0 ? ns : null;

    private static bool IsDryRun(HttpContext context)
    {
        var value = context.Request.Query["dryRun"].ToString();
        return value switch
        {
            "" => false,
            "All" => true,
            _ => throw ApiException.BadRequest($"Invalid dryRun value: \"{value}\"; supported values: \"All\""),
        };
    }

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
