using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Seekapa.Ops.Tests.Integrations;

/// <summary>
/// A raw HTTP/1.1 keep-alive server on 127.0.0.1 (random port) that parses requests one after another on each connection
/// exactly as a real server would (request line, headers up to the blank line, Content-Length bytes of body) and records
/// every request it sees. A CR/LF smuggled into a header shows up here as an extra header or a second request; that is
/// the security review's reproduction. Answers 200 with a fixed JSON body.
/// </summary>
public sealed class KeepAliveCountingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _answer;
    private readonly Task _accepting;

    public sealed record Request(string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers, string Body)
    {
        public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    public KeepAliveCountingServer(string answer)
    {
        _answer = answer;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/api/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int end;
                    while ((end = IndexOfHeaderEnd(buffer)) < 0)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read).ToArray());
                    }

                    var head = Encoding.Latin1.GetString(buffer.GetRange(0, end).ToArray());
                    buffer.RemoveRange(0, end + 4);
                    var lines = head.Split("\r\n");
                    var first = lines[0].Split(' ');
                    var headers = lines.Skip(1).Where(l => l.Length > 0)
                        .Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p.Length > 1 ? p[1].Trim() : string.Empty)).ToList();
                    var length = int.TryParse(headers.FirstOrDefault(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Item2, out var n) ? n : 0;
                    while (buffer.Count < length)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read).ToArray());
                    }

                    var body = Encoding.UTF8.GetString(buffer.GetRange(0, length).ToArray());
                    buffer.RemoveRange(0, length);
                    Requests.Enqueue(new Request(first[0], first.Length > 1 ? first[1] : string.Empty, headers, body));
                    var payload = Encoding.UTF8.GetBytes(_answer);
                    var response = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\nConnection: keep-alive\r\n\r\n");
                    await stream.WriteAsync(response, _stop.Token);
                    await stream.WriteAsync(payload, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
