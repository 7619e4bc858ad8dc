using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Quantity = Seekapa.Ops.Core.Kubernetes.Quantity;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;
using Seekapa.Ops.Sandbox.Telemetry;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// GET pods/NAME/log: the API server's checks (options validation, container defaulting, no node = empty log) and
/// then the kubelet's (which container instance, "is waiting to start"), serving the synthetic log as text/plain.
/// follow=true keeps the response open and writes each new line as the container "prints" it, until the container
/// stops running, the pod goes, or the client leaves.
/// </summary>
internal sealed class PodLogEndpoint(ResourceService service, ScenarioTelemetry telemetry, int historyLines, DateTimeOffset serverStart, CancellationToken stopping)
{
    private sealed record Options(string? Container, long? TailLines, DateTimeOffset? Since, bool Previous, bool Timestamps, bool Follow, long? LimitBytes);

    public async Task HandleAsync(HttpContext context, RequestInfo info, ResourceDefinition pods)
    {
        if (info.Verb != "get")
        {
            throw ApiException.MethodNotAllowed();
        }
        var now = service.Time.GetUtcNow();
        var options = ParseOptions(context.Request.Query, info.Name, now);
        var pod = service.Get(pods, info.Namespace, info.Name).ToJsonObject();
        var container = ResolveContainer(pod, info.Name, options.Container);

        context.Response.ContentType = "text/plain";
        if (JsonPaths.String(pod, "spec.nodeName") is not { Length: > 0 })
        {
            // The API server has no kubelet to ask: an unscheduled pod's log is empty, not an error.
            return;
        }
        var instance = ResolveInstance(pod, info.Name, container, options.Previous);
        var log = new ContainerLog(instance, telemetry, historyLines, serverStart);

        var count = log.CountAt(now);
        var first = options.TailLines is { } tail ? Math.Max(0, count - tail) : 0;
        if (options.Since is { } since)
        {
            first = Math.Max(first, log.FirstAtOrAfter(since, count));
        }

        var writer = new LimitedWriter(context.Response, options.LimitBytes);
        var sb = new StringBuilder(128);
        for (var i = first; i < count && !writer.Full; i++)
        {
            Append(sb, log, i, options.Timestamps);
            if (sb.Length > 32 * 1024)
            {
                await writer.WriteAsync(sb, context.RequestAborted);
            }
        }
        await writer.WriteAsync(sb, context.RequestAborted);
        if (!options.Follow || !log.Running || writer.Full)
        {
            return;
        }

        await context.Response.Body.FlushAsync(context.RequestAborted);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        try
        {
            for (var next = count; !writer.Full; next++)
            {
                var due = log.TimeOf(next);
                var wait = due - service.Time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, service.Time, ct);
                }
                if (!StillRunning(pods, info.Namespace, info.Name, container, instance.InstanceKey))
                {
                    return;
                }
                Append(sb, log, next, options.Timestamps);
                await writer.WriteAsync(sb, ct);
                await context.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client disconnected or the sandbox is stopping: the stream just ends.
        }
    }

    private static void Append(StringBuilder sb, ContainerLog log, long index, bool timestamps)
    {
        var (time, text) = log.Line(index);
        if (timestamps)
        {
            sb.Append(ContainerLog.KubeletTimestamp(time)).Append(' ');
        }
        sb.Append(text).Append('\n');
    }

    /// <summary>Follow ends when the instance it started on is no longer the running one.</summary>
    private bool StillRunning(ResourceDefinition pods, string ns, string name, string container, string instanceKey)
    {
        if (service.Store.Get(pods, ns, name) is not { } stored)
        {
            return false;
        }
        var pod = stored.ToJsonObject();
        var status = FindStatus(pod, container);
        return status is not null && JsonPaths.Find(status, "state.running") is JsonObject running &&
               InstanceKey(status, running) == instanceKey;
    }

    private static Options ParseOptions(IQueryCollection query, string name, DateTimeOffset now)
    {
        var causes = new List<StatusCause>();
        long? Long(string key)
        {
            var text = query[key].ToString();
            if (text.Length == 0)
            {
                return null;
            }
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw ApiException.BadRequest($"strconv.ParseInt: parsing \"{text}\": invalid syntax");
        }
        bool Bool(string key)
        {
            var text = query[key].ToString();
            return text switch
            {
                "" or "false" or "False" or "0" or "f" or "F" or "FALSE" => false,
                "true" or "True" or "1" or "t" or "T" or "TRUE" => true,
                _ => throw ApiException.BadRequest($"strconv.ParseBool: parsing \"{text}\": invalid syntax"),
            };
        }
        var tail = Long("tailLines");
        var limit = Long("limitBytes");
        var sinceSeconds = Long("sinceSeconds");
        DateTimeOffset? sinceTime = null;
        if (query["sinceTime"].ToString() is { Length: > 0 } st)
        {
            sinceTime = DateTimeOffset.TryParse(st, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t
                : throw ApiException.BadRequest($"parsing time \"{st}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{st}\" as \"2006\"");
        }
        // ValidatePodLogOptions, in its order.
        if (tail < 0)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {tail}: must be greater than or equal to 0", "tailLines"));
        }
        if (limit < 1)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {limit}: must be greater than 0", "limitBytes"));
        }
        if (sinceSeconds is not null && sinceTime is not null)
        {
            causes.Add(new StatusCause("FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", ""));
        }
        else if (sinceSeconds < 1)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {sinceSeconds}: must be greater than 0", "sinceSeconds"));
        }
        if (causes.Count > 0)
        {
            throw ApiException.Invalid("PodLogOptions", "", name, causes);
        }
        var since = sinceSeconds is { } s ? now - TimeSpan.FromSeconds(s) : sinceTime;
        var container = query["container"].ToString();
        return new Options(container.Length > 0 ? container : null, tail, since, Bool("previous"), Bool("timestamps"), Bool("follow"), limit);
    }

    /// <summary>The API server's container defaulting and validation (podutil's names; messages as in pod strategy LogLocation).</summary>
    private static string ResolveContainer(JsonObject pod, string name, string? container)
    {
        static List<string> Names(JsonObject pod, string path) =>
            (JsonPaths.Find(pod, path) as JsonArray ?? []).OfType<JsonObject>().Select(c => JsonPaths.String(c, "name") ?? "").ToList();
        var containers = Names(pod, "spec.containers");
        var init = Names(pod, "spec.initContainers");
        var ephemeral = Names(pod, "spec.ephemeralContainers");
        if (container is null)
        {
            if (containers.Count == 1)
            {
                return containers[0];
            }
            var message = $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]";
            if (init.Count > 0)
            {
                message += $" or one of the init containers: [{string.Join(' ', init)}]";
            }
            if (ephemeral.Count > 0)
            {
                message += $" or one of the ephemeral containers: [{string.Join(' ', ephemeral)}]";
            }
            throw ApiException.BadRequest(message);
        }
        if (!containers.Contains(container) && !init.Contains(container) && !ephemeral.Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        }
        return container;
    }

    private static JsonObject? FindStatus(JsonObject pod, string container) =>
        ((string[])["status.containerStatuses", "status.initContainerStatuses", "status.ephemeralContainerStatuses"])
        .SelectMany(p => (JsonPaths.Find(pod, p) as JsonArray ?? []).OfType<JsonObject>())
        .FirstOrDefault(s => JsonPaths.String(s, "name") == container);

    private static string InstanceKey(JsonObject status, JsonObject state) =>
        JsonPaths.String(state, "containerID") ?? JsonPaths.String(status, "containerID") ?? JsonPaths.String(state, "startedAt") ?? "";

    /// <summary>The kubelet's choice of container instance (validateContainerLogStatus), with its error texts.</summary>
    private ContainerInstance ResolveInstance(JsonObject pod, string name, string container, bool previous)
    {
        var status = FindStatus(pod, container)
                     ?? throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is not available");
        var running = JsonPaths.Find(status, "state.running") as JsonObject;
        var terminated = JsonPaths.Find(status, "state.terminated") as JsonObject;
        var lastTerminated = JsonPaths.Find(status, "lastState.terminated") as JsonObject;
        var waiting = JsonPaths.Find(status, "state.waiting") as JsonObject;
        static bool HasId(JsonObject? t) => t is not null && JsonPaths.String(t, "containerID") is { Length: > 0 };

        JsonObject chosen;
        if (previous)
        {
            chosen = HasId(lastTerminated)
                ? lastTerminated!
                : throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }
        else if (running is not null)
        {
            chosen = running;
        }
        else if (terminated is not null)
        {
            chosen = HasId(terminated) ? terminated
                : HasId(lastTerminated) ? lastTerminated!
                : throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is terminated");
        }
        else if (lastTerminated is not null)
        {
            chosen = HasId(lastTerminated) ? lastTerminated : throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is terminated");
        }
        else if (waiting is not null)
        {
            var reason = JsonPaths.String(waiting, "reason") ?? "";
            throw ApiException.BadRequest(reason switch
            {
                "ErrImagePull" => $"container \"{container}\" in pod \"{name}\" is waiting to start: image can't be pulled",
                "ImagePullBackOff" => $"container \"{container}\" in pod \"{name}\" is waiting to start: trying and failing to pull image",
                _ => $"container \"{container}\" in pod \"{name}\" is waiting to start: {reason}",
            });
        }
        else
        {
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start - no logs yet");
        }

        var spec = ((string[])["spec.containers", "spec.initContainers", "spec.ephemeralContainers"])
            .SelectMany(p => (JsonPaths.Find(pod, p) as JsonArray ?? []).OfType<JsonObject>())
            .First(c => JsonPaths.String(c, "name") == container);
        var image = JsonPaths.String(spec, "image") ?? JsonPaths.String(status, "image") ?? "";
        long? memoryLimit = JsonPaths.String(spec, "resources.limits.memory") is { } m && Quantity.TryParse(m, out var q)
            ? (long)(q.Nanos / 1_000_000_000)
            : null;
        var startedAt = JsonPaths.ParseTime(JsonPaths.String(chosen, "startedAt")) ?? JsonPaths.ParseTime(JsonPaths.String(pod, "status.startTime")) ?? serverStart;
        var isRunning = ReferenceEquals(chosen, running);
        DateTimeOffset? finishedAt = isRunning ? null : JsonPaths.ParseTime(JsonPaths.String(chosen, "finishedAt")) ?? startedAt;
        var exitCode = chosen["exitCode"] is JsonValue ev && ev.TryGetValue<int>(out var code) ? code : 0;
        return new ContainerInstance(JsonPaths.String(pod, "metadata.namespace") ?? "", name, container, image,
            InstanceKey(status, chosen), startedAt, finishedAt, isRunning ? null : JsonPaths.String(chosen, "reason") ?? "Error",
            exitCode, JsonPaths.String(chosen, "message"), memoryLimit);
    }

    /// <summary>Writes the buffered text, cutting it at limitBytes (mid-line, as the kubelet does).</summary>
    private sealed class LimitedWriter(HttpResponse response, long? limit)
    {
        private long _written;

        public bool Full => limit is { } l && _written >= l;

        public async Task WriteAsync(StringBuilder sb, CancellationToken ct)
        {
            if (sb.Length == 0)
            {
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            sb.Clear();
            var length = bytes.Length;
            if (limit is { } l)
            {
                length = (int)Math.Min(length, Math.Max(0, l - _written));
            }
            if (length > 0)
            {
                await response.Body.WriteAsync(bytes.AsMemory(0, length), ct);
                _written += length;
            }
        }
    }
}
