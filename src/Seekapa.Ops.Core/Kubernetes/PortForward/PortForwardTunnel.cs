using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using k8s;
using k8s.Autorest;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Model = Seekapa.Ops.PortForward;

namespace Seekapa.Ops.Core.Kubernetes.PortForward;

/// <summary>
/// A local listener on 127.0.0.1 whose every accepted connection is carried to a pod's port over its own WebSocket
/// port-forward (KubernetesClient's WebSocketNamespacedPodPortForwardAsync + StreamDemuxer). One WebSocket per
/// connection: connections never wait on each other, and one that fails (the pod went away: PortForwardLost) fails
/// alone. When a connection fails because its pod is gone, the next one resolves the target again, so a service,
/// deployment or statefulset target moves to a replacement pod (a pod target to the pod of the same name, once it runs).
/// </summary>
public sealed class PortForwardTunnel : IAsyncDisposable
{
    private readonly ClusterSession _session;
    private readonly PodPicker _picker;
    private readonly RetryPolicy _policy;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly HashSet<Socket> _open = [];
    private readonly Task _acceptLoop;
    private ForwardEndpoint _endpoint;
    private bool _stale;
    private int _disposed;

    private PortForwardTunnel(ClusterSession session, RetryPolicy policy, Socket listener, ForwardEndpoint endpoint, Model model,
        ForwardTarget target, PortSpec port)
    {
        _session = session;
        _picker = new PodPicker(session);
        _policy = policy;
        _listener = listener;
        _endpoint = endpoint;
        Model = model;
        Target = target;
        Port = port;
        model.Handle = this;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public Model Model { get; }
    public ForwardTarget Target { get; }
    public PortSpec Port { get; }

    /// <summary>Connections open right now.</summary>
    public int OpenConnections
    {
        get { lock (_lock) { return _open.Count; } }
    }

    /// <summary>The tunnel behind a forward returned earlier in this process.</summary>
    public static PortForwardTunnel FromModel(Model forward) =>
        forward.Handle as PortForwardTunnel ?? throw new SeekapaException("PortForwardInvalid", FailureCategory.InvalidArgument,
            $"The port-forward {forward} was not started in this session.", forward.ToString());

    /// <summary>
    /// Resolves the target (all validation happens here, before anything listens), then listens. Bad input, a missing
    /// object, no ready pod or a local port in use throw a <see cref="SeekapaException"/> and leave nothing open.
    /// </summary>
    public static async Task<PortForwardTunnel> StartAsync(ClusterSession session, int id, string ns, ForwardTarget target, PortSpec port,
        TimeProvider time, CancellationToken ct, RetryPolicy? policy = null)
    {
        ResourceNames.ValidateNamespace(ns);
        var endpoint = await new PodPicker(session).ResolveAsync(ns, target, port, ct).ConfigureAwait(false);
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port.LocalPort ?? 0));
            listener.Listen(128);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new SeekapaException("LocalPortInUse", FailureCategory.ResourceUnavailable,
                $"Cannot listen on 127.0.0.1:{port.LocalPort}: {ex.Message}.", port.ToString(),
                "Choose another local port, or let one be picked (-Port :REMOTE).", ex);
        }
        var local = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var model = new Model(id, target.ToString(), ns, endpoint.Pod, local, endpoint.Port, session.Connection.Context, time.GetUtcNow());
        return new PortForwardTunnel(session, policy ?? RetryPolicy.Default, listener, endpoint, model, target, port);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            client.NoDelay = true;
            Model.CountConnection();
            lock (_lock)
            {
                _open.Add(client);
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var ct = _stop.Token;
        ForwardEndpoint? endpoint = null;
        try
        {
            endpoint = await CurrentEndpointAsync(ct).ConfigureAwait(false);
            using var socket = await ConnectAsync(endpoint, ct).ConfigureAwait(false);
            using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
            // Streams first, then Start: the demuxer drops frames for channels nobody has asked for yet.
            using var fromPod = demuxer.GetStream((byte?)0, null);
            using var toPod = demuxer.GetStream(null, (byte?)0);
            using var errors = demuxer.GetStream((byte?)1, null);
            demuxer.Start();

            using var local = new NetworkStream(client, ownsSocket: false);
            var errorText = ReadErrorsAsync(errors);
            var upstream = CopyAsync(local, toPod, ct);
            var downstream = CopyAsync(fromPod, local, ct);
            // The pod side ending (or failing) ends the connection; the client ending ends the WebSocket.
            var first = await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
            string? error = null;
            if (first == upstream && await upstream.ConfigureAwait(false))
            {
                // The client closed its side: nothing went wrong, unless the pod had already said so.
                error = errorText.IsCompletedSuccessfully ? errorText.Result : null;
            }
            else
            {
                // The pod side ended or a write to it failed: the kubelet's error frame (if any) arrives with the close.
                await CloseQuietlyAsync(socket).ConfigureAwait(false);
                error = await errorText.WaitAsync(TimeSpan.FromSeconds(2), ct)
                    .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            }
            if (error is not null)
            {
                await RecordAsync(endpoint, error, ct).ConfigureAwait(false);
            }
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
        }
        catch (SeekapaException ex)
        {
            Model.AddFailure(new PortForwardFailure(DateTimeOffset.UtcNow, endpoint?.Pod ?? Model.Pod, ex.ErrorId, ex.Message));
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or SocketException or HttpRequestException or TimeoutException
                                       or HttpOperationException && !ct.IsCancellationRequested)
        {
            if (endpoint is not null)
            {
                await RecordAsync(endpoint, ex.Message, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopped.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(client);
            }
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset.
            }
            client.Dispose();
        }
    }

    /// <summary>A failed connection: PortForwardLost when its pod is gone (the next connection picks again), else PortForwardFailed.</summary>
    private async Task RecordAsync(ForwardEndpoint endpoint, string detail, CancellationToken ct)
    {
        bool running;
        try
        {
            running = await _picker.StillRunningAsync(Model.Namespace, endpoint, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            running = false;
        }
        if (!running)
        {
            lock (_lock)
            {
                if (_endpoint == endpoint)
                {
                    _stale = true;
                }
            }
        }
        var (id, message) = running
            ? ("PortForwardFailed", $"The connection to {Target} (pod {endpoint.Pod}) port {endpoint.Port} failed: {detail.Trim()}")
            : ("PortForwardLost", $"Lost the connection to pod {endpoint.Pod} ({Target}, port {endpoint.Port}): the pod went away. {detail.Trim()}");
        Model.AddFailure(new PortForwardFailure(DateTimeOffset.UtcNow, endpoint.Pod, id, message));
    }

    private async Task<ForwardEndpoint> CurrentEndpointAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_stale)
            {
                return _endpoint;
            }
        }
        ForwardEndpoint fresh;
        try
        {
            fresh = await _picker.ResolveAsync(Model.Namespace, Target, Port, ct).ConfigureAwait(false);
        }
        catch (SeekapaException ex)
        {
            throw new SeekapaException("PortForwardUnavailable", FailureCategory.ResourceUnavailable,
                $"No pod to forward this connection to: {ex.Message}", Target.ToString(), ex.RecommendedAction, ex);
        }
        lock (_lock)
        {
            _endpoint = fresh;
            _stale = false;
        }
        Model.Pod = fresh.Pod;
        return fresh;
    }

    /// <summary>
    /// Opens the WebSocket, retrying as reads are retried (RetryingHandler): 429 and 5xx with backoff or Retry-After.
    /// KubernetesClient learns why an upgrade failed by repeating the request as a plain GET; when that GET succeeds
    /// as far as "Upgrade request required", the upgrade itself was refused for a passing reason, and is retried too.
    /// </summary>
    private async Task<WebSocket> ConnectAsync(ForwardEndpoint endpoint, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _session.Client.WebSocketNamespacedPodPortForwardAsync(endpoint.Pod, Model.Namespace, [endpoint.Port],
                    "v4.channel.k8s.io", cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (attempt < _policy.MaxAttempts && IsTransient(ex))
            {
                await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch (WebSocketException) when (attempt < _policy.MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (KubernetesErrors.Translate(_session, "create", "pods/portforward", Model.Namespace, endpoint.Pod, ex) is { } translated)
            {
                if (ex is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
                {
                    throw new SeekapaException("PortForwardLost", FailureCategory.ResourceUnavailable,
                        $"Pod {endpoint.Pod} ({Target}) is gone: {translated.Message}", Target.ToString(), inner: ex);
                }
                throw translated;
            }
        }
    }

    private static bool IsTransient(HttpOperationException ex)
    {
        var code = (int?)ex.Response?.StatusCode ?? 0;
        return code is 429 or 502 or 503 or 504 ||
               (code == 400 && (ex.Response?.Content?.Contains("Upgrade request required", StringComparison.Ordinal) ?? false));
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = Math.Min(_policy.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _policy.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
    }

    /// <summary>The error channel: the first frame is the port; anything after it is the kubelet's error text.</summary>
    private static async Task<string?> ReadErrorsAsync(Stream errors)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await errors.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Ended with the connection.
        }
        return text.Length > 0 ? text.ToString() : null;
    }

    /// <returns>True when the source ended cleanly, false when either side failed.</returns>
    private static async Task<bool> CopyAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // One side went away: the connection is over.
            return false;
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        if (socket.State != WebSocketState.Open)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Best effort.
        }
    }

    /// <summary>Stops listening and cuts every open connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Model.State = PortForwardState.Stopped;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Socket[] open;
        lock (_lock)
        {
            open = _open.ToArray();
        }
        foreach (var socket in open)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
