using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>Secrets through the real KubernetesClient and raw HTTP: the API server's encoding, concurrency and validation.</summary>
public sealed class SecretApiTests : IClassFixture<BadDeploySandboxFixture>, IDisposable
{
    private const string Ns = "seekapa-production";
    private readonly BadDeploySandboxFixture _sandbox;
    private readonly k8s.Kubernetes _client;

    public SecretApiTests(BadDeploySandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _client = SandboxClients.Client(sandbox.Server);
    }

    public void Dispose() => _client.Dispose();

    private static string UniqueName() => $"secret-{Guid.NewGuid():N}"[..16];

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private Task<V1Secret> CreateAsync(string name, IDictionary<string, string>? stringData = null, IDictionary<string, byte[]>? data = null) =>
        _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            StringData = stringData,
            Data = data,
        }, Ns);

    private async Task<HttpOperationException> FailsAsync(Func<Task> call, HttpStatusCode status)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(status, ex.Response.StatusCode);
        return ex;
    }

    [Fact]
    public async Task StringDataIsStoredAsBase64DataAndNeverReturned()
    {
        var name = UniqueName();
        var created = await CreateAsync(name, new Dictionary<string, string> { ["url"] = "postgresql://u:pä@h/db", ["shared"] = "from stringData" },
            new Dictionary<string, byte[]> { ["bin"] = [0, 255, 10], ["shared"] = Utf8("from data") });

        Assert.Equal("Opaque", created.Type);
        Assert.Null(created.StringData);
        Assert.Equal(Utf8("postgresql://u:pä@h/db"), created.Data["url"]);
        Assert.Equal(new byte[] { 0, 255, 10 }, created.Data["bin"]);
        // stringData wins over data for the same key, as on a cluster.
        Assert.Equal(Utf8("from stringData"), created.Data["shared"]);

        var (code, raw) = await SandboxHttp.GetJsonAsync(SandboxClients.Http(_sandbox.Server, _sandbox.Server.AdminToken), $"/api/v1/namespaces/{Ns}/secrets/{name}");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Null(raw["stringData"]);
        Assert.Equal(Convert.ToBase64String(Utf8("postgresql://u:pä@h/db")), (string?)raw["data"]!["url"]);
    }

    [Fact]
    public async Task PatchesMergeDataAndStringDataOverwritesAKey()
    {
        var name = UniqueName();
        await CreateAsync(name, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"a":"one"}}""", V1Patch.PatchType.StrategicMergePatch), name, Ns);
        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"data":{"b":null,"c":"Mw=="}}""", V1Patch.PatchType.MergePatch), name, Ns);
        var secret = await _client.CoreV1.ReadNamespacedSecretAsync(name, Ns);

        Assert.Equal(["a", "c"], secret.Data.Keys.Order());
        Assert.Equal(Utf8("one"), secret.Data["a"]);
        Assert.Equal(Utf8("3"), secret.Data["c"]);
    }

    [Fact]
    public async Task AJsonPatchTestOfTheOldValueGuardsAgainstAConcurrentChange()
    {
        var name = UniqueName();
        await CreateAsync(name, new Dictionary<string, string> { ["url"] = "v1" });
        var guarded = $$"""[{"op":"test","path":"/data/url","value":"{{Convert.ToBase64String(Utf8("v1"))}}"},{"op":"replace","path":"/data/url","value":"{{Convert.ToBase64String(Utf8("v2"))}}"}]""";

        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch(guarded, V1Patch.PatchType.JsonPatch), name, Ns);
        var again = await FailsAsync(() => _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch(guarded, V1Patch.PatchType.JsonPatch), name, Ns), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("the server rejected our request", again.Response.Content, StringComparison.Ordinal);
        Assert.Equal(Utf8("v2"), (await _client.CoreV1.ReadNamespacedSecretAsync(name, Ns)).Data["url"]);
    }

    [Fact]
    public async Task ReplacingWithAStaleResourceVersionIsAConflict()
    {
        var name = UniqueName();
        var read = await CreateAsync(name, new Dictionary<string, string> { ["a"] = "1" });
        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"a":"2"}}""", V1Patch.PatchType.MergePatch), name, Ns);

        read.Data["a"] = Utf8("3");
        await FailsAsync(() => _client.CoreV1.ReplaceNamespacedSecretAsync(read, name, Ns), HttpStatusCode.Conflict);

        var current = await _client.CoreV1.ReadNamespacedSecretAsync(name, Ns);
        Assert.Equal(Utf8("2"), current.Data["a"]);
        current.Data["a"] = Utf8("4");
        var replaced = await _client.CoreV1.ReplaceNamespacedSecretAsync(current, name, Ns);
        Assert.Equal(Utf8("4"), replaced.Data["a"]);
        Assert.NotEqual(current.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task DataThatIsNotBase64IsABadRequest()
    {
        using var http = SandboxClients.Http(_sandbox.Server, _sandbox.Server.AdminToken);
        var body = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = UniqueName() },
            ["data"] = new JsonObject { ["a"] = "not base64!" },
        };

        using var response = await http.PostAsync($"/api/v1/namespaces/{Ns}/secrets",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot be handled as a Secret: illegal base64 data at input byte 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadKeysImmutableSecretsAndTypeChangesAreInvalid()
    {
        var badKey = await FailsAsync(() => CreateAsync(UniqueName(), new Dictionary<string, string> { ["bad key"] = "x" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data[bad key]: Invalid value: \\\"bad key\\\": a valid config key", badKey.Response.Content, StringComparison.Ordinal);

        var name = UniqueName();
        await CreateAsync(name, new Dictionary<string, string> { ["a"] = "1" });
        var type = await FailsAsync(() => _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"type":"kubernetes.io/tls"}""", V1Patch.PatchType.MergePatch), name, Ns),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("type: Invalid value: \\\"kubernetes.io/tls\\\": field is immutable", type.Response.Content, StringComparison.Ordinal);

        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"immutable":true}""", V1Patch.PatchType.MergePatch), name, Ns);
        var data = await FailsAsync(() => _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"a":"2"}}""", V1Patch.PatchType.MergePatch), name, Ns),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data: Forbidden: field is immutable when `immutable` is set", data.Response.Content, StringComparison.Ordinal);
        Assert.Equal(Utf8("1"), (await _client.CoreV1.ReadNamespacedSecretAsync(name, Ns)).Data["a"]);
    }

    [Fact]
    public async Task ListsFilterByTypeAndDeleteRemoves()
    {
        var name = UniqueName();
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name },
            Type = "example.com/token",
            StringData = new Dictionary<string, string> { ["token"] = "t" },
        }, Ns);

        var typed = await _client.CoreV1.ListNamespacedSecretAsync(Ns, fieldSelector: "type=example.com/token");
        Assert.Equal([name], typed.Items.Select(s => s.Metadata.Name));
        var all = await _client.CoreV1.ListSecretForAllNamespacesAsync();
        Assert.Contains(all.Items, s => s.Metadata.Name == "backend-db" && s.Metadata.NamespaceProperty == Ns);

        await _client.CoreV1.DeleteNamespacedSecretAsync(name, Ns);
        await FailsAsync(() => _client.CoreV1.ReadNamespacedSecretAsync(name, Ns), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WatchSeesAddedModifiedAndDeleted()
    {
        var name = UniqueName();
        var list = await _client.CoreV1.ListNamespacedSecretAsync(Ns);
        await CreateAsync(name, new Dictionary<string, string> { ["a"] = "1" });
        await _client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"a":"2"}}""", V1Patch.PatchType.MergePatch), name, Ns);
        await _client.CoreV1.DeleteNamespacedSecretAsync(name, Ns);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, secret) in _client.CoreV1.WatchListNamespacedSecretAsync(Ns, fieldSelector: $"metadata.name={name}",
            resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
        {
            seen.Add((type, Encoding.UTF8.GetString(secret.Data["a"])));
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([(WatchEventType.Added, "1"), (WatchEventType.Modified, "2"), (WatchEventType.Deleted, "2")], seen);
    }

    [Fact]
    public async Task TheViewerMayNotReadSecrets()
    {
        using var viewer = SandboxClients.Client(_sandbox.Server, _sandbox.Server.ViewerContext);
        var ex = await FailsAsync(() => viewer.CoreV1.ReadNamespacedSecretAsync("backend-db", Ns), HttpStatusCode.Forbidden);
        Assert.Contains("cannot get resource \\\"secrets\\\"", ex.Response.Content, StringComparison.Ordinal);
    }
}
