using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// Serves ?watch=true: a chunked stream of newline-delimited {"type","object"} events, flushed as soon as no more are
/// queued. Selectors apply with the API server's semantics (an object that stops matching is reported DELETED).
/// </summary>
internal sealed class WatchEndpoint(ObjectStore store, TimeProvider time, CancellationToken serverStopping)
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>How often BOOKMARK events are sent when the client allows them.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    public async Task HandleAsync(HttpContext context, ResourceDefinition resource, string? @namespace, ListOptions options, Negotiated shape)
    {
        long? from = null;
        if (!options.SendInitialEvents && options.ResourceVersion is { } rv && rv != "0")
        {
            from = long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw ApiException.BadRequest($"invalid resource version: {rv}");
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaTypes.Json;
        var writer = new EventWriter(response.BodyWriter, resource, shape, options.Include, time);

        WatchSubscription subscription;
        try
        {
            subscription = store.Watch(resource, @namespace, from);
        }
        catch (StoreException e) when (e.Error == StoreError.Gone)
        {
            // Like the watch cache: 200, then a single ERROR event carrying a 410 Expired Status.
            writer.WriteError(ApiException.Gone(e.Message));
            await response.BodyWriter.FlushAsync(context.RequestAborted);
            return;
        }

        using var _ = subscription;
        // Real servers pick a random timeout in [minRequestTimeout, 2*minRequestTimeout) when the client gives none.
        var timeout = options.TimeoutSeconds is > 0 and var seconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(1800 + Random.Shared.Next(1800));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        cts.CancelAfter(timeout);
        var filter = new Filter(options);
        var lastRv = subscription.StartResourceVersion;

        try
        {
            await response.StartAsync(cts.Token);
            foreach (var e in subscription.Initial)
            {
                lastRv = Math.Max(lastRv, e.ResourceVersion);
                if (filter.Apply(e) is { } outgoing)
                {
                    writer.WriteEvent(outgoing.Type, outgoing.Object);
                    if (writer.Pending > FlushThreshold)
                    {
                        await writer.FlushAsync(cts.Token);
                    }
                }
            }
            if (options.SendInitialEvents)
            {
                writer.WriteBookmark(lastRv, initialEventsEnd: true);
            }
            await writer.FlushAsync(cts.Token);

            var reader = subscription.Events;
            Task<bool>? waiting = null;
            Task? bookmarkDue = null;
            while (true)
            {
                while (reader.TryRead(out var e))
                {
                    lastRv = e.ResourceVersion;
                    if (filter.Apply(e) is { } outgoing)
                    {
                        writer.WriteEvent(outgoing.Type, outgoing.Object);
                        if (writer.Pending > FlushThreshold)
                        {
                            await writer.FlushAsync(cts.Token);
                        }
                    }
                }
                await writer.FlushAsync(cts.Token);

                waiting ??= reader.WaitToReadAsync(cts.Token).AsTask();
                if (options.AllowWatchBookmarks)
                {
                    // One timer per bookmark period, however many events arrive in between.
                    bookmarkDue ??= Task.Delay(BookmarkInterval, time, cts.Token);
                    if (await Task.WhenAny(waiting, bookmarkDue) == bookmarkDue)
                    {
                        await bookmarkDue;
                        bookmarkDue = null;
                        writer.WriteBookmark(lastRv, initialEventsEnd: false);
                        continue;
                    }
                }
                var more = await waiting;
                waiting = null;
                if (!more)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone, or server stopping: the stream simply ends.
            return;
        }
        catch (Exception e) when ((e as WatchClosedException ?? e.InnerException as WatchClosedException) is { } closed)
        {
            // A dropped watch is an abrupt disconnect (a fault for tests); a slow watcher is ended cleanly.
            if (closed.Message == Faults.DroppedReason)
            {
                context.Abort();
            }
        }
    }

    /// <summary>Translates store events for a selector-filtered watch.</summary>
    private sealed class Filter(ListOptions options)
    {
        private bool Matches(StoredObject o) => options.Labels.Matches(o.Labels) && options.Fields.Matches(o.Fields);

        public (string Type, StoredObject Object)? Apply(WatchEvent e)
        {
            if (!options.HasSelectors)
            {
                return (WatchEvent.WireName(e.Type), e.Object);
            }
            var now = Matches(e.Object);
            switch (e.Type)
            {
                case WatchEventType.Added:
                    return now ? ("ADDED", e.Object) : null;
                case WatchEventType.Deleted:
                    return now ? ("DELETED", e.Object) : null;
                default:
                    var before = e.Previous is not null && Matches(e.Previous);
                    return (before, now) switch
                    {
                        (true, true) => ("MODIFIED", e.Object),
                        (false, true) => ("ADDED", e.Object),
                        (true, false) => ("DELETED", e.Object),
                        _ => null,
                    };
            }
        }
    }

    /// <summary>Formats events in the negotiated shape; Table watches carry column definitions in the first event only.</summary>
    private sealed class EventWriter(IBufferWriter<byte> output, ResourceDefinition resource, Negotiated shape,
        IncludeObject include, TimeProvider time)
    {
        private readonly Utf8JsonWriter _json = new(output, ResponseWriter.WriterOptions);
        private readonly System.IO.Pipelines.PipeWriter? _pipe = output as System.IO.Pipelines.PipeWriter;
        private bool _columnsSent;

        public long Pending => _json.BytesPending + (_pipe?.UnflushedBytes ?? 0);

        public void WriteEvent(string type, StoredObject obj)
        {
            _json.Reset(output);
            _json.WriteStartObject();
            _json.WriteString("type", type);
            _json.WritePropertyName("object");
            switch (shape.Shape)
            {
                case ResponseShape.Table:
                    TablePrinter.Write(_json, shape.MetaVersion, TablePrinter.For(resource), [obj], time.GetUtcNow(), include,
                        new ListMeta(obj.ResourceVersion), includeColumns: !_columnsSent);
                    _columnsSent = true;
                    break;
                case ResponseShape.PartialObjectMetadata:
                    TablePrinter.WritePartialObjectMetadata(_json, obj, shape.MetaVersion);
                    break;
                default:
                    _json.WriteRawValue(obj.Json, skipInputValidation: true);
                    break;
            }
            EndEvent();
        }

        public void WriteBookmark(long resourceVersion, bool initialEventsEnd)
        {
            _json.Reset(output);
            _json.WriteStartObject();
            _json.WriteString("type", "BOOKMARK");
            _json.WritePropertyName("object");
            _json.WriteStartObject();
            var (kind, apiVersion) = shape.Shape switch
            {
                ResponseShape.Table => ("Table", $"meta.k8s.io/{shape.MetaVersion}"),
                ResponseShape.PartialObjectMetadata => ("PartialObjectMetadata", $"meta.k8s.io/{shape.MetaVersion}"),
                _ => (resource.Kind, resource.GroupVersion),
            };
            _json.WriteString("kind", kind);
            _json.WriteString("apiVersion", apiVersion);
            _json.WritePropertyName("metadata");
            _json.WriteStartObject();
            _json.WriteString("resourceVersion", resourceVersion.ToString(CultureInfo.InvariantCulture));
            if (initialEventsEnd)
            {
                _json.WritePropertyName("annotations");
                _json.WriteStartObject();
                _json.WriteString("k8s.io/initial-events-end", "true");
                _json.WriteEndObject();
            }
            _json.WriteEndObject();
            _json.WriteEndObject();
            EndEvent();
        }

        public void WriteError(ApiException e)
        {
            _json.Reset(output);
            _json.WriteStartObject();
            _json.WriteString("type", "ERROR");
            _json.WritePropertyName("object");
            StatusWriter.ToStatus(e).WriteTo(_json);
            EndEvent();
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            _json.Flush();
            if (_pipe is not null)
            {
                await _pipe.FlushAsync(ct);
            }
        }

        private void EndEvent()
        {
            _json.WriteEndObject();
            _json.Flush();
            output.Write("\n"u8);
        }
    }
}
