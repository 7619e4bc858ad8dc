using System.Text.Json.Nodes;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The real kubectl against the in-process sandbox ('unhealthy' scenario): the acceptance list of the sandbox.</summary>
public sealed class KubectlAcceptanceTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Line(string output, string name) =>
        Lines(output).SingleOrDefault(l => l.Contains(name, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no row for {name} in:\n{output}");

    /// <summary>The row for a pod, split on whitespace.</summary>
    private static string[] Row(string output, string name) =>
        Lines(output).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).SingleOrDefault(c => c.Any(cell => cell.StartsWith(name, StringComparison.Ordinal)))
        ?? throw new Xunit.Sdk.XunitException($"no row for {name} in:\n{output}");

    [Fact]
    public async Task GetPodsAllNamespacesPrintsKubectlsStatusColumns()
    {
        var r = await sandbox.Kubectl("get", "pods", "-A");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"], Lines(r.Stdout)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        // The last OOM kill was 3 minutes before the sandbox started; a few seconds may have passed since.
        Assert.Matches(@"^seekapa-production\s+backend-deployment-7c9b5d8f6b-x4k2p\s+0/1\s+CrashLoopBackOff\s+7 \(3m(\d+s)? ago\)\s+3d4h$",
            Line(r.Stdout, "backend-deployment-7c9b5d8f6b-x4k2p"));
        Assert.Equal(["1/1", "Running", "1", "(10m", "ago)"], Row(r.Stdout, "backend-deployment-7c9b5d8f6b-q8m7n")[2..7]);
        Assert.Equal("ImagePullBackOff", Row(r.Stdout, "notification-worker-")[3]);
        Assert.Equal("Pending", Row(r.Stdout, "report-generator-")[3]);
        Assert.Equal("ContainerCreating", Row(r.Stdout, "search-indexer-")[3]);
        Assert.Equal("Init:CrashLoopBackOff", Row(r.Stdout, "payments-api-")[3]);
        Assert.Equal(["0/1", "Running"], Row(r.Stdout, "checkout-service-")[2..4]);
        Assert.Equal(["0/1", "Completed"], Row(r.Stdout, "db-backup-28915200-xk2lp")[2..4]);
        Assert.Equal("Evicted", Row(r.Stdout, "frontend-deployment-6d8f7b9c5b-wq7zr")[3]);
        Assert.Equal("Terminating", Row(r.Stdout, "backend-deployment-5f8c9d7b4d-m2x8k")[3]);
        Assert.Equal(["kube-system", "coredns-6f9d8b7c4f-b8m4x", "1/1", "Running", "0", "35d"], Row(r.Stdout, "coredns-6f9d8b7c4f-b8m4x"));
        Assert.Contains(Lines(r.Stdout), l => l.StartsWith("monitoring ", StringComparison.Ordinal) && l.Contains("prometheus-server-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPodsWithLabelSelectorInANamespace()
    {
        var r = await sandbox.Kubectl("get", "pods", "-n", "seekapa-production", "-l", "app=backend");
        Assert.True(r.ExitCode == 0, r.ToString());
        var names = Lines(r.Stdout).Skip(1).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(
            ["backend-deployment-5f8c9d7b4d-m2x8k", "backend-deployment-7c9b5d8f6b-q8m7n", "backend-deployment-7c9b5d8f6b-x4k2p", "backend-deployment-7c9b5d8f6b-z2v9t"],
            names);
    }

    [Fact]
    public async Task GetPodsWideAddsIpNodeNominatedNodeAndReadinessGates()
    {
        var r = await sandbox.Kubectl("get", "pods", "-o", "wide");
        Assert.True(r.ExitCode == 0, r.ToString());
        var header = Lines(r.Stdout)[0];
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$", header);
        var postgres = Row(r.Stdout, "postgres-0");
        Assert.Equal(["postgres-0", "1/1", "Running", "0", "21d", "10.244.0.9", "aks-nodepool1-31718369-vmss000000", "<none>", "<none>"], postgres);
        Assert.Equal(["<none>", "<none>", "<none>", "<none>"], Row(r.Stdout, "report-generator-")[5..]);
    }

    [Fact]
    public async Task GetPodAsYamlAndJson()
    {
        var yaml = await sandbox.Kubectl("get", "pod", "postgres-0", "-o", "yaml");
        Assert.True(yaml.ExitCode == 0, yaml.ToString());
        Assert.Contains("kind: Pod", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("name: postgres-0", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("kind: StatefulSet", yaml.Stdout, StringComparison.Ordinal);

        var json = await sandbox.Kubectl("get", "pod", "postgres-0", "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var pod = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("postgres-0", (string?)pod["metadata"]!["name"]);
        Assert.Equal("Running", (string?)pod["status"]!["phase"]);
        Assert.False(string.IsNullOrEmpty((string?)pod["metadata"]!["uid"]));
    }

    [Fact]
    public async Task CreateFromFileThenDeleteThenNotFound()
    {
        var file = Path.Combine(sandbox.CacheDir, "kubectl-create-probe.json");
        await File.WriteAllTextAsync(file, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"kubectl-create-probe","labels":{"app":"probe"}},
             "spec":{"containers":[{"name":"shell","image":"busybox:1.36","command":["sleep","3600"]}]}}
            """);
        var created = await sandbox.Kubectl("create", "-f", file);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("pod/kubectl-create-probe created", created.Stdout.Trim());

        var get = await sandbox.Kubectl("get", "pod", "kubectl-create-probe");
        Assert.True(get.ExitCode == 0, get.ToString());
        // The simulated kubelet starts the pod over simulated time: any step of Pending -> ContainerCreating -> Running.
        var row = Row(get.Stdout, "kubectl-create-probe");
        Assert.Contains($"{row[1]} {row[2]} {row[3]}", (string[])["0/1 Pending 0", "0/1 ContainerCreating 0", "1/1 Running 0"]);

        var again = await sandbox.Kubectl("create", "-f", file);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("Error from server (AlreadyExists): error when creating", again.Stderr, StringComparison.Ordinal);

        var deleted = await sandbox.Kubectl("delete", "pod", "kubectl-create-probe");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("pod \"kubectl-create-probe\" deleted", deleted.Stdout.Trim());

        var gone = await sandbox.Kubectl("get", "pod", "kubectl-create-probe");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Equal("Error from server (NotFound): pods \"kubectl-create-probe\" not found", gone.Stderr.Trim());
    }

    [Fact]
    public async Task WatchShowsExistingPodsThenANewOne()
    {
        using var process = Kubectl.Start(sandbox.Server, sandbox.CacheDir,
            ["get", "pods", "-w", "-n", "seekapa-production", "-l", "app in (redis,watch-probe)"]);
        try
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            async Task<string> WaitForLine(string text)
            {
                while (true)
                {
                    var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                               ?? throw new Xunit.Sdk.XunitException($"kubectl -w ended early: {string.Join('\n', lines)}\n{await process.StandardError.ReadToEndAsync()}");
                    lines.Add(line);
                    if (line.Contains(text, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }

            Assert.StartsWith("NAME ", await WaitForLine("NAME"), StringComparison.Ordinal);
            Assert.Matches(@"^redis-5b6c7d8f9c-t7q2v\s+1/1\s+Running\s+0\s+40d$", await WaitForLine("redis-"));

            await sandbox.Server.CreateAsync("pods", Probe("watch-probe", "watch-probe"));
            Assert.Matches(@"^watch-probe\s+0/1\s+Pending\s+0\s+\d+s$", await WaitForLine("watch-probe"));
            // No second header: column definitions come with the first event only and match the list's.
            Assert.Single(lines, l => l.StartsWith("NAME", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await sandbox.Server.DeleteAsync("pods", "seekapa-production", "watch-probe");
        }
    }

    [Fact]
    public async Task ViewerIsForbiddenClusterWideButMayListItsNamespace()
    {
        var r = await sandbox.Kubectl("--context", "seekapa-sandbox-viewer", "get", "pods", "-A");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
            r.Stderr.Trim());

        var own = await sandbox.Kubectl("--context", "seekapa-sandbox-viewer", "get", "pods");
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Contains("postgres-0", own.Stdout, StringComparison.Ordinal);

        var deploy = await sandbox.Kubectl("--context", "seekapa-sandbox-viewer", "get", "deploy");
        Assert.Equal("Error from server (Forbidden): deployments.apps is forbidden: User \"viewer\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"seekapa-production\"",
            deploy.Stderr.Trim());
    }

    [Fact]
    public async Task AWrongTokenIsUnauthorized()
    {
        var kubeconfig = Path.Combine(sandbox.CacheDir, "wrong-token.kubeconfig");
        var text = await File.ReadAllTextAsync(sandbox.Server.KubeconfigPath);
        await File.WriteAllTextAsync(kubeconfig, text.Replace(sandbox.Server.AdminToken, "not-the-token", StringComparison.Ordinal));
        var r = await Kubectl.RunAsync(sandbox.Server, sandbox.CacheDir, ["--kubeconfig", kubeconfig, "get", "pods"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: You must be logged in to the server (Unauthorized)", r.Stderr.Trim());
    }

    [Fact]
    public async Task GetNamespacesReplicaSetsAndDeployments()
    {
        var ns = await sandbox.Kubectl("get", "ns");
        Assert.True(ns.ExitCode == 0, ns.ToString());
        Assert.Equal(["NAME", "STATUS", "AGE"], Lines(ns.Stdout)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["seekapa-production", "Active", "200d"], Row(ns.Stdout, "seekapa-production"));
        Assert.Equal(["kube-system", "Active", "400d"], Row(ns.Stdout, "kube-system"));

        var workloads = await sandbox.Kubectl("get", "rs,deploy", "-A");
        Assert.True(workloads.ExitCode == 0, workloads.ToString());
        Assert.Equal(["seekapa-production", "replicaset.apps/backend-deployment-7c9b5d8f6b", "3", "3", "2", "3d4h"],
            Row(workloads.Stdout, "replicaset.apps/backend-deployment-7c9b5d8f6b"));
        Assert.Equal(["seekapa-production", "deployment.apps/backend-deployment", "2/3", "3", "2", "90d"],
            Row(workloads.Stdout, "deployment.apps/backend-deployment"));
        Assert.Contains(Lines(workloads.Stdout), l => l.StartsWith("NAMESPACE", StringComparison.Ordinal) && l.Contains("UP-TO-DATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiResourcesListsTheServedResources()
    {
        var r = await sandbox.Kubectl("api-resources");
        Assert.True(r.ExitCode == 0, r.ToString());
        // metrics.k8s.io serves "pods" and "nodes" too (PodMetrics, NodeMetrics): pick the core rows by API version.
        Assert.Equal(["pods", "po", "v1", "true", "Pod"], Lines(r.Stdout).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c[0] == "pods" && c.Contains("v1")));
        Assert.Equal(["pods", "metrics.k8s.io/v1beta1", "true", "PodMetrics"], Lines(r.Stdout).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c[0] == "pods" && c.Contains("metrics.k8s.io/v1beta1")));
        Assert.Equal(["namespaces", "ns", "v1", "false", "Namespace"], Row(r.Stdout, "namespaces"));
        Assert.Equal(["deployments", "deploy", "apps/v1", "true", "Deployment"], Row(r.Stdout, "deployments"));
        Assert.Equal(["replicasets", "rs", "apps/v1", "true", "ReplicaSet"], Row(r.Stdout, "replicasets"));
        Assert.Equal(["events", "ev", "v1", "true", "Event"], Row(r.Stdout, "events"));
    }

    internal static JsonObject Probe(string name, string app, string ns = "seekapa-production") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["app"] = app } },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "busybox:1.36" }),
        },
    };
}
