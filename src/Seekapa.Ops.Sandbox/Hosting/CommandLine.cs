using System.Globalization;

namespace Seekapa.Ops.Sandbox.Hosting;

/// <summary>Parses the executable's arguments into <see cref="SandboxOptions"/>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage: Seekapa.Ops.Sandbox --kubeconfig PATH [--scenario NAME|FILE] [--pods N [--namespaces M]]
                                   [--port N] [--context NAME] [--namespace NS]
                                   [--crashing-image IMAGE]... [--pod-start-delay MS] [--no-controllers]
                                   [--log-lines N] [--no-metrics] [--backend NS/POD:PORT=HOST:PORT]...

          --kubeconfig PATH   where to write the kubeconfig (required)
          --scenario NAME     a scenario under Scenarios/ (healthy, unhealthy, bad-deploy, empty) or a JSON file;
                              default healthy
          --pods N            generate N synthetic pods (over --namespaces M namespaces ns-0..ns-M-1, default 1)
          --port N            port on 127.0.0.1 (default: a free one)
          --context NAME      kubeconfig context name (default seekapa-sandbox; the viewer's is NAME-viewer)
          --namespace NS      default namespace of the context (default seekapa-production)
          --crashing-image I  pods running image I crash-loop (repeatable; adds to the scenario's crashingImages)
          --pod-start-delay MS  how long a new pod stays ContainerCreating (default 1000)
          --no-controllers    only the API server: nothing creates pods or updates statuses (for benchmarks that
                              change statuses themselves)
          --log-lines N       lines of history in each container's synthetic log (default 200)
          --no-metrics        do not serve metrics.k8s.io (kubectl top: "Metrics API not available")
          --backend B         back a pod port with a real local endpoint: NAMESPACE/POD:PORT=HOST:PORT (repeatable;
                              POD may end in '*' for every pod whose name starts so); port-forward to it reaches
                              HOST:PORT, and a pod port with no backend is refused as a closed port is

        Prints "sandbox ready <url> kubeconfig <path>" once serving; stops on SIGINT/SIGTERM. The CA's PEM is written
        next to the kubeconfig, with the extension .ca.crt (config -> config.ca.crt, x.kubeconfig -> x.ca.crt). The same port also serves a fake Azure Resource Manager (subscription
        00000000-0000-0000-0000-00000000cafe, resource group seekapa-rg: AKS clusters, metrics, PostgreSQL flexible
        servers) to clients that present the admin token as their Azure access token.
        """;

    /// <returns>The options, or null with <paramref name="error"/> set (empty error = help was asked for).</returns>
    public static SandboxOptions? Parse(string[] args, out string? error)
    {
        var options = new SandboxOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                error = "";
                return null;
            }
            var eq = arg.IndexOf('=');
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                (arg, inline) = (arg[..eq], arg[(eq + 1)..]);
            }
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value");
                }
                return args[++i];
            }
            int Number()
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new FormatException($"{arg}: \"{text}\" is not a non-negative number");
            }
            try
            {
                switch (arg)
                {
                    case "--kubeconfig": options.KubeconfigPath = Value(); break;
                    case "--scenario": options.Scenario = Value(); break;
                    case "--pods": options.Pods = Number(); break;
                    case "--namespaces": options.Namespaces = Math.Max(1, Number()); break;
                    case "--port": options.Port = Number(); break;
                    case "--context": options.Context = Value(); break;
                    case "--namespace": options.Namespace = Value(); break;
                    case "--crashing-image": options.CrashingImages.Add(Value()); break;
                    case "--pod-start-delay": options.PodStartDelay = TimeSpan.FromMilliseconds(Number()); break;
                    case "--no-controllers": options.EnableControllers = false; break;
                    case "--log-lines": options.LogLinesPerContainer = Number(); break;
                    case "--no-metrics": options.EnableMetrics = false; break;
                    case "--backend":
                        var backend = Value();
                        PortForwardBackends.Parse(backend);
                        options.Backends.Add(backend);
                        break;
                    default: throw new FormatException($"unknown argument {arg}");
                }
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }
        if (options.KubeconfigPath is null)
        {
            error = "--kubeconfig PATH is required";
            return null;
        }
        return options;
    }
}
