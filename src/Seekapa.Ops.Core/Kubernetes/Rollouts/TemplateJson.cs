using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>Pod templates as JSON: copies, the pod-template-hash label, and kubectl's semantic equality.</summary>
public static class TemplateJson
{
    public static JsonNode ToNode(object value) => JsonNode.Parse(KubernetesJson.Serialize(value)) ?? new JsonObject();

    public static V1PodTemplateSpec Copy(V1PodTemplateSpec template) =>
        KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(template));

    public static V1PodTemplateSpec FromNode(JsonNode node) =>
        KubernetesJson.Deserialize<V1PodTemplateSpec>(node.ToJsonString());

    /// <summary>A copy of the template without the pod-template-hash label the deployment controller adds to its ReplicaSets.</summary>
    public static V1PodTemplateSpec WithoutHash(V1PodTemplateSpec template)
    {
        var copy = Copy(template);
        copy.Metadata?.Labels?.Remove(RolloutAnnotations.PodTemplateHash);
        return copy;
    }

    /// <summary>
    /// kubectl's equalIgnoreHash: apimachinery Semantic.DeepEqual of the two templates without pod-template-hash. Like that
    /// comparison, a missing list or map equals an empty one; key order never matters.
    /// </summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return SemanticEquals(ToNode(WithoutHash(a)), ToNode(WithoutHash(b)));
    }

    public static bool SemanticEquals(JsonNode? a, JsonNode? b) =>
        Canonical(Normalize(a)) == Canonical(Normalize(b));

    /// <summary>Drops nulls, empty objects and empty arrays, recursively (Go's nil == empty for maps and slices).</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
            {
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (Normalize(value) is { } normalized)
                    {
                        result[key] = normalized;
                    }
                }

                return result.Count == 0 ? null : result;
            }

            case JsonArray array:
            {
                if (array.Count == 0)
                {
                    return null;
                }

                var result = new JsonArray();
                foreach (var item in array)
                {
                    // Elements keep their positions: an empty element is still an element.
                    result.Add(Normalize(item) ?? new JsonObject());
                }

                return result;
            }

            case null:
                return null;
            default:
                return node.DeepClone();
        }
    }

    /// <summary>Serialises with object keys sorted, so equal documents give equal strings.</summary>
    public static string Canonical(JsonNode? node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
