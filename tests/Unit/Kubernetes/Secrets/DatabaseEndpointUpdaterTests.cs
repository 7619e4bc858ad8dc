using System.Text;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Secrets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Secrets;

/// <summary>
/// The updater against the sandbox. A concurrent change is made between planning and applying, which is exactly the
/// window a real one hits (the -Confirm prompt, or the time between read and write), without any timing.
/// </summary>
public sealed class DatabaseEndpointUpdaterTests(RolloutSandbox sandbox) : IClassFixture<RolloutSandbox>, IDisposable
{
    private const string Ns = RolloutSandbox.Ns;
    private const string Password = "S3cr%40t%2F%3F%23";
    private static readonly EndpointTarget Restored = EndpointTarget.Create("db-restored.example.com");

    private readonly ClusterSession _session = sandbox.Open();

    public void Dispose() => _session.Dispose();

    private static string Url(string host, string password = Password) => $"postgresql://app:{password}@{host}:5432/seekapa?sslmode=require";

    private static string SecretPath(string name) => $"/api/v1/namespaces/{Ns}/secrets/{name}";

    private async Task<string> CreateAsync(IDictionary<string, byte[]> data, bool immutable = false)
    {
        var name = RolloutSandbox.UniqueName("db");
        var body = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["data"] = new JsonObject(data.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Convert.ToBase64String(kv.Value)))),
        };
        if (immutable)
        {
            body["immutable"] = true;
        }

        await sandbox.Server.CreateAsync("secrets", body);
        return name;
    }

    private Task<string> CreateAsync(string url, string other = "keep me") =>
        CreateAsync(new Dictionary<string, byte[]> { ["DATABASE_URL"] = Encoding.UTF8.GetBytes(url), ["OTHER"] = Encoding.UTF8.GetBytes(other) });

    private async Task<(byte[] Url, byte[] Other, string Version)> ReadAsync(string name)
    {
        var secret = (await sandbox.Server.GetAsync("secrets", Ns, name))!;
        return (Convert.FromBase64String((string)secret["data"]!["DATABASE_URL"]!),
            Convert.FromBase64String((string)secret["data"]!["OTHER"]!), (string)secret["metadata"]!["resourceVersion"]!);
    }

    private Task SetAsync(string name, string key, string value) =>
        sandbox.Server.PatchAsync("secrets", Ns, name, "merge", new JsonObject { ["stringData"] = new JsonObject { [key] = value } }.ToJsonString());

    private DatabaseEndpointUpdater Updater => new(_session);

    [Fact]
    public async Task OneGuardedPatchRewritesOnlyTheHostOfThatKey()
    {
        var name = await CreateAsync(Url("db.example.com", "pässwörd%40"));
        var before = await ReadAsync(name);
        var patches = sandbox.Server.Faults.Delay(TimeSpan.Zero, int.MaxValue, SecretPath(name), "PATCH");

        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        var landed = await Updater.ApplyAsync(plan, Restored, CancellationToken.None);

        var after = await ReadAsync(name);
        Assert.Equal(Encoding.UTF8.GetBytes(Url("db-restored.example.com", "pässwörd%40")), after.Url);
        Assert.Equal(before.Other, after.Other);
        Assert.Equal(1, patches.Hits);
        Assert.True(landed.Changed);
        Assert.Equal(after.Version, landed.ResourceVersion);
        Assert.Equal(before.Version, plan.ResourceVersion);
        Assert.Equal("host db.example.com -> db-restored.example.com", plan.Describe());
        Assert.DoesNotContain("pässwörd", plan.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueAlreadyPointingThereIsUnchangedAndNothingIsSent()
    {
        var name = await CreateAsync(Url("DB-RESTORED.example.com"));
        var before = await ReadAsync(name);
        var patches = sandbox.Server.Faults.Delay(TimeSpan.Zero, int.MaxValue, SecretPath(name), "PATCH");

        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        var landed = await Updater.ApplyAsync(plan, Restored, CancellationToken.None);

        Assert.False(landed.Changed);
        Assert.Equal(0, patches.Hits);
        Assert.Equal(before.Version, (await ReadAsync(name)).Version);
    }

    [Fact]
    public async Task APasswordRotatedMeanwhileIsKeptAndTheHostStillMoves()
    {
        var name = await CreateAsync(Url("db.example.com"));
        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        await SetAsync(name, "DATABASE_URL", Url("db.example.com", "rotated"));

        var landed = await Updater.ApplyAsync(plan, Restored, CancellationToken.None);

        Assert.True(landed.Changed);
        Assert.Equal(Encoding.UTF8.GetBytes(Url("db-restored.example.com", "rotated")), (await ReadAsync(name)).Url);
    }

    [Fact]
    public async Task AValueRepointedMeanwhileIsNotOverwritten()
    {
        var name = await CreateAsync(Url("db.example.com"));
        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        await SetAsync(name, "DATABASE_URL", Url("someone-else.example.com"));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Updater.ApplyAsync(plan, Restored, CancellationToken.None));

        Assert.Equal("SecretChanged", ex.ErrorId);
        Assert.Contains("it is now someone-else.example.com:5432/seekapa", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetBytes(Url("someone-else.example.com")), (await ReadAsync(name)).Url);
    }

    [Fact]
    public async Task AValuePointedAtTheTargetMeanwhileIsUnchanged()
    {
        var name = await CreateAsync(Url("db.example.com"));
        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        await SetAsync(name, "DATABASE_URL", Url("db-restored.example.com", "theirs"));

        var landed = await Updater.ApplyAsync(plan, Restored, CancellationToken.None);

        Assert.False(landed.Changed);
        Assert.Equal(Encoding.UTF8.GetBytes(Url("db-restored.example.com", "theirs")), (await ReadAsync(name)).Url);
    }

    [Fact]
    public async Task AChangeToAnotherKeyMeanwhileNeitherConflictsNorIsLost()
    {
        var name = await CreateAsync(Url("db.example.com"));
        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        await SetAsync(name, "OTHER", "changed meanwhile");
        var patches = sandbox.Server.Faults.Delay(TimeSpan.Zero, int.MaxValue, SecretPath(name), "PATCH");

        await Updater.ApplyAsync(plan, Restored, CancellationToken.None);

        var after = await ReadAsync(name);
        Assert.Equal(1, patches.Hits);
        Assert.Equal("changed meanwhile", Encoding.UTF8.GetString(after.Other));
        Assert.Equal(Encoding.UTF8.GetBytes(Url("db-restored.example.com")), after.Url);
    }

    [Fact]
    public async Task A422ThatIsNotTheGuardIsAnErrorAndNothingChanges()
    {
        var name = await CreateAsync(Url("db.example.com"));
        var before = await ReadAsync(name);
        var plan = await Updater.PlanAsync(Ns, name, "DATABASE_URL", Restored, CancellationToken.None);
        var fault = sandbox.Server.Faults.Respond(422, count: 1, pathPrefix: SecretPath(name), method: "PATCH");

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Updater.ApplyAsync(plan, Restored, CancellationToken.None));

        Assert.Equal("InvalidRequest", ex.ErrorId);
        Assert.Equal(1, fault.Hits);
        Assert.Equal(before.Version, (await ReadAsync(name)).Version);
    }

    [Fact]
    public async Task MissingSecretsAndKeysAreNamedButValuesNeverAre()
    {
        var missing = await Assert.ThrowsAsync<SeekapaException>(() => Updater.PlanAsync(Ns, "no-such-secret", "DATABASE_URL", Restored, CancellationToken.None));
        Assert.Equal("SecretNotFound", missing.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, missing.Category);

        var name = await CreateAsync(Url("db.example.com"), other: "other-value");
        var key = await Assert.ThrowsAsync<SeekapaException>(() => Updater.PlanAsync(Ns, name, "DB_URL", Restored, CancellationToken.None));
        Assert.Equal("SecretKeyNotFound", key.ErrorId);
        Assert.Equal($"Secret {Ns}/{name} has no key 'DB_URL'; its keys are: DATABASE_URL, OTHER.", key.Message);
        Assert.DoesNotContain("other-value", key.Message + key.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImmutableSecretsAndValuesThatAreNotTextAreRefusedBeforeAnyWrite()
    {
        var immutable = await CreateAsync(new Dictionary<string, byte[]> { ["DATABASE_URL"] = Encoding.UTF8.GetBytes(Url("db.example.com")) }, immutable: true);
        Assert.Equal("SecretImmutable", (await Assert.ThrowsAsync<SeekapaException>(
            () => Updater.PlanAsync(Ns, immutable, "DATABASE_URL", Restored, CancellationToken.None))).ErrorId);

        var binary = await CreateAsync(new Dictionary<string, byte[]> { ["DATABASE_URL"] = [0xff, 0xfe, 0x00, 0x41] });
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => Updater.PlanAsync(Ns, binary, "DATABASE_URL", Restored, CancellationToken.None));
        Assert.Equal(ConnectionStringRewriter.ErrorId, ex.ErrorId);
        Assert.Contains("not UTF-8 text", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("")]
    [InlineData("a/b")]
    public void KeysThatCannotBeSecretKeysAreRefused(string key) =>
        Assert.Equal("InvalidSecretKey", Assert.Throws<SeekapaException>(() => DatabaseEndpointUpdater.ValidateKey(key)).ErrorId);
}
