using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Fixtures;

/// <summary>One in-process sandbox with the 'unhealthy' scenario, shared by a test class.</summary>
public sealed class UnhealthySandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public string Kubeconfig => Server.KubeconfigPath;

    public ClusterSession Open(string? context = null, string? ns = null) =>
        ClusterSession.Open(new ClusterTarget(Kubeconfig, context, ns));

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "unhealthy" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A generated cluster large enough to need several pages.</summary>
public sealed class LargeSandbox : IAsyncLifetime
{
    public const int PodCount = 1200;

    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { Pods = PodCount, Namespaces = 3 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// An empty cluster with the controllers on and fast simulated pods, for rollout tests: each test creates its own
/// workloads (unique names), so tests of a class do not see each other's changes.
/// </summary>
public sealed class RolloutSandbox : IAsyncLifetime
{
    public const string Ns = "seekapa-production";
    public const string CrashingImage = "registry/backend:crash";

    public SandboxServer Server { get; private set; } = null!;

    public string Kubeconfig => Server.KubeconfigPath;

    public ClusterSession Open() => ClusterSession.Open(new ClusterTarget(Kubeconfig, null, Ns));

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions
    {
        Scenario = "empty",
        PodScheduleDelay = TimeSpan.FromMilliseconds(30),
        PodStartDelay = TimeSpan.FromMilliseconds(150),
        PodTerminationDelay = TimeSpan.FromMilliseconds(30),
        CrashingImages = [CrashingImage],
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A unique lowercase name with the given prefix.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public Task<System.Text.Json.Nodes.JsonObject> CreateDeploymentAsync(string name, string image, int replicas = 2,
        int progressDeadlineSeconds = 600, string? changeCause = null) =>
        Server.CreateAsync("deployments", System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"{{name}}","namespace":"{{Ns}}","annotations":{"kubernetes.io/change-cause":"{{changeCause ?? "create " + image}}"} },
             "spec":{"replicas":{{replicas}},"progressDeadlineSeconds":{{progressDeadlineSeconds}},
               "selector":{"matchLabels":{"app":"{{name}}"} },
               "template":{"metadata":{"labels":{"app":"{{name}}"} },
                 "spec":{"containers":[{"name":"backend","image":"{{image}}","env":[{"name":"IMAGE","value":"{{image}}"}]}]} } } }
            """)!.AsObject());

    /// <summary>Changes the image (and the change-cause annotation, as kubectl set image --record did).</summary>
    public Task<System.Text.Json.Nodes.JsonObject> SetImageAsync(string name, string image) =>
        Server.PatchAsync("deployments", Ns, name, "strategic", $$"""
            {"metadata":{"annotations":{"kubernetes.io/change-cause":"set image {{image}}"} },
             "spec":{"template":{"spec":{"containers":[{"name":"backend","image":"{{image}}","env":[{"name":"IMAGE","value":"{{image}}"}]}]} } } }
            """);

    /// <summary>Waits (polling the store: this is the test's own clock, not the code under test) until the rollout is complete.</summary>
    public async Task WaitUntilCompleteAsync(string name, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < until)
        {
            var d = await Server.GetAsync("deployments", Ns, name);
            var status = d?["status"];
            var generation = (long?)d?["metadata"]?["generation"] ?? 0;
            var replicas = (int?)d?["spec"]?["replicas"] ?? 1;
            if (status is not null && ((long?)status["observedGeneration"] ?? 0) >= generation
                && ((int?)status["updatedReplicas"] ?? 0) == replicas && ((int?)status["replicas"] ?? 0) == replicas
                && ((int?)status["availableReplicas"] ?? 0) == replicas)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"deployment {name} did not complete its rollout");
    }

    /// <summary>The deployment's resourceVersion once the controllers have stopped writing its status (unchanged for 400 ms).</summary>
    public async Task<string> SettledResourceVersionAsync(string name)
    {
        string Version(System.Text.Json.Nodes.JsonObject? d) => (string?)d?["metadata"]?["resourceVersion"] ?? string.Empty;
        var last = Version(await Server.GetAsync("deployments", Ns, name));
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(400);
            var now = Version(await Server.GetAsync("deployments", Ns, name));
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    /// <summary>A deployment with revisions 1, 2 and 3 (images :1, :2, :3), rolled out.</summary>
    public async Task<string> ThreeRevisionsAsync(string prefix, int replicas = 2)
    {
        var name = UniqueName(prefix);
        await CreateDeploymentAsync(name, "registry/backend:1", replicas);
        await WaitUntilCompleteAsync(name);
        await SetImageAsync(name, "registry/backend:2");
        await WaitUntilCompleteAsync(name);
        await SetImageAsync(name, "registry/backend:3");
        await WaitUntilCompleteAsync(name);
        return name;
    }
}

/// <summary>
/// The 'healthy' scenario with the controllers on and fast simulated pods, for the workload-changing cmdlets. Tests
/// create their own deployments (unique names, often a twin for the real kubectl) so they do not see each other's changes.
/// </summary>
public sealed class WorkloadSandbox : IAsyncLifetime
{
    public const string Ns = "seekapa-production";

    public SandboxServer Server { get; private set; } = null!;

    public string Kubeconfig => Server.KubeconfigPath;

    /// <summary>A private kubectl discovery cache for this sandbox.</summary>
    public string KubectlCache { get; } = Path.Combine(Path.GetTempPath(), "seekapa-kubectl-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions
    {
        Scenario = "healthy",
        PodScheduleDelay = TimeSpan.FromMilliseconds(30),
        PodStartDelay = TimeSpan.FromMilliseconds(100),
        PodTerminationDelay = TimeSpan.FromMilliseconds(300),
    });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(KubectlCache, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>A deployment shaped like the production backend: app and sidecar containers, an init container, env and resources.</summary>
    public Task<System.Text.Json.Nodes.JsonObject> CreateBackendAsync(string name, int replicas = 2, bool paused = false) =>
        Server.CreateAsync("deployments", System.Text.Json.Nodes.JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"NAME","namespace":"NAMESPACE"},
             "spec":{"replicas":REPLICAS,"paused":PAUSED,
               "selector":{"matchLabels":{"app":"NAME"}},
               "template":{"metadata":{"labels":{"app":"NAME"}},
                 "spec":{
                   "initContainers":[{"name":"migrate","image":"registry/backend:2.14.1"}],
                   "containers":[
                     {"name":"backend","image":"registry/backend:2.14.1",
                      "env":[{"name":"LOG_LEVEL","value":"info"},{"name":"DATABASE_URL","value":"postgres://app:hunter2@db:5432/app"},
                             {"name":"CIRCUIT_BREAKER_ENABLED","value":"false"},{"name":"FEATURE_X","value":"on"}],
                      "resources":{"limits":{"cpu":"1","memory":"2Gi"},"requests":{"cpu":"250m","memory":"512Mi"}}},
                     {"name":"log-shipper","image":"registry/fluent-bit:3.0",
                      "resources":{"limits":{"memory":"128Mi"}}}]}}}}
            """
            .Replace("NAMESPACE", Ns, StringComparison.Ordinal).Replace("NAME", name, StringComparison.Ordinal)
            .Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("PAUSED", paused ? "true" : "false", StringComparison.Ordinal))!.AsObject());

    public async Task<System.Text.Json.Nodes.JsonObject> GetDeploymentAsync(string name) =>
        await Server.GetAsync("deployments", Ns, name) ?? throw new InvalidOperationException($"deployment {name} is gone");

    public async Task<string> ResourceVersionAsync(string name) =>
        (string)(await GetDeploymentAsync(name))["metadata"]!["resourceVersion"]!;

    /// <summary>
    /// Creates the deployment and waits until it has rolled out and its controllers have gone quiet (the resourceVersion
    /// stays put for 500 ms),
    /// so that a test can assert that an operation left the resourceVersion unchanged.
    /// </summary>
    public async Task<string> CreateSettledBackendAsync(string name, int replicas = 2, bool paused = false)
    {
        await CreateBackendAsync(name, replicas, paused);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var last = await ResourceVersionAsync(name);
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            var deployment = await GetDeploymentAsync(name);
            var now = (string)deployment["metadata"]!["resourceVersion"]!;
            var status = deployment["status"];
            var complete = paused || (status is not null
                && ((long?)status["observedGeneration"] ?? 0) >= ((long?)deployment["metadata"]!["generation"] ?? 1)
                && ((int?)status["updatedReplicas"] ?? 0) == replicas && ((int?)status["replicas"] ?? 0) == replicas
                && ((int?)status["availableReplicas"] ?? 0) == replicas);
            if (now != last || !complete)
            {
                last = now;
                stableSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromMilliseconds(500))
            {
                return last;
            }
        }

        throw new TimeoutException($"deployment {name} did not settle");
    }

    /// <summary>Counts the HTTP requests whose path starts with <paramref name="pathPrefix"/> from now on.</summary>
    public Seekapa.Ops.Sandbox.FaultRule CountRequests(string pathPrefix, string? method = null) =>
        Server.Faults.Delay(TimeSpan.Zero, int.MaxValue, pathPrefix, method);

    public static string DeploymentPath(string name) => $"/apis/apps/v1/namespaces/{Ns}/deployments/{name}";
}

/// <summary>The 'bad-deploy' scenario (backend-deployment revisions 1..3, revision 3 crash-looping) with fast simulated pods.</summary>
public sealed class BadDeploySandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public string Kubeconfig => Server.KubeconfigPath;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions
    {
        Scenario = "bad-deploy",
        PodScheduleDelay = TimeSpan.FromMilliseconds(30),
        PodStartDelay = TimeSpan.FromMilliseconds(150),
        PodTerminationDelay = TimeSpan.FromMilliseconds(30),
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Like <see cref="RolloutSandbox"/> but keeping only 40 watch events, so a resumed watch soon meets 410 Gone.</summary>
public sealed class CompactingSandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions
    {
        Scenario = "empty",
        WatchHistorySize = 40,
        PodScheduleDelay = TimeSpan.FromMilliseconds(30),
        PodStartDelay = TimeSpan.FromMilliseconds(150),
        PodTerminationDelay = TimeSpan.FromMilliseconds(30),
        CrashingImages = [RolloutSandbox.CrashingImage],
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
