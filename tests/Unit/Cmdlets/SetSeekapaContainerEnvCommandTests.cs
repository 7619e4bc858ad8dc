using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class SetSeekapaContainerEnvCommandTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox)
{
    [Fact]
    public async Task SetReplaceAndRemoveStoreWhatKubectlSetEnvStores()
    {
        var ours = WorkloadSandbox.UniqueName("env");
        var twin = WorkloadSandbox.UniqueName("env");
        await Sandbox.CreateBackendAsync(ours);
        await Sandbox.CreateBackendAsync(twin);

        var change = SingleChange(Run(
            $"Set-SeekapaContainerEnv {ours} -Namespace {Ns} -Container backend -Env ([ordered]@{{ CIRCUIT_BREAKER_ENABLED = $true; NEW_LIMIT = 5; LOG_LEVEL = 'debug' }}) -Remove FEATURE_X -Kubeconfig $kc"));
        await KubectlAsync("set", "env", $"deployment/{twin}", "-n", Ns, "-c", "backend",
            "CIRCUIT_BREAKER_ENABLED=true", "NEW_LIMIT=5", "LOG_LEVEL=debug", "FEATURE_X-");

        Assert.Equal(ChangeOutcome.Changed, change.Outcome);
        var mine = (await ContainersAsync(ours))[0]!["env"]!;
        var theirs = (await ContainersAsync(twin))[0]!["env"]!;
        Assert.Equal(theirs.ToJsonString(), mine.ToJsonString());
        Assert.Equal(
            """[{"name":"LOG_LEVEL","value":"debug"},{"name":"DATABASE_URL","value":"postgres://app:hunter2@db:5432/app"},{"name":"CIRCUIT_BREAKER_ENABLED","value":"true"},{"name":"NEW_LIMIT","value":"5"}]""",
            mine.ToJsonString());
        Assert.Contains("backend CIRCUIT_BREAKER_ENABLED false -> true", change.Changes);
        Assert.Contains("backend FEATURE_X on -> <removed>", change.Changes);
    }

    [Fact]
    public async Task DefaultSelectionMatchesKubectlOnEveryContainer()
    {
        var ours = WorkloadSandbox.UniqueName("env");
        var twin = WorkloadSandbox.UniqueName("env");
        await Sandbox.CreateBackendAsync(ours);
        await Sandbox.CreateBackendAsync(twin);

        SingleChange(Run($"Set-SeekapaContainerEnv {ours} -Namespace {Ns} -Env @{{ TZ = 'UTC' }} -Kubeconfig $kc"));
        await KubectlAsync("set", "env", $"deployment/{twin}", "-n", Ns, "TZ=UTC");

        Assert.Equal((await ContainersAsync(twin)).ToJsonString(), (await ContainersAsync(ours)).ToJsonString());
        Assert.Equal((await ContainersAsync(twin, "initContainers")).ToJsonString(), (await ContainersAsync(ours, "initContainers")).ToJsonString());
    }

    [Fact]
    public async Task FromSecretStoresASecretKeyRefAndNoValueIsEverShown()
    {
        var name = WorkloadSandbox.UniqueName("env");
        await Sandbox.CreateBackendAsync(name);

        var result = Run(
            $"Set-SeekapaContainerEnv {name} -Namespace {Ns} -Container backend -FromSecret @{{ DATABASE_URL = 'backend-db/database-url' }} -Env @{{ DB_PASSWORD = 'pa55word' }} -Kubeconfig $kc -Verbose 4>&1");

        Assert.Empty(result.Errors);
        var text = string.Join("\n", result.Output.Select(o => o.BaseObject is WorkloadChange c
            ? string.Join("\n", c.Changes.Append(c.Before ?? "").Append(c.After ?? ""))
            : o.ToString()));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", text, StringComparison.Ordinal);
        Assert.Contains("<secret backend-db/database-url>", text, StringComparison.Ordinal);
        // The change is recorded for the incident timeline (mirrored to Verbose), masked the same way.
        Assert.Contains(result.Output, o => o.BaseObject is VerboseRecord v &&
            v.Message.StartsWith($"SetEnv {Ns}/deployment/{name}: Changed", StringComparison.Ordinal) && v.Message.Contains("DB_PASSWORD=<set>", StringComparison.Ordinal));
        var env = (await ContainersAsync(name))[0]!["env"]!.AsArray();
        var url = env.Single(e => (string)e!["name"]! == "DATABASE_URL")!.AsObject();
        Assert.Equal("""{"name":"DATABASE_URL","valueFrom":{"secretKeyRef":{"key":"database-url","name":"backend-db"}}}""", url.ToJsonString());
    }

    [Theory]
    [InlineData("-Env @{ '1BAD' = 'x' }", "InvalidEnvName")]
    [InlineData("-Env @{ A = 'x' } -Remove A", "InvalidEnv")]
    [InlineData("-Env @{ A = @(1, 2) }", "InvalidEnv")]
    [InlineData("-FromSecret @{ A = 'no-key' }", "InvalidEnv")]
    [InlineData("-Remove 'bad name'", "InvalidEnvName")]
    public async Task InvalidInputChangesNothingAndCostsNoRequest(string parameters, string errorId)
    {
        var name = WorkloadSandbox.UniqueName("env");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var result = Run($"Set-SeekapaContainerEnv {name} -Namespace {Ns} {parameters} -Kubeconfig $kc");

        var error = SingleError(result, errorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task WhatIfSendsNothingAndNamesNoValue()
    {
        var name = WorkloadSandbox.UniqueName("env");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var requests = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name));

        var result = Run($"Set-SeekapaContainerEnv {name} -Namespace {Ns} -Env @{{ API_TOKEN = 'tok-123456' }} -Kubeconfig $kc -WhatIf -Verbose 4>&1");

        // No result and no recorded change (RecordChange mirrors to Verbose); nothing mentions the value.
        Assert.DoesNotContain(result.Output, o => o.BaseObject is WorkloadChange);
        Assert.DoesNotContain(result.Output, o => o.BaseObject is VerboseRecord v && v.Message.StartsWith("SetEnv ", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Output, o => o.ToString().Contains("tok-123456", StringComparison.Ordinal));
        Assert.Empty(result.Errors);
        Assert.Equal(0, requests.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }

    [Fact]
    public async Task SameValueIsUnchangedAndSendsNoPatch()
    {
        var name = WorkloadSandbox.UniqueName("env");
        await Sandbox.CreateBackendAsync(name);
        var patches = Sandbox.CountRequests(WorkloadSandbox.DeploymentPath(name), "PATCH");

        var change = SingleChange(Run($"Set-SeekapaContainerEnv {name} -Namespace {Ns} -Container backend -Env @{{ LOG_LEVEL = 'info' }} -Remove NOT_THERE -Kubeconfig $kc"));

        Assert.Equal(ChangeOutcome.Unchanged, change.Outcome);
        Assert.Equal(0, patches.Hits);
    }

    [Fact]
    public async Task A500OnThePatchLeavesTheDeploymentUnchanged()
    {
        var name = WorkloadSandbox.UniqueName("env");
        var rv = await Sandbox.CreateSettledBackendAsync(name);
        var fault = Sandbox.Server.Faults.Respond(500, count: 5, pathPrefix: WorkloadSandbox.DeploymentPath(name), method: "PATCH");

        var result = Run($"Set-SeekapaContainerEnv {name} -Namespace {Ns} -Env @{{ CIRCUIT_BREAKER_ENABLED = 'true' }} -Kubeconfig $kc");

        SingleError(result, "ClusterError");
        Assert.Equal(1, fault.Hits);
        Assert.Equal(rv, await Sandbox.ResourceVersionAsync(name));
    }
}
