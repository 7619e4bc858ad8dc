using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Arm;
using Seekapa.Ops.Sandbox.Controllers;
using Seekapa.Ops.Sandbox.Hosting;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Scenarios;
using Seekapa.Ops.Sandbox.Security;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox;

/// <summary>
/// A local cluster that speaks the Kubernetes API over HTTPS on 127.0.0.1, seeded from a scenario, with a kubeconfig
/// for kubectl or KubernetesClient. Start one per test class (or per process) and dispose it.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly ResourceService _service;
    private readonly Certificates _certificates;
    private readonly bool _ownsKubeconfig;
    private ControllerManager? _controllers;
    private Telemetry.ScenarioTelemetry? _telemetry;
    private int _disposed;

    private SandboxServer(WebApplication app, CancellationTokenSource stopping, ResourceService service,
        Certificates certificates, Faults faults, PortForwardBackends backends, Uri baseAddress, string kubeconfigPath, bool ownsKubeconfig,
        string adminToken, string viewerToken, SandboxOptions options, DateTimeOffset startedAt, string caCertificatePath)
    {
        CaCertificatePath = caCertificatePath;
        _app = app;
        _stopping = stopping;
        _service = service;
        _certificates = certificates;
        Faults = faults;
        Backends = backends;
        BaseAddress = baseAddress;
        KubeconfigPath = kubeconfigPath;
        _ownsKubeconfig = ownsKubeconfig;
        AdminToken = adminToken;
        ViewerToken = viewerToken;
        Context = options.Context;
        ViewerContext = options.Context + "-viewer";
        StartedAt = startedAt;
    }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The kubeconfig, complete on disk by the time <see cref="StartAsync"/> returns.</summary>
    public string KubeconfigPath { get; }

    public string AdminToken { get; }

    /// <summary>The token of user "viewer", which may only get/list/watch pods in seekapa-production.</summary>
    public string ViewerToken { get; }

    public string CaCertificatePem => _certificates.CaPem;

    /// <summary>The CA certificate as a PEM file next to the kubeconfig (for SSL_CERT_FILE when a client trusts the fake ARM).</summary>
    public string CaCertificatePath { get; }

    /// <summary>The fake Azure Resource Manager's subscription (its resource group is <see cref="ArmResourceGroup"/>).</summary>
    public string ArmSubscriptionId => ArmWorld.SandboxSubscriptionId;

    public string ArmResourceGroup => ArmWorld.SandboxResourceGroup;

    /// <summary>The admin context name in the kubeconfig (also the current context).</summary>
    public string Context { get; }

    /// <summary>The viewer context name in the kubeconfig.</summary>
    public string ViewerContext { get; }

    /// <summary>Scenario times ("-5m") are relative to this instant.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Inject errors, latency and dropped connections.</summary>
    public Faults Faults { get; }

    /// <summary>The real local endpoints behind pod ports (what pods/NAME/portforward connects to); add more at any time.</summary>
    public PortForwardBackends Backends { get; }

    /// <summary>The store's current (global) resourceVersion.</summary>
    public long ResourceVersion => _service.Store.ResourceVersion;

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Pods);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Namespaces, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LogLinesPerContainer);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Context);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Namespace);

        var time = options.TimeProvider;
        var startedAt = time.GetUtcNow();
        var store = new ObjectStore(options.WatchHistorySize);
        var registry = BuiltInResources.Create();
        if (options.EnableMetrics)
        {
            MetricsEndpoints.Register(registry);
        }
        var service = new ResourceService(store, registry, time);
        var telemetry = new Telemetry.ScenarioTelemetry();
        foreach (var image in options.CrashingImages)
        {
            telemetry.AddCrashingImage(image);
        }

        var crashingImages = new List<string>(options.CrashingImages);
        var backends = new PortForwardBackends();
        foreach (var backend in options.Backends)
        {
            backends.Add(backend);
        }
        // Seed before listening, so the first request already sees the whole scenario (CPU-bound: off the caller's thread).
        await Task.Run(() =>
        {
            var loader = new ScenarioLoader(service, startedAt, telemetry, backends);
            loader.Load(options.Scenario ?? (options.Pods > 0 ? "empty" : "healthy"));
            crashingImages.AddRange(loader.CrashingImages);
            if (options.Pods > 0)
            {
                PodGenerator.Generate(service, options.Pods, options.Namespaces, startedAt);
            }
        }, ct);

        // TLS validity is checked against the real clock, whatever TimeProvider the scenario runs on.
        var certificates = Certificates.Generate(DateTimeOffset.UtcNow);
        var adminToken = Authenticator.NewToken();
        var viewerToken = Authenticator.NewToken();
        var stopping = new CancellationTokenSource();
        var faults = new Faults(() => store.CloseAllWatches(Faults.DroppedReason));
        string address = "";
        Uri? armBaseAddress = null;
        var armWorld = new ArmWorld(ArmWorld.SandboxSubscriptionId, ArmWorld.SandboxResourceGroup, time,
            () => armBaseAddress ?? throw new InvalidOperationException("The sandbox is not listening yet.")) { CaPem = certificates.CaPem };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificates.Server);
            });
        });
        var app = builder.Build();

        var handler = new ApiHandler(
            new Authenticator(adminToken, viewerToken),
            faults,
            new DiscoveryEndpoints(service.Registry, () => address),
            new ResourceEndpoints(service, new ListPager(store, new SnapshotCache(time)), new WatchEndpoint(store, time, stopping.Token),
                new PodLogEndpoint(service, telemetry, options.LogLinesPerContainer, startedAt, stopping.Token),
                options.EnableMetrics ? new MetricsEndpoints(service, new Telemetry.SyntheticMetrics(telemetry)) : null,
                new PortForwardEndpoint(service, backends, stopping.Token)),
            (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ApiHandler>());
        // Resource Manager paths (/subscriptions, /providers) never collide with the Kubernetes API's.
        var arm = ArmHandler.Create(armWorld, adminToken, (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ArmHandler>());
        // pods/NAME/portforward upgrades to a WebSocket.
        app.UseWebSockets();
        app.Run(context => ArmHandler.IsArmRequest(context.Request) ? arm.HandleAsync(context) : handler.HandleAsync(context));

        try
        {
            await app.StartAsync(ct);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(bound).Port;
            address = $"127.0.0.1:{port}";
            var baseAddress = new Uri($"https://{address}/");
            armBaseAddress = baseAddress;

            var ownsKubeconfig = options.KubeconfigPath is null;
            var kubeconfigPath = options.KubeconfigPath ??
                Path.Combine(Path.GetTempPath(), $"seekapa-sandbox-{port}-{Guid.NewGuid():N}.kubeconfig");
            KubeconfigWriter.Write(kubeconfigPath, new KubeconfigContent(
                $"https://{address}", certificates.CaPem, options.Context, options.Context + "-viewer",
                options.Namespace, adminToken, viewerToken));

            var caPath = Path.ChangeExtension(Path.GetFullPath(kubeconfigPath), ".ca.crt");
            await File.WriteAllTextAsync(caPath, certificates.CaPem, ct);
            var server = new SandboxServer(app, stopping, service, certificates, faults, backends, baseAddress, Path.GetFullPath(kubeconfigPath),
                ownsKubeconfig, adminToken, viewerToken, options, startedAt, caPath);
            server._telemetry = telemetry;
            if (options.EnableControllers)
            {
                // Controllers start on the seeded store: they adopt the scenario's objects before the first request.
                server._controllers = new ControllerManager(service, options, crashingImages);
                server._controllers.Start();
            }
            return server;
        }
        catch
        {
            await stopping.CancelAsync();
            await app.DisposeAsync();
            certificates.Dispose();
            stopping.Dispose();
            throw;
        }
    }

    /// <summary>Creates an object as a POST would (defaults, validation, namespace must exist). Status is stored as given.</summary>
    /// <param name="resource">"pods", "po", "deployments", "deployments.apps", "deploy", ...</param>
    public Task<JsonObject> CreateAsync(string resource, JsonObject obj) =>
        Call(() => _service.Create(Resolve(resource), null, (JsonObject)obj.DeepClone()).ToJsonObject());

    /// <summary>Replaces an object; a metadata.resourceVersion in <paramref name="obj"/> must match (409 otherwise).</summary>
    public Task<JsonObject> UpdateAsync(string resource, JsonObject obj) =>
        Call(() => _service.Update(Resolve(resource), (JsonObject)obj.DeepClone()).ToJsonObject());

    /// <summary>Patches an object as a PATCH request would (update strategy, validation, 409 on a stale
    /// metadata.resourceVersion in the patch). <paramref name="patchType"/>: "json", "merge" or "strategic".</summary>
    public Task<JsonObject> PatchAsync(string resource, string? @namespace, string name, string patchType, string patch) =>
        Call(() => _service.Patch(Resolve(resource), @namespace ?? "", name, patchType switch
        {
            "json" => PatchType.Json,
            "merge" => PatchType.Merge,
            "strategic" => PatchType.Strategic,
            _ => throw new ArgumentException($"unknown patch type \"{patchType}\" (json, merge or strategic)", nameof(patchType)),
        }, patch, WriteTarget.Main, dryRun: false).ToJsonObject());

    /// <summary>The object, or null when it does not exist.</summary>
    public Task<JsonObject?> GetAsync(string resource, string? @namespace, string name) =>
        Call(() => _service.Store.Get(Resolve(resource), @namespace ?? "", name)?.ToJsonObject());

    /// <summary>Objects of a resource, in one namespace or all (null), optionally filtered by a label selector.</summary>
    public Task<IReadOnlyList<JsonObject>> ListAsync(string resource, string? @namespace = null, string? labelSelector = null) =>
        Call(() =>
        {
            var definition = Resolve(resource);
            var selector = LabelSelector.Parse(labelSelector);
            var snapshot = _service.Store.Snapshot(definition);
            var (start, end) = snapshot.Range(definition.Namespaced ? @namespace : null);
            return (IReadOnlyList<JsonObject>)snapshot.Items[start..end].Where(o => selector.Matches(o.Labels)).Select(o => o.ToJsonObject()).ToList();
        });

    /// <summary>Deletes at once (as the HTTP API does) and returns the final state.</summary>
    public Task<JsonObject> DeleteAsync(string resource, string? @namespace, string name) =>
        Call(() => _service.Delete(Resolve(resource), @namespace ?? "", name).ToJsonObject());

    /// <summary>Makes the simulated kubelet crash-loop containers of <paramref name="image"/> ("repo:tag") from now on.</summary>
    public void MarkImageCrashing(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        // Its containers' logs turn to errors too.
        _telemetry?.AddCrashingImage(image);
        _controllers?.Post(() => _controllers.Kubelet.AddCrashingImage(image));
    }

    /// <summary>The in-process controllers (null when <see cref="SandboxOptions.EnableControllers"/> is false).</summary>
    internal ControllerManager? Controllers => _controllers;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_controllers is not null)
        {
            await _controllers.DisposeAsync();
        }
        // End open watches first: Kestrel waits for in-flight requests when stopping.
        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Remaining connections are closed by dispose.
            }
        }
        await _app.DisposeAsync();
        _certificates.Dispose();
        _stopping.Dispose();
        if (_ownsKubeconfig)
        {
            try
            {
                File.Delete(KubeconfigPath);
                File.Delete(CaCertificatePath);
            }
            catch (IOException)
            {
                // Best effort: it is a temp file.
            }
        }
    }

    private ResourceDefinition Resolve(string resource) =>
        _service.Registry.Resolve(resource) ?? throw new ArgumentException($"unknown resource \"{resource}\"", nameof(resource));

    private static Task<T> Call<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (ApiException e)
        {
            return Task.FromException<T>(new SandboxException(e.Code, e.Reason, e.Message));
        }
        catch (FormatException e)
        {
            return Task.FromException<T>(new SandboxException(400, "BadRequest", e.Message));
        }
        catch (ArgumentException e)
        {
            return Task.FromException<T>(e);
        }
    }
}
