namespace Seekapa.Ops.Sandbox.Api;

internal enum ResponseShape
{
    Object,
    Table,
    PartialObjectMetadata,
}

/// <summary>The representation chosen from the Accept header, plus the meta.k8s.io version (v1 or v1beta1) asked for.</summary>
internal readonly record struct Negotiated(ResponseShape Shape, string MetaVersion = "v1");

/// <summary>
/// Accept-header negotiation the way the API server does it: clients list alternatives in preference order
/// (kubectl get sends "as=Table;v=v1", then v1beta1, then plain JSON), and the first one we can produce wins.
/// </summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";

    public static Negotiated ForResource(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept))
        {
            return new Negotiated(ResponseShape.Object);
        }
        foreach (var (type, parameters) in Parse(accept))
        {
            if (type is not (Json or "*/*" or "application/*"))
            {
                continue;
            }
            if (!parameters.TryGetValue("as", out var asKind))
            {
                return new Negotiated(ResponseShape.Object);
            }
            var meta = parameters.GetValueOrDefault("g") == "meta.k8s.io" &&
                       parameters.GetValueOrDefault("v") is "v1" or "v1beta1";
            if (!meta)
            {
                continue;
            }
            var version = parameters["v"];
            switch (asKind)
            {
                case "Table":
                    return new Negotiated(ResponseShape.Table, version);
                case "PartialObjectMetadata" or "PartialObjectMetadataList":
                    return new Negotiated(ResponseShape.PartialObjectMetadata, version);
            }
        }
        throw ApiException.NotAcceptable();
    }

    /// <summary>The aggregated discovery version (v2 or v2beta1) if the client prefers it over legacy JSON.</summary>
    public static string? AggregatedDiscoveryVersion(HttpRequest request)
    {
        foreach (var (type, parameters) in Parse(request.Headers.Accept.ToString()))
        {
            if (type is not (Json or "*/*" or "application/*"))
            {
                continue;
            }
            if (!parameters.ContainsKey("as"))
            {
                return null;
            }
            if (parameters.GetValueOrDefault("g") == "apidiscovery.k8s.io" &&
                parameters.GetValueOrDefault("as") == "APIGroupDiscoveryList" &&
                parameters.GetValueOrDefault("v") is "v2" or "v2beta1")
            {
                return parameters["v"];
            }
        }
        return null;
    }

    public static IEnumerable<(string Type, Dictionary<string, string> Parameters)> Parse(string accept)
    {
        foreach (var entry in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in parts.Skip(1))
            {
                var eq = p.IndexOf('=');
                if (eq > 0)
                {
                    parameters[p[..eq].Trim()] = p[(eq + 1)..].Trim().Trim('"');
                }
            }
            yield return (parts[0].ToLowerInvariant(), parameters);
        }
    }
}
