using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// pods/NAME/portforward over WebSocket, as the API server proxies it to the kubelet (kubelet portforward/websocket.go):
/// per requested port two channels, data (2i) and error (2i+1); every server frame is [channel byte][payload] and the
/// first frame on each channel carries the port as two little-endian bytes. The kubelet connects to the port at once;
/// here the "port" is a real local endpoint from <see cref="PortForwardBackends"/>, and a port with no backend gets the
/// kubelet's connection-refused error on its error channel. When the pod goes away (deleted, replaced, stopped) the
/// forwarded connections are cut with an error, as the container's network namespace disappearing would.
/// </summary>
internal sealed class PortForwardEndpoint(ResourceService service, PortForwardBackends backends, CancellationToken stopping)
{
    /// <summary>The binary channel protocols the kubelet accepts for port-forward (base64 ones are not served).</summary>
    private static readonly string[] Protocols = ["v4.channel.k8s.io", "channel.k8s.io"];

    private static readonly TimeSpan PodCheckInterval = TimeSpan.FromMilliseconds(100);

    public async Task HandleAsync(HttpContext context, RequestInfo info, ResourceDefinition pods)
    {
        if (info.Verb is not ("get" or "create"))
        {
            throw ApiException.MethodNotAllowed();
        }
        var pod = service.Get(pods, info.Namespace, info.Name).ToJsonObject();
        var ports = ParsePorts(context.Request.Query);
        if (JsonPaths.String(pod, "spec.nodeName") is not { Length: > 0 })
        {
            throw ApiException.BadRequest($"pod {info.Name} does not have a host assigned");
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (context.Request.Headers.Upgrade.ToString().StartsWith("SPDY/", StringComparison.OrdinalIgnoreCase))
            {
                // kubectl's fallback. Not spoken here: say so rather than pretend.
                throw ApiException.BadRequest("unable to upgrade connection: SPDY/3.1 is not supported by this sandbox; port-forward is served over WebSocket (v4.channel.k8s.io)");
            }
            // As the API server answers a request that asks for no upgrade at all.
            throw ApiException.BadRequest("Upgrade request required");
        }
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.Count == 0 ? null : Protocols.FirstOrDefault(p => requested.Contains(p));
        if (requested.Count > 0 && protocol is null)
        {
            // e.g. kubectl's "SPDY/3.1+portforward.k8s.io" (SPDY tunnelled in WebSocket frames).
            throw ApiException.BadRequest($"unable to upgrade connection: requested protocol(s) are not supported: {string.Join(", ", requested)}; supported: {string.Join(", ", Protocols)}");
        }
        if (ports.Count == 0)
        {
            // The kubelet: WebSocket (non-SPDY) requests must name their ports up front.
            throw ApiException.BadRequest("query parameter \"port\" is required");
        }

        var uid = JsonPaths.String(pod, "metadata.uid") ?? "";
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var session = new Session(socket, linked);
        await session.RunAsync(info.Namespace, info.Name, uid, ports, backends, () => PodAlive(pods, info.Namespace, info.Name, uid));
    }

    /// <summary>"ports" may repeat and each may hold a comma-separated list, as the API server's PodPortForwardOptions allow.</summary>
    private static List<int> ParsePorts(IQueryCollection query)
    {
        var ports = new List<int>();
        foreach (var value in query["ports"].Concat(query["port"]))
        {
            foreach (var text in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw ApiException.BadRequest($"unable to parse \"{text}\" as a port: must be between 1 and 65535, inclusive");
                }
                ports.Add(port);
            }
        }
        return ports;
    }

    /// <summary>The pod the connection was opened to still runs: same uid, not stopped.</summary>
    private bool PodAlive(ResourceDefinition pods, string ns, string name, string uid)
    {
        if (service.Store.Get(pods, ns, name) is not { } stored || stored.Uid != uid)
        {
            return false;
        }
        var phase = JsonPaths.String(stored.ToJsonObject(), "status.phase");
        return phase is not ("Succeeded" or "Failed");
    }

    /// <summary>One upgraded connection: a pump per port, a reader for the client's frames, and a watch on the pod.</summary>
    private sealed class Session(WebSocket socket, CancellationTokenSource cts)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public async Task RunAsync(string ns, string pod, string uid, List<int> ports, PortForwardBackends backends, Func<bool> alive)
        {
            var ct = cts.Token;
            var sockets = new Socket?[ports.Count];
            try
            {
                for (var i = 0; i < ports.Count; i++)
                {
                    await SendAsync((byte)(2 * i), PortBytes(ports[i]), ct);
                    await SendAsync((byte)(2 * i + 1), PortBytes(ports[i]), ct);
                }
                var pumps = new List<Task>();
                for (var i = 0; i < ports.Count; i++)
                {
                    var port = ports[i];
                    var endpoint = backends.Find(ns, pod, port);
                    Socket? backend = null;
                    if (endpoint is not null)
                    {
                        backend = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await backend.ConnectAsync(endpoint, ct);
                        }
                        catch (SocketException)
                        {
                            backend.Dispose();
                            backend = null;
                        }
                    }
                    if (backend is null)
                    {
                        await SendAsync((byte)(2 * i + 1), Encoding.UTF8.GetBytes(Refused(port, uid)), ct);
                        continue;
                    }
                    sockets[i] = backend;
                    pumps.Add(PumpFromBackendAsync((byte)(2 * i), backend, ct));
                }

                if (pumps.Count > 0)
                {
                    var reader = ReadFromClientAsync(sockets, ct);
                    var watch = WatchPodAsync(alive, ports, ct);
                    // The kubelet closes the connection once every forwarded port's stream is done, or when the client leaves.
                    await Task.WhenAny(Task.WhenAll(pumps), reader, watch);
                    // Close first, cancel after: cancelling a pending WebSocket operation aborts the connection, and
                    // with it the error frame just queued.
                    await CloseAsync();
                    await cts.CancelAsync();
                    if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(2))) != reader)
                    {
                        socket.Abort();
                    }
                    return;
                }
                await CloseAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or SocketException)
            {
                // The client went away, or the sandbox is stopping.
            }
            finally
            {
                await cts.CancelAsync();
                foreach (var s in sockets)
                {
                    s?.Dispose();
                }
            }
        }

        private async Task WatchPodAsync(Func<bool> alive, List<int> ports, CancellationToken ct)
        {
            using var timer = new PeriodicTimer(PodCheckInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    if (!alive())
                    {
                        for (var i = 0; i < ports.Count; i++)
                        {
                            var text = $"error forwarding port {ports[i]}: the pod is gone: its network namespace was removed, and the connection with it";
                            await SendAsync((byte)(2 * i + 1), Encoding.UTF8.GetBytes(text), ct);
                        }
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The session ended first.
            }
        }

        private async Task PumpFromBackendAsync(byte channel, Socket backend, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024 + 1);
            try
            {
                while (true)
                {
                    var read = await backend.ReceiveAsync(buffer.AsMemory(1, 32 * 1024), SocketFlags.None, ct);
                    if (read == 0)
                    {
                        return;
                    }
                    buffer[0] = channel;
                    await SendFrameAsync(buffer.AsMemory(0, read + 1), ct);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Reset by the backend, or the session is over.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Client frames: [channel][data]; data channels go to their backend, anything else is ignored.</summary>
        private async Task ReadFromClientAsync(Socket?[] sockets, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (true)
                {
                    // No token: cancelling a WebSocket receive aborts the connection; the close (or Abort) ends it.
                    var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    if (result.Count == 0)
                    {
                        continue;
                    }
                    var channel = buffer[0];
                    var offset = 1;
                    while (true)
                    {
                        var target = channel % 2 == 0 && channel / 2 < sockets.Length ? sockets[channel / 2] : null;
                        if (target is not null && result.Count > offset)
                        {
                            await target.SendAsync(buffer.AsMemory(offset, result.Count - offset), SocketFlags.None, ct);
                        }
                        if (result.EndOfMessage)
                        {
                            break;
                        }
                        offset = 0;
                        result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client left or the backend closed.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private Task SendAsync(byte channel, byte[] payload, CancellationToken ct)
        {
            var frame = new byte[payload.Length + 1];
            frame[0] = channel;
            payload.CopyTo(frame, 1);
            return SendFrameAsync(frame, ct);
        }

        private async Task SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
        {
            await _send.WaitAsync(ct);
            try
            {
                // No token here either (see ReadFromClientAsync): a send in progress finishes or fails with the socket.
                await socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
            }
            finally
            {
                _send.Release();
            }
        }

        private async Task CloseAsync()
        {
            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _send.WaitAsync(timeout.Token);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // Best effort.
            }
        }

        private static byte[] PortBytes(int port)
        {
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)port);
            return bytes;
        }

        /// <summary>containerd's text when nothing listens on the port inside the pod's network namespace.</summary>
        private static string Refused(int port, string uid)
        {
            var sandbox = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(uid)));
            return $"error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network namespace " +
                   $"\"/var/run/netns/cni-{uid}\": failed to connect to localhost:{port} inside namespace \"{sandbox}\", " +
                   $"IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused ";
        }
    }
}
