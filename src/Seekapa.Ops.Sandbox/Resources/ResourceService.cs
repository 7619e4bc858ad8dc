using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>
/// The API server's generic registry logic (create validation, defaulting, namespace checks, delete reactions) over
/// the store. The HTTP handlers, the in-process seeding API and the scenario loader all go through here, so objects
/// look the same however they were created.
/// </summary>
internal sealed partial class ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public ObjectStore Store { get; } = store;
    public ResourceRegistry Registry { get; } = registry;
    public TimeProvider Time { get; } = time;

    public ResourceDefinition Namespaces => Registry.Find("", "v1", "namespaces")
        ?? throw new InvalidOperationException("namespaces are not registered");

    public StoredObject Get(ResourceDefinition resource, string @namespace, string name) =>
        Store.Get(resource, @namespace, name) ?? throw ApiException.NotFound(resource, name);

    /// <summary>Validates, defaults and stores a new object. <paramref name="pathNamespace"/> is the namespace from the URL, if any.</summary>
    public StoredObject Create(ResourceDefinition resource, string? pathNamespace, JsonObject obj, bool dryRun = false)
    {
        CheckTypeMeta(resource, obj);
        var metadata = obj["metadata"] as JsonObject;
        if (metadata is null)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        var ns = ResolveNamespace(resource, pathNamespace, metadata);
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        if (name.Length == 0 && JsonPaths.String(obj, "metadata.generateName") is { Length: > 0 } prefix)
        {
            name = prefix + RandomSuffix();
            metadata["name"] = name;
        }
        ValidateName(resource, name);
        if (resource.Namespaced && Store.Get(Namespaces, "", ns) is null)
        {
            throw ApiException.NamespaceNotFound(ns);
        }

        var now = Time.GetUtcNow();
        if (JsonPaths.String(obj, "metadata.uid") is not { Length: > 0 })
        {
            metadata["uid"] = Guid.NewGuid().ToString();
        }
        if (JsonPaths.String(obj, "metadata.creationTimestamp") is not { Length: > 0 })
        {
            metadata["creationTimestamp"] = JsonPaths.FormatTime(now);
        }
        metadata.Remove("resourceVersion");
        resource.Hooks.ApplyDefaults(obj, now);

        if (dryRun)
        {
            if (Store.Get(resource, ns, name) is not null)
            {
                throw ApiException.AlreadyExists(resource, name);
            }
            return StoredObject.Create(resource, obj, Store.ResourceVersion);
        }
        try
        {
            return Store.Create(resource, obj);
        }
        catch (StoreException e) when (e.Error == StoreError.AlreadyExists)
        {
            throw ApiException.AlreadyExists(resource, name);
        }
    }

    /// <summary>Replaces an object as stored (optimistic concurrency on a non-empty metadata.resourceVersion), without the
    /// update strategy: controllers and seeding use it to write spec, status and metadata alike.</summary>
    public StoredObject Update(ResourceDefinition resource, JsonObject obj)
    {
        CheckTypeMeta(resource, obj);
        var name = JsonPaths.String(obj, "metadata.name") ?? "";
        try
        {
            return Store.Update(resource, obj);
        }
        catch (StoreException e) when (e.Error == StoreError.NotFound)
        {
            throw ApiException.NotFound(resource, name);
        }
        catch (StoreException e) when (e.Error == StoreError.Conflict)
        {
            throw ApiException.Conflict(resource, name, e.Message);
        }
    }

    public StoredObject Delete(ResourceDefinition resource, string @namespace, string name)
    {
        StoredObject deleted;
        try
        {
            deleted = Store.Delete(resource, @namespace, name);
        }
        catch (StoreException e) when (e.Error == StoreError.NotFound)
        {
            throw ApiException.NotFound(resource, name);
        }
        resource.Hooks.OnDeleted(this, deleted);
        return deleted;
    }

    internal static void CheckTypeMeta(ResourceDefinition resource, JsonObject obj)
    {
        var apiVersion = JsonPaths.String(obj, "apiVersion");
        if (apiVersion is { Length: > 0 } && apiVersion != resource.GroupVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }
        var kind = JsonPaths.String(obj, "kind");
        if (kind is { Length: > 0 } && kind != resource.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({resource.Kind})");
        }
        obj["kind"] = resource.Kind;
        obj["apiVersion"] = resource.GroupVersion;
    }

    private static string ResolveNamespace(ResourceDefinition resource, string? pathNamespace, JsonObject metadata)
    {
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (!resource.Namespaced)
        {
            metadata.Remove("namespace");
            return "";
        }
        if (pathNamespace is not null && bodyNamespace is { Length: > 0 } && bodyNamespace != pathNamespace)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var ns = pathNamespace ?? (bodyNamespace is { Length: > 0 } ? bodyNamespace : "default");
        metadata["namespace"] = ns;
        return ns;
    }

    private static void ValidateName(ResourceDefinition resource, string name)
    {
        if (name.Length == 0)
        {
            throw ApiException.Invalid(resource, name,
                [new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
        }
        var problems = NameValidation.Check(name, resource.NameRule);
        if (problems.Count > 0)
        {
            throw ApiException.Invalid(resource, name,
                problems.Select(p => new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": {p}", "metadata.name")).ToList());
        }
    }

    private static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[RandomNumberGenerator.GetInt32(GenerateNameAlphabet.Length)];
        }
        return new string(chars);
    }
}
