using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Store;

/// <summary>
/// One immutable version of an object. The canonical form is its serialized JSON (written to lists and watches as-is,
/// which keeps a 500-item page cheap); labels and selectable fields are indexed once so selectors never re-parse.
/// </summary>
internal sealed class StoredObject
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] TopLevelOrder = ["kind", "apiVersion", "metadata", "spec", "status"];
    private static readonly string[] MetadataOrder =
    [
        "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
    ];

    private object? _view;
    private byte[]? _metadataJson;

    private StoredObject(ResourceDefinition resource, ObjectKey key, long resourceVersion, byte[] json,
        IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> fields,
        DateTimeOffset? creationTimestamp, string uid)
    {
        Resource = resource;
        Key = key;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        Fields = fields;
        CreationTimestamp = creationTimestamp;
        Uid = uid;
    }

    public ResourceDefinition Resource { get; }
    public ObjectKey Key { get; }
    public string Namespace => Key.Namespace;
    public string Name => Key.Name;
    public long ResourceVersion { get; }
    public byte[] Json { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public IReadOnlyDictionary<string, string> Fields { get; }
    public DateTimeOffset? CreationTimestamp { get; }
    public string Uid { get; }

    /// <summary>A fresh, mutable copy: callers may change it without affecting the store.</summary>
    public JsonObject ToJsonObject() => (JsonObject)JsonNode.Parse(Json)!;

    /// <summary>The "metadata" member's JSON, for PartialObjectMetadata and Table rows.</summary>
    public ReadOnlySpan<byte> MetadataJson => _metadataJson ??= ExtractMetadata(Json);

    /// <summary>A cached typed view (e.g. V1Pod for the pod printer); objects are immutable so it never goes stale.</summary>
    public T View<T>(Func<StoredObject, T> create) where T : class
    {
        if (_view is T cached)
        {
            return cached;
        }
        var created = create(this);
        _view = created;
        return created;
    }

    /// <summary>Stamps the resource version into <paramref name="obj"/> and freezes it.</summary>
    public static StoredObject Create(ResourceDefinition resource, JsonObject obj, long resourceVersion)
    {
        var metadata = JsonPaths.Object(obj, "metadata");
        metadata["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Reorder(metadata, MetadataOrder);
        Reorder(obj, TopLevelOrder);

        var name = metadata["name"]?.GetValue<string>() ?? string.Empty;
        var ns = resource.Namespaced ? metadata["namespace"]?.GetValue<string>() ?? string.Empty : string.Empty;

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata["labels"] is JsonObject labelObj)
        {
            foreach (var (k, v) in labelObj)
            {
                labels[k] = JsonPaths.ScalarText(v);
            }
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = ns,
        };
        foreach (var field in resource.SelectableFields)
        {
            fields[field] = JsonPaths.ScalarText(JsonPaths.Find(obj, field));
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            obj.WriteTo(writer);
        }

        return new StoredObject(resource, new ObjectKey(ns, name), resourceVersion, buffer.WrittenSpan.ToArray(),
            labels, fields, JsonPaths.ParseTime(JsonPaths.String(metadata, "creationTimestamp")),
            JsonPaths.String(metadata, "uid") ?? string.Empty);
    }

    private static void Reorder(JsonObject obj, string[] order)
    {
        var entries = obj.ToList();
        obj.Clear();
        foreach (var key in order)
        {
            var index = entries.FindIndex(e => e.Key == key);
            if (index >= 0)
            {
                obj[key] = entries[index].Value;
                entries.RemoveAt(index);
            }
        }
        foreach (var (key, value) in entries)
        {
            obj[key] = value;
        }
    }

    private static byte[] ExtractMetadata(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (isMetadata)
            {
                return json.AsSpan(start, (int)reader.BytesConsumed - start).ToArray();
            }
        }
        return "{}"u8.ToArray();
    }
}
