using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// /version, /api, /apis and the group-version resource lists, in both the legacy format and the aggregated
/// discovery format (apidiscovery.k8s.io/v2) that kubectl 1.30+ asks for first: one round trip instead of one per group.
/// </summary>
internal sealed class DiscoveryEndpoints(ResourceRegistry registry, Func<string> serverAddress)
{
    public const string GitVersion = "v1.32.0-seekapa-sandbox";

    public async Task<bool> TryHandleAsync(HttpContext context, RequestInfo info)
    {
        var path = info.Path.TrimEnd('/');
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var aggregated = MediaTypes.AggregatedDiscoveryVersion(context.Request);
        (JsonNode? body, string contentType) = parts switch
        {
            ["version"] => (Version(), MediaTypes.Json),
            ["api"] => aggregated is null ? (LegacyCoreVersions(), MediaTypes.Json) : Aggregated(aggregated, core: true),
            ["apis"] => aggregated is null ? (LegacyGroupList(), MediaTypes.Json) : Aggregated(aggregated, core: false),
            ["api", var v] => (ResourceList("", v), MediaTypes.Json),
            ["apis", var g] => (Group(g), MediaTypes.Json),
            ["apis", var g, var v] => (ResourceList(g, v), MediaTypes.Json),
            _ => (null, MediaTypes.Json),
        };
        if (body is null)
        {
            return false;
        }
        context.Response.Headers.Vary = "Accept";
        await ResponseWriter.WriteJsonAsync(context, body, contentType: contentType);
        return true;
    }

    private static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T00:00:00Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    /// <summary>/api (core) or /apis (named groups) in the aggregated format.</summary>
    private (JsonNode, string) Aggregated(string version, bool core)
    {
        var groups = registry.Groups().Where(g => core ? g.Group.Length == 0 : g.Group.Length > 0);
        var list = new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(groups.Select(g => (JsonNode)AggregatedGroup(g.Group, g.Versions)).ToArray()),
        };
        // client-go only parses the aggregated format when the response's Content-Type says so.
        return (list, $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
    }

    private JsonObject AggregatedGroup(string group, IReadOnlyList<string> versions)
    {
        var metadata = new JsonObject { ["creationTimestamp"] = null };
        if (group.Length > 0)
        {
            metadata = new JsonObject { ["name"] = group, ["creationTimestamp"] = null };
        }
        return new JsonObject
        {
            ["metadata"] = metadata,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject
            {
                ["version"] = v,
                ["resources"] = new JsonArray(registry.InGroupVersion(group, v).Select(r => (JsonNode)AggregatedResource(r)).ToArray()),
                ["freshness"] = "Current",
            }).ToArray()),
        };
    }

    private static JsonObject AggregatedResource(ResourceDefinition r)
    {
        var o = new JsonObject
        {
            ["resource"] = r.Plural,
            ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
            ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = r.Singular,
            ["verbs"] = Strings(r.Verbs),
        };
        if (r.ShortNames.Count > 0)
        {
            o["shortNames"] = Strings(r.ShortNames);
        }
        if (r.Categories.Count > 0)
        {
            o["categories"] = Strings(r.Categories);
        }
        if (r.Subresources.Count > 0)
        {
            // kubectl scale finds the Scale kind here; kubectl also checks /status exists before status writes.
            o["subresources"] = new JsonArray(r.Subresources.Select(s => (JsonNode)new JsonObject
            {
                ["subresource"] = s.Name,
                ["responseKind"] = new JsonObject
                {
                    ["group"] = s.Group.Length > 0 ? s.Group : r.Group,
                    ["version"] = s.Version.Length > 0 ? s.Version : r.Version,
                    ["kind"] = s.Kind,
                },
                ["verbs"] = Strings(SubresourceDefinition.Verbs),
            }).ToArray());
        }
        return o;
    }

    private JsonNode LegacyCoreVersions() => new JsonObject
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress(),
        }),
    };

    private JsonNode LegacyGroupList() => new JsonObject
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.Groups().Where(g => g.Group.Length > 0)
            .Select(g => (JsonNode)GroupBody(g.Group, g.Versions, withTypeMeta: false)).ToArray()),
    };

    private JsonObject? Group(string group)
    {
        var match = registry.Groups().FirstOrDefault(g => g.Group == group && group.Length > 0);
        return match.Versions is null ? null : GroupBody(group, match.Versions, withTypeMeta: true);
    }

    private static JsonObject GroupBody(string group, IReadOnlyList<string> versions, bool withTypeMeta)
    {
        JsonObject GroupVersion(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        var body = new JsonObject();
        if (withTypeMeta)
        {
            body["kind"] = "APIGroup";
            body["apiVersion"] = "v1";
        }
        body["name"] = group;
        body["versions"] = new JsonArray(versions.Select(v => (JsonNode)GroupVersion(v)).ToArray());
        body["preferredVersion"] = GroupVersion(versions[0]);
        return body;
    }

    private JsonObject? ResourceList(string group, string version)
    {
        var resources = registry.InGroupVersion(group, version).ToList();
        if (resources.Count == 0)
        {
            return null;
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = new JsonArray(resources.SelectMany(r => new[] { Legacy(r) }.Concat(r.Subresources.Select(s => LegacySubresource(r, s)))).ToArray()),
        };

        static JsonNode Legacy(ResourceDefinition r)
        {
            var o = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(r.Verbs),
            };
            if (r.ShortNames.Count > 0)
            {
                o["shortNames"] = Strings(r.ShortNames);
            }
            if (r.Categories.Count > 0)
            {
                o["categories"] = Strings(r.Categories);
            }
            return o;
        }

        // The legacy list names subresources "deployments/scale"; group and version only when they differ from the parent's.
        static JsonNode LegacySubresource(ResourceDefinition r, SubresourceDefinition s)
        {
            var o = new JsonObject { ["name"] = $"{r.Plural}/{s.Name}", ["singularName"] = "", ["namespaced"] = r.Namespaced };
            if (s.Group.Length > 0 || s.Version.Length > 0)
            {
                o["group"] = s.Group;
                o["version"] = s.Version;
            }
            o["kind"] = s.Kind;
            o["verbs"] = Strings(SubresourceDefinition.Verbs);
            return o;
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
