using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>Writes objects and lists in the negotiated shape, streaming the cached bytes of each object.</summary>
internal static class ResponseWriter
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private const int FlushThreshold = 64 * 1024;

    public static async Task WriteObjectAsync(HttpContext context, StoredObject obj, Negotiated shape, ListOptions? options,
        DateTimeOffset now, int statusCode = StatusCodes.Status200OK)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = MediaTypes.Json;
        if (shape.Shape == ResponseShape.Object)
        {
            await response.Body.WriteAsync(obj.Json, context.RequestAborted);
            return;
        }
        using (var w = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            if (shape.Shape == ResponseShape.Table)
            {
                TablePrinter.Write(w, shape.MetaVersion, TablePrinter.For(obj.Resource), [obj], now,
                    options?.Include ?? IncludeObject.Metadata, new ListMeta(obj.ResourceVersion));
            }
            else
            {
                TablePrinter.WritePartialObjectMetadata(w, obj, shape.MetaVersion);
            }
        }
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static async Task WriteListAsync(HttpContext context, ResourceDefinition resource, IReadOnlyList<StoredObject> items,
        ListMeta meta, Negotiated shape, ListOptions options, DateTimeOffset now)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaTypes.Json;
        var pipe = response.BodyWriter;
        using (var w = new Utf8JsonWriter(pipe, WriterOptions))
        {
            if (shape.Shape == ResponseShape.Table)
            {
                TablePrinter.Write(w, shape.MetaVersion, TablePrinter.For(resource), items, now, options.Include, meta);
            }
            else
            {
                var partial = shape.Shape == ResponseShape.PartialObjectMetadata;
                w.WriteStartObject();
                w.WriteString("kind", partial ? "PartialObjectMetadataList" : resource.ListKind);
                w.WriteString("apiVersion", partial ? $"meta.k8s.io/{shape.MetaVersion}" : resource.GroupVersion);
                ListMeta.Write(w, meta);
                w.WritePropertyName("items");
                w.WriteStartArray();
                foreach (var item in items)
                {
                    if (partial)
                    {
                        TablePrinter.WritePartialObjectMetadata(w, item, shape.MetaVersion);
                    }
                    else
                    {
                        w.WriteRawValue(item.Json, skipInputValidation: true);
                    }
                    if (w.BytesPending > FlushThreshold)
                    {
                        w.Flush();
                        await pipe.FlushAsync(context.RequestAborted);
                    }
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
        }
        await pipe.FlushAsync(context.RequestAborted);
    }

    public static async Task WriteJsonAsync(HttpContext context, JsonNode node, int statusCode = StatusCodes.Status200OK,
        string contentType = MediaTypes.Json)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        using (var w = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            node.WriteTo(w);
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
