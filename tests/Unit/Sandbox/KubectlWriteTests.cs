using System.Text.Json.Nodes;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The real kubectl's write commands against the sandbox; each result is read back from the store.</summary>
public sealed class KubectlWriteTests(WriteSandboxFixture sandbox) : IClassFixture<WriteSandboxFixture>
{
    private async Task<string> NewDeployment(string prefix, int replicas = 2)
    {
        var name = sandbox.Name(prefix);
        await sandbox.Server.CreateAsync("deployments", WriteSandboxFixture.Deployment(name, replicas));
        return name;
    }

    private async Task<JsonObject> Stored(string resource, string name) =>
        await sandbox.Server.GetAsync(resource, "default", name) ?? throw new Xunit.Sdk.XunitException($"{name} is gone");

    private async Task<KubectlResult> Ok(params string[] args)
    {
        var r = await sandbox.Kubectl([.. args, "-n", "default"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    private static JsonNode App(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    [Fact]
    public async Task ScaleUsesTheScaleSubresourceAndHonoursCurrentReplicas()
    {
        var name = await NewDeployment("k-scale", 3);
        var r = await Ok("scale", "deployment", name, "--replicas=5");
        Assert.Equal($"deployment.apps/{name} scaled", r.Stdout.Trim());
        Assert.Equal(5, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);

        var failed = await sandbox.Kubectl("scale", "deployment", name, "--current-replicas=3", "--replicas=7", "-n", "default");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("Expected replicas to be 3, was 5", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal(5, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);

        await Ok("scale", "deployment", name, "--current-replicas=5", "--replicas=1");
        Assert.Equal(1, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task SetEnvAddsReplacesAndRemoves()
    {
        var name = await NewDeployment("k-env");
        await Ok("set", "env", $"deployment/{name}", "FOO=bar", "B=two");
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"B","value":"two"},{"name":"FOO","value":"bar"}]""",
            App(await Stored("deployments", name))["env"]!.ToJsonString());

        // Without -c every container gets the variables.
        var sidecar = (await Stored("deployments", name))["spec"]!["template"]!["spec"]!["containers"]![1]!;
        Assert.Equal("""[{"name":"FOO","value":"bar"},{"name":"B","value":"two"}]""", sidecar["env"]!.ToJsonString());

        await Ok("set", "env", $"deployment/{name}", "FOO-", "B-", "-c", "sidecar");
        await Ok("set", "env", $"deployment/{name}", "FOO-");
        var stored = await Stored("deployments", name);
        Assert.Equal("""[{"name":"A","value":"1"},{"name":"B","value":"two"}]""", App(stored)["env"]!.ToJsonString());
        // The emptied list is not stored at all, as with Go's omitempty on the real server.
        Assert.Null(stored["spec"]!["template"]!["spec"]!["containers"]![1]!["env"]);
    }

    [Fact]
    public async Task SetResourcesMergesLimits()
    {
        var name = await NewDeployment("k-res");
        await Ok("set", "resources", "deployment", name, "-c=app", "--limits=memory=4Gi,cpu=500m", "--requests=cpu=0.25");
        var resources = App(await Stored("deployments", name))["resources"]!;
        Assert.Equal("""{"cpu":"500m","memory":"4Gi"}""", resources["limits"]!.ToJsonString());
        Assert.Equal("""{"cpu":"250m"}""", resources["requests"]!.ToJsonString());
    }

    [Fact]
    public async Task SetImageChangesOneContainer()
    {
        var name = await NewDeployment("k-image");
        var before = await Stored("deployments", name);
        await Ok("set", "image", $"deployment/{name}", "app=registry.example/app:2");
        var after = await Stored("deployments", name);
        Assert.Equal("registry.example/app:2", (string?)App(after)["image"]);
        Assert.Equal("registry.example/sidecar:1", (string?)after["spec"]!["template"]!["spec"]!["containers"]![1]!["image"]);
        Assert.Equal((long)before["metadata"]!["generation"]! + 1, (long)after["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task PatchWithEachType()
    {
        var name = await NewDeployment("k-patch");
        await Ok("patch", "deployment", name, "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"registry.example/sidecar:2"}]}}}}""");
        var afterStrategic = await Stored("deployments", name);
        Assert.Equal("registry.example/sidecar:2", (string?)afterStrategic["spec"]!["template"]!["spec"]!["containers"]![1]!["image"]);
        Assert.Equal("registry.example/app:1", (string?)App(afterStrategic)["image"]);

        await Ok("patch", "deployment", name, "--type=merge", "-p", """{"spec":{"replicas":4}}""");
        Assert.Equal(4, (int)(await Stored("deployments", name))["spec"]!["replicas"]!);

        await Ok("patch", "deployment", name, "--type=json", "-p", """[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"registry.example/app:3"}]""");
        Assert.Equal("registry.example/app:3", (string?)App(await Stored("deployments", name))["image"]);

        var noChange = await Ok("patch", "deployment", name, "--type=merge", "-p", """{"spec":{"replicas":4}}""");
        Assert.Contains("(no change)", noChange.Stdout, StringComparison.Ordinal);

        var failed = await sandbox.Kubectl("patch", "deployment", name, "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":1}]""", "-n", "default");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("the server rejected our request due to an error in our request", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnnotateAndLabel()
    {
        var name = await NewDeployment("k-meta");
        await Ok("annotate", "deployment", name, "team/owner=ops", "note=first");
        await Ok("annotate", "deployment", name, "note=second", "--overwrite");
        await Ok("label", "deployment", name, "tier=web", "app-");
        var stored = await Stored("deployments", name);
        Assert.Equal("ops", (string?)stored["metadata"]!["annotations"]!["team/owner"]);
        Assert.Equal("second", (string?)stored["metadata"]!["annotations"]!["note"]);
        Assert.Equal("""{"tier":"web"}""", stored["metadata"]!["labels"]!.ToJsonString());

        await Ok("annotate", "deployment", name, "note-");
        Assert.Null((await Stored("deployments", name))["metadata"]!["annotations"]!["note"]);
    }

    [Fact]
    public async Task RolloutRestartStampsTheTemplate()
    {
        var name = await NewDeployment("k-restart");
        await Ok("rollout", "restart", $"deployment/{name}");
        var restartedAt = (string?)(await Stored("deployments", name))["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"];
        Assert.False(string.IsNullOrEmpty(restartedAt));
    }

    [Fact]
    public async Task DeletePodWaitsForTheGracefulRemoval()
    {
        var name = sandbox.Name("k-del");
        await sandbox.Server.CreateAsync("pods", WriteSandboxFixture.Pod(name));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = await Ok("delete", "pod", name);
        Assert.Equal($"pod \"{name}\" deleted", r.Stdout.Trim());
        Assert.Null(await sandbox.Server.GetAsync("pods", "default", name));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ForceDeleteRemovesAtOnce()
    {
        var name = sandbox.Name("k-force");
        await sandbox.Server.CreateAsync("pods", WriteSandboxFixture.Pod(name));
        var r = await Ok("delete", "pod", name, "--grace-period=0", "--force");
        Assert.Contains($"pod \"{name}\" force deleted", r.Stdout, StringComparison.Ordinal);
        Assert.Null(await sandbox.Server.GetAsync("pods", "default", name));
    }
}
