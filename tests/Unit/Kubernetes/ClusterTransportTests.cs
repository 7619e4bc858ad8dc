using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Cmdlets;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

/// <summary>
/// How credentials travel to a cluster: never in clear over http without -AllowInsecureTransport, a warning for a
/// kubeconfig that skips TLS verification, a check that the server is a Kubernetes API, and TLS failures not retried.
/// </summary>
public sealed class ClusterTransportTests : IDisposable
{
    private const string Token = "kc-token-Zq81vXw3Lm5Np7Rt";
    private readonly string _dir = Directory.CreateTempSubdirectory("seekapa-transport-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Kubeconfig(string server, string? token = Token, bool skipTlsVerify = false, string context = "plain-ctx")
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {server}
                {(skipTlsVerify ? "insecure-skip-tls-verify: true" : string.Empty)}
            users:
            - name: u
              user:
                token: {token ?? "unused"}
            contexts:
            - name: {context}
              context:
                cluster: c
                {(token is null ? string.Empty : "user: u")}
                namespace: default
            current-context: {context}
            """);
        return path;
    }

    [Fact]
    public async Task AnHttpServerNeverReceivesTheTokenWithoutTheOptIn()
    {
        await using var api = await RecordingApi.StartAsync(RecordingApi.KubernetesVersion);
        var kubeconfig = Kubeconfig(api.BaseAddress.ToString());
        using var host = new CmdletHost();

        var refused = host.Invoke("Connect-SeekapaCluster -Kubeconfig $kc", new Dictionary<string, object?> { ["kc"] = kubeconfig });
        var error = Assert.Single(refused.Errors);
        Assert.Equal("InsecureTransport", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("-AllowInsecureTransport", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        var implicitUse = host.Invoke("Get-SeekapaPodHealth -Kubeconfig $kc", new Dictionary<string, object?> { ["kc"] = kubeconfig });
        Assert.Equal("InsecureTransport", Assert.Single(implicitUse.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(api.Requests);

        var allowed = host.Invoke("Connect-SeekapaCluster -Kubeconfig $kc -AllowInsecureTransport 3>&1",
            new Dictionary<string, object?> { ["kc"] = kubeconfig });
        Assert.Empty(allowed.Errors);
        Assert.Contains(allowed.Output, o => o.BaseObject is WarningRecord w && w.Message.Contains("clear text", StringComparison.Ordinal));
        Assert.Contains(api.Requests, r => r.Path == "/version" && r.Authorization == "Bearer " + Token);
    }

    [Fact]
    public async Task AnHttpServerWithoutCredentialsIsAllowed()
    {
        // kubectl proxy: http on loopback, no credentials in the kubeconfig: nothing secret travels.
        await using var api = await RecordingApi.StartAsync(RecordingApi.KubernetesVersion);
        using var session = ClusterSession.Open(new ClusterTarget(Kubeconfig(api.BaseAddress.ToString(), token: null)));
        Assert.Equal("v1.32.0-recorded", await session.VerifyAsync(CancellationToken.None));
        Assert.Null(Assert.Single(api.Requests).Authorization);
    }

    [Theory]
    [InlineData("json-without-version")]
    [InlineData("html")]
    [InlineData("404")]
    public async Task ConnectRefusesAServerThatIsNotKubernetes(string answer)
    {
        await using var api = await RecordingApi.StartAsync(answer switch
        {
            "json-without-version" => _ => Results.Text("""{"ok":true,"channel":"C0FAKE"}""", "application/json"),
            "html" => _ => Results.Text("<html><body>It works</body></html>", "text/html"),
            _ => _ => Results.NotFound(),
        });
        using var host = new CmdletHost();
        var result = host.Invoke("Connect-SeekapaCluster -Kubeconfig $kc",
            new Dictionary<string, object?> { ["kc"] = Kubeconfig(api.BaseAddress.ToString(), token: null) });
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("NotKubernetesApi", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("plain-ctx", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkippingTlsVerificationIsWarnedOncePerConnection()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty", EnableControllers = false });
        var kubeconfig = Kubeconfig(sandbox.BaseAddress.ToString(), sandbox.AdminToken, skipTlsVerify: true, context: "skip-verify-ctx");
        using var host = new CmdletHost();
        var vars = new Dictionary<string, object?> { ["kc"] = kubeconfig };

        var first = host.Invoke("Get-SeekapaDeployment -Kubeconfig $kc -Namespace seekapa-production 3>&1", vars);
        var second = host.Invoke("Get-SeekapaDeployment -Kubeconfig $kc -Namespace seekapa-production 3>&1", vars);

        Assert.Empty(first.Errors);
        var warning = Assert.Single(first.Output.Select(o => o.BaseObject).OfType<WarningRecord>());
        Assert.Contains("'skip-verify-ctx'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("insecure-skip-tls-verify", warning.Message, StringComparison.Ordinal);
        Assert.Empty(second.Errors);
        Assert.Empty(second.Output.Select(o => o.BaseObject).OfType<WarningRecord>());

        var connect = host.Invoke("Connect-SeekapaCluster -Kubeconfig $kc 3>&1; Get-SeekapaDeployment -Namespace seekapa-production 3>&1", vars);
        Assert.Single(connect.Output.Select(o => o.BaseObject).OfType<WarningRecord>());
    }

    [Fact]
    public async Task ARestartedServerWithANewCaFailsAtOnceInsteadOfBeingRetriedUntilTheTimeout()
    {
        var first = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        await using var forwarder = TcpForwarder.Start(first.BaseAddress.Port);
        var kubeconfig = Path.Combine(_dir, "restarted");
        File.WriteAllText(kubeconfig, File.ReadAllText(first.KubeconfigPath)
            .Replace(first.BaseAddress.Authority, $"127.0.0.1:{forwarder.Port}", StringComparison.Ordinal));
        using var host = new CmdletHost();
        var vars = new Dictionary<string, object?> { ["kc"] = kubeconfig };
        Assert.Empty(host.Invoke("Connect-SeekapaCluster -Kubeconfig $kc", vars).Errors);

        // The API server restarts with a new CA behind the same address.
        await first.DisposeAsync();
        await using var second = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        forwarder.Target = second.BaseAddress.Port;
        var before = forwarder.Connections;

        var result = host.Invoke("Wait-SeekapaRollout backend -Namespace seekapa-production -Timeout 00:01:00", vars);

        var error = Assert.Single(result.Errors);
        Assert.Equal("ClusterUnreachable", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("certificate", error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, forwarder.Connections - before);
    }

    /// <summary>An http API that records every request's path and Authorization header.</summary>
    private sealed class RecordingApi : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RecordingApi(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

        public static IResult KubernetesVersion(HttpContext _) =>
            Results.Text("""{"major":"1","minor":"32","gitVersion":"v1.32.0-recorded","platform":"linux/amd64"}""", "application/json");

        public static async Task<RecordingApi> StartAsync(Func<HttpContext, IResult> version)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            RecordingApi? api = null;
            app.Use(async (context, next) =>
            {
                api!.Requests.Enqueue((context.Request.Path.Value!.TrimEnd('/'),
                    context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString()));
                await next(context);
            });
            app.MapGet("/version", version);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            api = new RecordingApi(app, new Uri(address));
            return api;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    /// <summary>A TCP forwarder on 127.0.0.1 that counts connections; its target can change (a restarted server).</summary>
    private sealed class TcpForwarder : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public volatile int Target;

        private TcpForwarder(int target) => Target = target;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public static TcpForwarder Start(int target)
        {
            var forwarder = new TcpForwarder(target);
            forwarder._listener.Start();
            _ = forwarder.AcceptLoopAsync();
            return forwarder;
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = PipeAsync(client);
            }
        }

        private async Task PipeAsync(TcpClient client)
        {
            using (client)
            using (var upstream = new TcpClient())
            {
                try
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, Target, _stop.Token);
                    var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                    var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                    await Task.WhenAny(a, b);
                }
                catch (Exception)
                {
                    // A dropped side ends the pair, as a real network would.
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
