using System.Management.Automation;
using System.Text.Json.Nodes;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>Shared plumbing of the workload-changing cmdlet tests: run a script against the sandbox, read objects back.</summary>
public abstract class WorkloadCmdletTestBase : IClassFixture<WorkloadSandbox>, IDisposable
{
    protected const string Ns = WorkloadSandbox.Ns;

    protected WorkloadCmdletTestBase(WorkloadSandbox sandbox) => Sandbox = sandbox;

    protected WorkloadSandbox Sandbox { get; }

    protected CmdletHost Host { get; } = new();

    protected CmdletHost.Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        var all = new Dictionary<string, object?>(variables ?? new Dictionary<string, object?>()) { ["kc"] = Sandbox.Kubeconfig };
        return Host.Invoke(script, all);
    }

    protected static WorkloadChange SingleChange(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<WorkloadChange>(Assert.Single(result.Output).BaseObject);
    }

    protected static ErrorRecord SingleError(CmdletHost.Result result, string errorId)
    {
        var error = Assert.Single(result.Errors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal) ||
                    error.FullyQualifiedErrorId == errorId, $"expected {errorId}, got {error.FullyQualifiedErrorId}: {error}");
        return error;
    }

    /// <summary>The pod template's containers (or initContainers) of a stored deployment.</summary>
    protected async Task<JsonArray> ContainersAsync(string name, string list = "containers") =>
        (await Sandbox.GetDeploymentAsync(name))["spec"]!["template"]!["spec"]![list]!.AsArray();

    protected async Task<string> KubectlAsync(params string[] args)
    {
        var result = await global::Seekapa.Ops.Tests.Sandbox.Kubectl.RunAsync(Sandbox.Server, Sandbox.KubectlCache, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    public void Dispose() => Host.Dispose();
}
