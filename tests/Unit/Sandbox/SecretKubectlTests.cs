using System.Text;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Scenarios;
using Seekapa.Ops.Sandbox.Store;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>Secrets through the real kubectl, and the seeded backend-db Secret the backend reads DATABASE_URL from.</summary>
public sealed class SecretKubectlTests(BadDeploySandboxFixture sandbox) : IClassFixture<BadDeploySandboxFixture>
{
    private const string Ns = "seekapa-production";
    private const string SeededUrl = "postgresql://seekapa_app:Xk9%23mQ2%24vL7%40pR4@seekapa-postgres.postgres.database.azure.com:5432/seekapa?sslmode=require";

    private async Task<string> Ok(params string[] args)
    {
        var r = await sandbox.Kubectl([.. args, "-n", Ns]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }

    private static string Decode(JsonNode? node) => Encoding.UTF8.GetString(Convert.FromBase64String((string)node!));

    [Fact]
    public async Task GetSecretShowsTheSeededDatabaseUrl()
    {
        var secret = JsonNode.Parse(await Ok("get", "secret", "backend-db", "-o", "json"))!;

        Assert.Equal("Opaque", (string?)secret["type"]);
        Assert.Equal(SeededUrl, Decode(secret["data"]!["DATABASE_URL"]));
        Assert.StartsWith("postgresql://seekapa_reader:", Decode(secret["data"]!["DATABASE_READONLY_URL"]), StringComparison.Ordinal);
        Assert.Null(secret["stringData"]);

        var table = (await Ok("get", "secrets")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "TYPE", "DATA", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(table, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["backend-db", "Opaque", "2", "90d"]);
    }

    [Fact]
    public async Task EveryBackendTemplateReadsDatabaseUrlFromTheSeededSecret()
    {
        var deployment = JsonNode.Parse(await Ok("get", "deployment", "backend-deployment", "-o", "json"))!;
        var replicaSets = JsonNode.Parse(await Ok("get", "replicasets", "-l", "app=backend", "-o", "json"))!["items"]!.AsArray();
        var secret = JsonNode.Parse(await Ok("get", "secret", "backend-db", "-o", "json"))!;

        Assert.NotEmpty(replicaSets);
        foreach (var template in replicaSets.Select(rs => rs!["spec"]!["template"]!).Prepend(deployment["spec"]!["template"]!))
        {
            var env = template["spec"]!["containers"]![0]!["env"]!.AsArray().Single(e => (string?)e!["name"] == "DATABASE_URL")!;
            Assert.Equal("backend-db", (string?)env["valueFrom"]!["secretKeyRef"]!["name"]);
            Assert.Equal("DATABASE_URL", (string?)env["valueFrom"]!["secretKeyRef"]!["key"]);
        }

        Assert.NotNull(secret["data"]!["DATABASE_URL"]);
    }

    [Theory]
    [InlineData("healthy")]
    [InlineData("unhealthy")]
    [InlineData("bad-deploy")]
    public void ScenariosSeedTheSecretBeforeTheWorkloadsThatReadIt(string scenario)
    {
        var service = new ResourceService(new ObjectStore(), BuiltInResources.Create(), TimeProvider.System);
        new ScenarioLoader(service, DateTimeOffset.UtcNow).Load(scenario);
        var secrets = service.Registry.Resolve("secrets")!;
        var stored = service.Store.Get(secrets, Ns, "backend-db")!;
        var deployment = service.Store.Get(service.Registry.Resolve("deployments")!, Ns, "backend-deployment")!;

        Assert.Equal(SeededUrl, Decode(stored.ToJsonObject()["data"]!["DATABASE_URL"]));
        Assert.True(stored.ResourceVersion < deployment.ResourceVersion);
        Assert.Contains("\"secretKeyRef\":{\"name\":\"backend-db\",\"key\":\"DATABASE_URL\"}", Encoding.UTF8.GetString(deployment.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyCreatesAndUpdatesAndPatchAndDeleteWork()
    {
        // kubectl create secret sends protobuf, which the sandbox does not speak; its --dry-run JSON through apply is the same object.
        var name = $"kubectl-{Guid.NewGuid():N}"[..16];
        var manifest = await Ok("create", "secret", "generic", name, "--from-literal=DATABASE_URL=postgresql://app:p@ss@db:5432/app",
            "--from-literal=MODE=alpha", "--dry-run=client", "-o", "json");
        var file = Path.Combine(sandbox.CacheDir, name + ".json");
        await File.WriteAllTextAsync(file, manifest);

        Assert.Equal($"secret/{name} created", (await Ok("apply", "-f", file)).Trim());
        var stored = (await sandbox.Server.GetAsync("secrets", Ns, name))!;
        Assert.Equal("postgresql://app:p@ss@db:5432/app", Decode(stored["data"]!["DATABASE_URL"]));

        await File.WriteAllTextAsync(file, manifest.Replace(Convert.ToBase64String("alpha"u8.ToArray()), Convert.ToBase64String("beta"u8.ToArray()), StringComparison.Ordinal));
        Assert.Equal($"secret/{name} configured", (await Ok("apply", "-f", file)).Trim());
        Assert.Equal("beta", Decode((await sandbox.Server.GetAsync("secrets", Ns, name))!["data"]!["MODE"]));

        await Ok("patch", "secret", name, "-p", """{"stringData":{"MODE":"c"}}""");
        Assert.Equal("c", Decode((await sandbox.Server.GetAsync("secrets", Ns, name))!["data"]!["MODE"]));
        var stale = await sandbox.Kubectl("patch", "secret", name, "-n", Ns, "--type=json",
            "-p", """[{"op":"test","path":"/data/MODE","value":"YmV0YQ=="},{"op":"replace","path":"/data/MODE","value":"ZA=="}]""");
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Equal("c", Decode((await sandbox.Server.GetAsync("secrets", Ns, name))!["data"]!["MODE"]));

        Assert.Equal($"secret \"{name}\" deleted", (await Ok("delete", "secret", name)).Trim());
        Assert.Null(await sandbox.Server.GetAsync("secrets", Ns, name));
    }
}
