using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>Shared plumbing of the rollout cmdlet tests: one runspace per test class instance, $kc and $ns preset.</summary>
public abstract class RolloutCmdletTestBase : IDisposable
{
    protected RolloutCmdletTestBase(RolloutSandbox sandbox) => Sandbox = sandbox;

    protected RolloutSandbox Sandbox { get; }

    protected CmdletHost Host { get; } = new();

    protected CmdletHost.Result Run(string script, IDictionary<string, object?>? extra = null)
    {
        var variables = new Dictionary<string, object?> { ["kc"] = Sandbox.Kubeconfig, ["ns"] = RolloutSandbox.Ns };
        foreach (var (k, v) in extra ?? new Dictionary<string, object?>())
        {
            variables[k] = v;
        }

        return Host.Invoke(script, variables);
    }

    protected static T Single<T>(CmdletHost.Result result) =>
        Assert.IsType<T>(Assert.Single(result.Output, o => o.BaseObject is T).BaseObject);

    protected static IReadOnlyList<string> Warnings(CmdletHost.Result result) =>
        result.Output.Select(o => o.BaseObject).OfType<WarningRecord>().Select(w => w.Message).ToList();

    protected static IReadOnlyList<string> Verbose(CmdletHost.Result result) =>
        result.Output.Select(o => o.BaseObject).OfType<VerboseRecord>().Select(w => w.Message).ToList();

    protected async Task<string> ResourceVersionAsync(string name) =>
        (string)(await Sandbox.Server.GetAsync("deployments", RolloutSandbox.Ns, name))!["metadata"]!["resourceVersion"]!;

    protected Task<string> SettledResourceVersionAsync(string name) => Sandbox.SettledResourceVersionAsync(name);

    protected async Task<string> ImageAsync(string name) =>
        (string)(await Sandbox.Server.GetAsync("deployments", RolloutSandbox.Ns, name))!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;

    public void Dispose()
    {
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}
