namespace Seekapa.Ops.Sandbox;

/// <summary>How to start a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// A scenario name (a file under Scenarios/ next to the sandbox assembly, e.g. "healthy", "unhealthy", "empty") or
    /// a path to a scenario JSON file. Null: "healthy", or "empty" when <see cref="Pods"/> is set.
    /// </summary>
    public string? Scenario { get; set; }

    /// <summary>Synthetic pods to generate (over <see cref="Namespaces"/> namespaces named ns-0 .. ns-(M-1)), for benchmarks.</summary>
    public int Pods { get; set; }

    /// <summary>How many namespaces the generated pods are spread over.</summary>
    public int Namespaces { get; set; } = 1;

    /// <summary>Where to write the kubeconfig; null writes a temp file that is deleted on dispose.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>The kubeconfig context (and cluster) name of the admin user; the viewer's is "&lt;Context&gt;-viewer".</summary>
    public string Context { get; set; } = "seekapa-sandbox";

    /// <summary>The default namespace of the admin context.</summary>
    public string Namespace { get; set; } = "seekapa-production";

    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The clock for ages, timestamps and scenario times (tests may substitute their own).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the sandbox reports requests that failed unexpectedly (500s); null: nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>How many recent changes are kept so a watch can resume from an older resourceVersion.</summary>
    public int WatchHistorySize { get; set; } = 20_000;

    /// <summary>Whether the in-process controllers (deployments, replicasets, statefulsets, the simulated kubelet) run.</summary>
    public bool EnableControllers { get; set; } = true;

    /// <summary>How long a new pod stays Pending before the simulated scheduler assigns a node.</summary>
    public TimeSpan PodScheduleDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a scheduled pod stays ContainerCreating before it runs (and turns Ready).</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a terminating pod lingers before it is removed (capped by its grace period).</summary>
    public TimeSpan PodTerminationDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first crash back-off of a crash-looping container; it doubles per restart, up to 5 minutes.</summary>
    public TimeSpan CrashLoopBackOff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many lines of history each container's synthetic log has at the sandbox start (running containers
    /// then add a couple of lines a second). Logs are generated on request, never stored.</summary>
    public int LogLinesPerContainer { get; set; } = 200;

    /// <summary>Whether metrics.k8s.io (PodMetrics, NodeMetrics) is served; false: absent from discovery and 404, as on a
    /// cluster without metrics-server.</summary>
    public bool EnableMetrics { get; set; } = true;

    /// <summary>Images ("repo:tag") whose containers crash-loop instead of becoming ready (added to the scenario's crashingImages).</summary>
    public IList<string> CrashingImages { get; set; } = [];

    /// <summary>Real local endpoints behind pod ports, "NAMESPACE/POD:PORT=HOST:PORT" (POD may end in '*'), added to the
    /// scenario's "backends": what port-forward to that pod port reaches.</summary>
    public IList<string> Backends { get; set; } = [];
}
