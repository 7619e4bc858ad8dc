using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.PortForward;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Fixtures;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.PortForward;

/// <summary>The bad-deploy scenario on fast simulated pods, its redis-master-0 backed by the real redis-server.</summary>
public sealed class PortForwardSandbox : IAsyncLifetime
{
    public const string Ns = "seekapa-production";

    public SandboxServer Server { get; private set; } = null!;

    public ClusterSession Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SandboxServer.StartAsync(new SandboxOptions
        {
            Scenario = "bad-deploy",
            PodScheduleDelay = TimeSpan.FromMilliseconds(30),
            PodStartDelay = TimeSpan.FromMilliseconds(150),
            PodTerminationDelay = TimeSpan.FromMilliseconds(30),
            Backends = { $"{Ns}/redis-master-0:6379=127.0.0.1:{RedisServer.Plain.Port}" },
        });
        Session = ClusterSession.Open(new ClusterTarget(Server.KubeconfigPath));
    }

    public async Task DisposeAsync()
    {
        Session.Dispose();
        await Server.DisposeAsync();
    }

    public Task<PortForwardTunnel> StartAsync(string target, string port) =>
        PortForwardTunnel.StartAsync(Session, 1, Ns, ForwardTarget.Parse(target), PortSpec.Parse(port), TimeProvider.System, CancellationToken.None);
}

public sealed class PortForwardTunnelTests(PortForwardSandbox sandbox) : IClassFixture<PortForwardSandbox>
{
    private const string Ns = PortForwardSandbox.Ns;

    [Fact]
    public async Task ServiceWithNamedTargetPortReachesRealRedis()
    {
        await using var tunnel = await sandbox.StartAsync("svc/redis-master", ":6379");
        Assert.Equal("redis-master-0", tunnel.Model.Pod);
        Assert.Equal(6379, tunnel.Model.RemotePort);
        Assert.Equal("service/redis-master", tunnel.Model.Target);
        Assert.NotEqual(6379, tunnel.Model.LocalPort);

        using var client = await Resp.ConnectAsync(tunnel.Model.LocalPort);
        Assert.Equal("+PONG", await client.CommandAsync("PING"));
        var info = await client.BulkAsync("INFO", "server");
        Assert.Contains($"tcp_port:{RedisServer.Plain.Port}", info);
        Assert.Equal(1, tunnel.Model.Connections);
    }

    [Fact]
    public async Task ManyConcurrentConnectionsEachGetTheirOwnAnswers()
    {
        await using var tunnel = await sandbox.StartAsync("sts/redis-master", ":6379");
        Assert.Equal("redis-master-0", tunnel.Model.Pod);
        var tasks = Enumerable.Range(0, 24).Select(async i =>
        {
            using var client = await Resp.ConnectAsync(tunnel.Model.LocalPort);
            // A payload larger than one WebSocket frame of either side, different per connection.
            var payload = string.Concat(Enumerable.Repeat($"conn-{i}-", 20_000));
            for (var round = 0; round < 3; round++)
            {
                Assert.Equal(payload + round, await client.BulkAsync("ECHO", payload + round));
            }
        }).ToList();
        await Task.WhenAll(tasks);
        Assert.Equal(24, tunnel.Model.Connections);
        Assert.Empty(tunnel.Model.Failures);
    }

    [Fact]
    public async Task UpgradeThrottledWith429IsRetried()
    {
        await using var tunnel = await sandbox.StartAsync("pod/redis-master-0", ":6379");
        var rule = sandbox.Server.Faults.Throttle(2, TimeSpan.FromMilliseconds(100), $"/api/v1/namespaces/{Ns}/pods/redis-master-0/portforward");
        using var client = await Resp.ConnectAsync(tunnel.Model.LocalPort);
        Assert.Equal("+PONG", await client.CommandAsync("PING"));
        Assert.Equal(2, rule.Hits);
        Assert.Empty(tunnel.Model.Failures);
    }

    [Fact]
    public async Task APortWithoutListenerFailsThatConnectionWithTheKubeletsError()
    {
        // postgres-0 declares 5432, but nothing backs it in this sandbox: the kubelet answers "connection refused".
        await using var tunnel = await sandbox.StartAsync("pod/postgres-0", ":5432");
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", tunnel.Model.LocalPort);
        var read = await socket.GetStream().ReadAsync(new byte[16]);
        Assert.Equal(0, read);
        await ControllerTests.Eventually(() => Task.FromResult(tunnel.Model.Failures.Count > 0), "failure recorded");
        var failure = Assert.Single(tunnel.Model.Failures);
        Assert.Equal("PortForwardFailed", failure.ErrorId);
        Assert.Contains("connect: connection refused", failure.Message);
    }

    [Theory]
    [InlineData("svc/no-such-service", "6379", "ResourceNotFound")]
    [InlineData("pod/no-such-pod", "6379", "ResourceNotFound")]
    [InlineData("deploy/no-such-deployment", "80", "ResourceNotFound")]
    [InlineData("svc/redis-master", "6380", "PortNotExposed")]
    [InlineData("svc/redis-master", "8080:http", "PortNotExposed")]
    [InlineData("pod/redis-master-0", "6380", "PortNotExposed")]
    [InlineData("pod/redis-master-0", ":metrics", "PortNotExposed")]
    [InlineData("sts/postgres-read", "5433", "PortNotExposed")]
    [InlineData("pod/backend-deployment-7c9b5d8f6b-x4k2p", "9999", "PortNotExposed")]
    public async Task BadTargetsAreRefusedBeforeAnythingListens(string target, string port, string errorId)
    {
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => sandbox.StartAsync(target, port));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public async Task AServiceWhosePodsAreNotReadyIsRefused()
    {
        await sandbox.Server.CreateAsync("services", (JsonObject)JsonNode.Parse($$"""
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "selects-nothing", "namespace": "{{Ns}}" },
              "spec": { "selector": { "app": "nothing-here" }, "ports": [ { "port": 80 } ] } }
            """)!);
        await sandbox.Server.CreateAsync("services", (JsonObject)JsonNode.Parse($$"""
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "crashing-backend", "namespace": "{{Ns}}" },
              "spec": { "selector": { "app": "backend", "pod-template-hash": "7c9b5d8f6b" }, "ports": [ { "port": 80, "targetPort": "http" } ] } }
            """)!);
        Assert.Equal("NoReadyPod", (await Assert.ThrowsAsync<SeekapaException>(() => sandbox.StartAsync("svc/selects-nothing", "80"))).ErrorId);
        // The two crash-looping pods of revision 3 run but are not ready.
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => sandbox.StartAsync("svc/crashing-backend", "80"));
        Assert.Equal("NoReadyPod", ex.ErrorId);
        Assert.Contains("None of the 2 pod(s)", ex.Message);
    }

    [Theory]
    [InlineData("svc/x:1")]
    [InlineData("cronjob/x")]
    [InlineData("svc/Bad_Name")]
    public void MalformedTargetsAreInvalidTarget(string text) =>
        Assert.Equal("InvalidTarget", Assert.Throws<SeekapaException>(() => ForwardTarget.Parse(text)).ErrorId);

    [Theory]
    [InlineData("")]
    [InlineData("a:b:c")]
    [InlineData("80:")]
    [InlineData("70000")]
    [InlineData("x:80")]
    [InlineData("0")]
    [InlineData("8080:Not_A_Name")]
    public void MalformedPortsAreInvalidPortSpec(string text) =>
        Assert.Equal("InvalidPortSpec", Assert.Throws<SeekapaException>(() => PortSpec.Parse(text)).ErrorId);

    [Theory]
    [InlineData("6379", 6379, 6379, null)]
    [InlineData(":6379", null, 6379, null)]
    [InlineData("0:6379", null, 6379, null)]
    [InlineData("16379:6379", 16379, 6379, null)]
    [InlineData("8080:http", 8080, null, "http")]
    [InlineData("http", null, null, "http")]
    public void KubectlPortFormsParse(string text, int? local, int? remote, string? name)
    {
        var spec = PortSpec.Parse(text);
        Assert.Equal((local, remote, name), (spec.LocalPort, spec.RemotePort, spec.RemoteName));
    }

    [Fact]
    public async Task StoppingCutsOpenConnectionsAndStopsListening()
    {
        var tunnel = await sandbox.StartAsync("pod/redis-master-0", ":6379");
        using var client = await Resp.ConnectAsync(tunnel.Model.LocalPort);
        Assert.Equal("+PONG", await client.CommandAsync("PING"));
        await tunnel.DisposeAsync();
        Assert.Equal(Seekapa.Ops.PortForwardState.Stopped, tunnel.Model.State);
        Assert.Null(await client.TryCommandAsync("PING"));
        using var again = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => again.ConnectAsync("127.0.0.1", tunnel.Model.LocalPort));
    }
}

/// <summary>Deletes redis-master-0: a sandbox of its own, so that the other tests never see the pod missing.</summary>
public sealed class PortForwardPodLossTests(PortForwardSandbox sandbox) : IClassFixture<PortForwardSandbox>
{
    private const string Ns = PortForwardSandbox.Ns;

    [Fact]
    public async Task PodDeletedWhileForwardingLosesThatConnectionAndTheNextGoesToTheReplacement()
    {
        await using var tunnel = await sandbox.StartAsync("svc/redis-master", ":6379");
        using var first = await Resp.ConnectAsync(tunnel.Model.LocalPort);
        Assert.Equal("+PONG", await first.CommandAsync("PING"));
        var before = (await sandbox.Server.GetAsync("pods", Ns, "redis-master-0"))!["metadata"]!["uid"]!.ToString();

        await sandbox.Server.DeleteAsync("pods", Ns, "redis-master-0");

        // The open connection is cut (once the kubelet notices): the client sees the end of the stream, not an answer.
        await ControllerTests.Eventually(async () => await first.TryCommandAsync("PING") is null, "the open connection is cut");
        await ControllerTests.Eventually(() => Task.FromResult(tunnel.Model.Failures.Any(f => f.ErrorId == "PortForwardLost")), "PortForwardLost recorded");
        Assert.Equal("redis-master-0", tunnel.Model.Failures.First(f => f.ErrorId == "PortForwardLost").Pod);

        // The statefulset controller replaces the pod (same name, new uid); once it is ready the next connection works.
        await ControllerTests.Eventually(async () =>
            await sandbox.Server.GetAsync("pods", Ns, "redis-master-0") is { } pod && pod["metadata"]!["uid"]!.ToString() != before &&
            pod["status"]?["conditions"] is JsonArray conditions &&
            conditions.Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True"), "replacement ready");
        using var second = await Resp.ConnectAsync(tunnel.Model.LocalPort);
        Assert.Equal("+PONG", await second.CommandAsync("PING"));
        Assert.Equal("redis-master-0", tunnel.Model.Pod);
    }
}

/// <summary>Npgsql through svc/postgres-service (its postgres-0 backed by the real PostgreSQL server).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PortForwardPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private PortForwardSandbox _sandbox = new();

    public async Task InitializeAsync()
    {
        await _sandbox.InitializeAsync();
        _sandbox.Server.Backends.Add(PortForwardSandbox.Ns, "postgres-0", 5432, "127.0.0.1", postgres.Port);
    }

    public Task DisposeAsync() => _sandbox.DisposeAsync();

    [Fact]
    public async Task NpgsqlQueriesThroughTheService()
    {
        await using var tunnel = await _sandbox.StartAsync("svc/postgres-service", ":5432");
        Assert.Equal("postgres-0", tunnel.Model.Pod);
        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = "127.0.0.1", Port = tunnel.Model.LocalPort, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select inet_server_port(), count(*) from generate_series(1, 50000)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(postgres.Port, reader.GetInt32(0));
        Assert.Equal(50000L, reader.GetInt64(1));
    }
}

/// <summary>A minimal RESP client over a raw socket: what redis-cli sends, nothing cached or pooled in between.</summary>
internal sealed class Resp : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private Resp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<Resp> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new Resp(client);
    }

    /// <summary>Sends a command and returns its one-line reply ("+PONG", "-ERR ...").</summary>
    public async Task<string> CommandAsync(params string[] args) =>
        await TryCommandAsync(args) ?? throw new IOException("the connection closed before the reply");

    /// <summary>Null when the connection ends instead of replying.</summary>
    public async Task<string?> TryCommandAsync(params string[] args)
    {
        try
        {
            await SendAsync(args);
            return await ReadLineAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Sends a command whose reply is a bulk string and returns it.</summary>
    public async Task<string> BulkAsync(params string[] args)
    {
        await SendAsync(args);
        var header = await ReadLineAsync() ?? throw new IOException("closed");
        Assert.StartsWith("$", header);
        var length = int.Parse(header[1..]);
        var body = await ReadBytesAsync(length + 2);
        return Encoding.UTF8.GetString(body, 0, length);
    }

    private async Task SendAsync(string[] args)
    {
        var sb = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var index = IndexOfNewline();
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, index).ToArray());
                _pending.RemoveRange(0, index + 2);
                return line;
            }
            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await FillAsync())
            {
                throw new IOException("closed");
            }
        }
        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await _stream.ReadAsync(buffer, timeout.Token);
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }

    private int IndexOfNewline()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>The sandbox's --backend flag and the backends table behind pods/NAME/portforward.</summary>
public sealed class PortForwardBackendTests
{
    [Fact]
    public void BackendFlagsAreParsedAndBadOnesRefused()
    {
        var options = Seekapa.Ops.Sandbox.Hosting.CommandLine.Parse(
            ["--kubeconfig", "k", "--backend", "ns/redis-master-0:6379=127.0.0.1:16379", "--backend=ns/prometheus-*:9090=localhost:19090"], out var error);
        Assert.Null(error);
        Assert.Equal(["ns/redis-master-0:6379=127.0.0.1:16379", "ns/prometheus-*:9090=localhost:19090"], options!.Backends);

        Assert.Null(Seekapa.Ops.Sandbox.Hosting.CommandLine.Parse(["--kubeconfig", "k", "--backend", "redis-master-0:6379=127.0.0.1:1"], out error));
        Assert.Contains("NAMESPACE/POD:PORT=HOST:PORT", error);
    }

    [Fact]
    public void APrefixBackendCoversReplacementPodsAndTheLongestPrefixWins()
    {
        var backends = new PortForwardBackends();
        backends.Add("ns/prometheus-*:9090=127.0.0.1:1000");
        backends.Add("ns/prometheus-canary-*:9090=127.0.0.1:2000");
        backends.Add("ns/redis-master-0:6379=127.0.0.1:3000");
        Assert.Equal(1000, backends.Find("ns", "prometheus-6c8d9f7b5a-abcde", 9090)!.Port);
        Assert.Equal(2000, backends.Find("ns", "prometheus-canary-1", 9090)!.Port);
        Assert.Equal(3000, backends.Find("ns", "redis-master-0", 6379)!.Port);
        Assert.Null(backends.Find("ns", "redis-master-0", 6380));
        Assert.Null(backends.Find("other", "redis-master-0", 6379));
    }
}
