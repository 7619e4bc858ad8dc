using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

/// <summary>The incident store kept in the cluster, against the sandbox API server through the real KubernetesClient.</summary>
public sealed class KubernetesIncidentStoreTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh namespace per test, so tests of the class do not see each other's incidents.</summary>
    private async Task<string> NewNamespaceAsync()
    {
        var ns = $"incidents-{Guid.NewGuid():N}"[..20];
        await sandbox.Server.CreateAsync("namespaces", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns },
        });
        return ns;
    }

    private KubernetesIncidentStore Store(string ns) => new(ClusterSession.Open(new ClusterTarget(sandbox.Server.KubeconfigPath)), ns);

    private IncidentService Service(KubernetesIncidentStore store) => new(store, clock: _clock);

    [Fact]
    public async Task AStartedIncidentIsOneLabelledConfigMapHoldingTheDocument()
    {
        var ns = await NewNamespaceAsync();
        var store = Store(ns);

        var started = Service(store).Start(new IncidentStart(IncidentSeverity.SEV2, "API 5xx spike", "API", "5% fail", "alice"), "alice");

        Assert.Equal("sev-2-20240115-api-5xx-spike", started.Id);
        var configMap = (await sandbox.Server.GetAsync("configmaps", ns, "seekapa-incident-sev-2-20240115-api-5xx-spike"))!;
        Assert.Equal("seekapa-ops", (string?)configMap["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        Assert.Equal(started.Id, (string?)configMap["metadata"]!["labels"]!["seekapa.io/incident"]);
        var document = JsonNode.Parse((string)configMap["data"]!["incident.json"]!)!;
        Assert.Equal(("SEV2", "API 5xx spike"), ((string?)document["severity"], (string?)document["title"]));

        var read = Store(ns).Get(started.Id);
        Assert.Equal(("API", "5% fail", "alice", IncidentStatus.Investigating), (read.Service, read.Impact, read.Lead, read.Status));
        Assert.Equal(_clock.Now, read.Started);
        Assert.Equal(IncidentEntryKind.Declared, Assert.Single(read.Timeline).Kind);
        Assert.StartsWith($"kubernetes://{ns}?context=", store.Location, StringComparison.Ordinal);

        var table = await sandbox.Kubectl("get", "configmaps", "-n", ns);
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "DATA", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("seekapa-incident-sev-2-20240115-api-5xx-spike", lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Equal("1", lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    [Fact]
    public async Task ParallelStartsWithOneTitleGetDistinctIdsAndListIsNewestFirst()
    {
        var ns = await NewNamespaceAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Service(Store(ns)).Start(new IncidentStart(IncidentSeverity.SEV3, "Same title"), "alice").Id)));
        _clock.Advance(TimeSpan.FromHours(1));
        Service(Store(ns)).Start(new IncidentStart(IncidentSeverity.SEV1, "Later"), "alice");

        Assert.Equal(["sev-3-20240115-same-title", "sev-3-20240115-same-title-2", "sev-3-20240115-same-title-3", "sev-3-20240115-same-title-4"],
            ids.Order(StringComparer.Ordinal));
        var listed = Store(ns).List();
        Assert.Equal(5, listed.Count);
        Assert.Equal("Later", listed[0].Title);
    }

    [Fact]
    public async Task EightParallelWritersOnTheirOwnConnectionsLoseNoEntry()
    {
        var ns = await NewNamespaceAsync();
        var incident = Service(Store(ns)).Start(new IncidentStart(IncidentSeverity.SEV2, "Parallel"), "alice");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            // A client per writer, as separate machines would have: only the API server arbitrates.
            var service = Service(Store(ns));
            for (var n = 0; n < 25; n++)
            {
                if (n % 5 == 0)
                {
                    service.AppendChange(incident.Id, new ChangeRecord(DateTimeOffset.UtcNow, "Set-SeekapaWorkloadScale", $"w{writer}", "Scale", "Changed"), "bot");
                }
                else
                {
                    service.AddNote(incident.Id, $"writer {writer} note {n}", "alice");
                }
            }
        })));

        var timeline = Store(ns).Get(incident.Id).Timeline;
        Assert.Equal(1 + 200, timeline.Count);
        Assert.Equal(160, timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Text).Distinct().Count());
        Assert.Equal(40, timeline.Count(e => e.Kind == IncidentEntryKind.Action));
    }

    [Fact]
    public async Task AnUpdateWithAStaleResourceVersionIsRefusedWith409AndChangesNothing()
    {
        var ns = await NewNamespaceAsync();
        var incident = Service(Store(ns)).Start(new IncidentStart(IncidentSeverity.SEV3, "Stale"), "alice");
        var name = KubernetesIncidentStore.ObjectName(incident.Id);
        using var client = SandboxClients.Client(sandbox.Server);
        var stale = await client.CoreV1.ReadNamespacedConfigMapAsync(name, ns);
        Service(Store(ns)).AddNote(incident.Id, "a newer write", "bob");

        stale.Data["incident.json"] = "{\"id\": \"overwritten\"}";
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, name, ns));

        Assert.Equal(HttpStatusCode.Conflict, refused.Response.StatusCode);
        Assert.Contains("the object has been modified", refused.Response.Content, StringComparison.Ordinal);
        Assert.Equal("a newer write", Store(ns).Get(incident.Id).Timeline.Last().Text);
    }

    [Theory]
    [InlineData("{ \"id\": \"sev-1-20240115-db\", \"timeline\": [ {")]
    [InlineData("{\"title\": \"no id\"}")]
    [InlineData("{\"id\": \"sev-9-20991231-another-incident\"}")]
    [InlineData(null)]
    public async Task ACorruptConfigMapIsIncidentStoreCorruptAndLeftUntouched(string? document)
    {
        var ns = await NewNamespaceAsync();
        var incident = Service(Store(ns)).Start(new IncidentStart(IncidentSeverity.SEV1, "DB"), "alice");
        var name = KubernetesIncidentStore.ObjectName(incident.Id);
        var configMap = (await sandbox.Server.GetAsync("configmaps", ns, name))!;
        configMap["data"] = document is null ? new JsonObject { ["other"] = "x" } : new JsonObject { ["incident.json"] = document };
        var corrupt = await sandbox.Server.UpdateAsync("configmaps", configMap);
        var version = (string?)corrupt["metadata"]!["resourceVersion"];

        var onGet = Assert.Throws<SeekapaException>(() => Store(ns).Get(incident.Id));
        var onNote = Assert.Throws<SeekapaException>(() => Service(Store(ns)).AddNote(incident.Id, "lost?", "alice"));
        var onResolve = Assert.Throws<SeekapaException>(() => Service(Store(ns)).Resolve(incident.Id, "x", "y", null, "alice"));
        var reported = new List<Exception>();
        var listed = Store(ns).List(reported.Add);

        Assert.Equal(["IncidentStoreCorrupt", "IncidentStoreCorrupt", "IncidentStoreCorrupt"], new[] { onGet.ErrorId, onNote.ErrorId, onResolve.ErrorId });
        Assert.Contains(name, onGet.Message, StringComparison.Ordinal);
        Assert.Contains(ns, onGet.Message, StringComparison.Ordinal);
        Assert.Empty(listed);
        Assert.Equal("IncidentStoreCorrupt", ((SeekapaException)Assert.Single(reported)).ErrorId);
        var after = (await sandbox.Server.GetAsync("configmaps", ns, name))!;
        Assert.Equal(version, (string?)after["metadata"]!["resourceVersion"]);
        Assert.True(JsonNode.DeepEquals(corrupt["data"], after["data"]));
    }

    [Fact]
    public async Task ANamespaceThatDoesNotExistIsIncidentStoreNamespaceNotFound()
    {
        var missing = $"nowhere-{Guid.NewGuid():N}"[..16];
        var store = Store(missing);

        var onStart = Assert.Throws<SeekapaException>(() => Service(store).Start(new IncidentStart(IncidentSeverity.SEV2, "x"), "a"));
        var onGet = Assert.Throws<SeekapaException>(() => store.Get("sev-2-20240115-x"));
        var onList = Assert.Throws<SeekapaException>(() => store.List());
        var onNote = Assert.Throws<SeekapaException>(() => Service(store).AddNote("sev-2-20240115-x", "n", "a"));

        Assert.All(new[] { onStart, onGet, onList, onNote }, ex => Assert.Equal("IncidentStoreNamespaceNotFound", ex.ErrorId));
        Assert.Contains(missing, onStart.Message, StringComparison.Ordinal);
        Assert.Null(await sandbox.Server.GetAsync("namespaces", null, missing)); // the store never creates one
    }

    [Fact]
    public async Task AnUnknownIdIsIncidentNotFoundAndOtherConfigMapsAreNotIncidents()
    {
        var ns = await NewNamespaceAsync();
        await sandbox.Server.CreateAsync("configmaps", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "app-settings", ["namespace"] = ns },
            ["data"] = new JsonObject { ["LOG_LEVEL"] = "info" },
        });
        var store = Store(ns);

        Assert.Equal("IncidentNotFound", Assert.Throws<SeekapaException>(() => store.Get("sev-1-20240101-nope")).ErrorId);
        Assert.Equal("IncidentNotFound", Assert.Throws<SeekapaException>(() => Service(store).AddNote("sev-1-20240101-nope", "x", "a")).ErrorId);
        Assert.Equal("InvalidIncidentId", Assert.Throws<SeekapaException>(() => store.Get("../x")).ErrorId);
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task ConfigMapsAreValidatedAsTheApiServerDoes()
    {
        var ns = await NewNamespaceAsync();
        using var client = SandboxClients.Client(sandbox.Server);
        var badKey = new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "bad-key" }, Data = new Dictionary<string, string> { ["no/slash"] = "x" },
        };
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(badKey, ns));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);

        var frozen = await client.CoreV1.CreateNamespacedConfigMapAsync(new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "frozen" }, Immutable = true, Data = new Dictionary<string, string> { ["a"] = "1" },
        }, ns);
        frozen.Data["a"] = "2";
        var immutable = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(frozen, "frozen", ns));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, immutable.Response.StatusCode);
        Assert.Contains("field is immutable", immutable.Response.Content, StringComparison.Ordinal);
        Assert.Equal("1", (await client.CoreV1.ReadNamespacedConfigMapAsync("frozen", ns)).Data["a"]);
    }
}
