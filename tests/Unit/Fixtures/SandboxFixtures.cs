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
