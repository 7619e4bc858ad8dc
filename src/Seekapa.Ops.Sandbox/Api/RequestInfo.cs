namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// What a request addresses, resolved from its URL the way the API server's RequestInfoFactory does: used both to
/// route and to authorize (the Forbidden message names the verb, resource, group and namespace from here).
/// </summary>
internal sealed record RequestInfo
{
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public required string Path { get; init; }
    public required string Verb { get; init; }
    public bool IsResourceRequest { get; init; }
    public string ApiPrefix { get; init; } = "";
    public string Group { get; init; } = "";
    public string Version { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Resource { get; init; } = "";
    public string Subresource { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>True when the URL itself named the object (…/pods/NAME), not just a metadata.name field selector.</summary>
    public bool NameInPath { get; init; }

    public static RequestInfo Resolve(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        var method = request.Method.ToUpperInvariant();
        var nonResource = new RequestInfo { Path = path, Verb = method.ToLowerInvariant() };

        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }
        int index;
        string group, version;
        if (parts[0] == "api")
        {
            if (parts.Length < 3)
            {
                return nonResource;
            }
            (group, version, index) = ("", parts[1], 2);
        }
        else
        {
            if (parts.Length < 4)
            {
                return nonResource;
            }
            (group, version, index) = (parts[1], parts[2], 3);
        }

        var verb = method switch
        {
            "POST" => "create",
            "GET" or "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };

        var rest = parts[index..];
        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
        }

        var resource = rest[0];
        var name = rest.Length >= 2 ? rest[1] : "";
        var subresource = rest.Length >= 3 ? rest[2] : "";
        var nameInPath = name.Length > 0;

        if (name.Length == 0 && verb == "get")
        {
            var query = request.Query;
            verb = IsTrue(query["watch"].ToString()) ? "watch" : "list";
            // A list narrowed to one name is authorized as that name, like the API server does.
            var fieldSelector = query["fieldSelector"].ToString();
            if (fieldSelector.Length > 0 && FieldSelector.TryParse(fieldSelector, out var fs) && fs.ExactMatch("metadata.name") is { } exact)
            {
                name = exact;
            }
        }
        if (!nameInPath && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestInfo
        {
            Path = path,
            Verb = verb,
            IsResourceRequest = true,
            ApiPrefix = parts[0],
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resource,
            Subresource = subresource,
            Name = name,
            NameInPath = nameInPath,
        };
    }

    public static bool IsTrue(string? value) => value is "true" or "1" or "True";
}
