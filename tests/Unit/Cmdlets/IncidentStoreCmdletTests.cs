using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Tests.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>-Store on the incident cmdlets and the active incident's store, against the sandbox through Connect-SeekapaCluster.</summary>
[Collection(IncidentPathCollection.Name)]
public sealed class IncidentStoreCmdletTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private readonly IncidentPathScope _scope = new();
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath });

    private static T Single<T>(CmdletHost.Result result)
    {
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return Assert.IsType<T>(Assert.Single(result.Output).BaseObject);
    }

    private async Task<string> NewNamespaceAsync()
    {
        var ns = $"incidents-{Guid.NewGuid():N}"[..20];
        await sandbox.Server.CreateAsync("namespaces", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns },
        });
        return ns;
    }

    [Fact]
    public async Task TheActiveIncidentStaysInTheClusterStoreItWasStartedIn()
    {
        var ns = await NewNamespaceAsync();
        Assert.Empty(Run("Connect-SeekapaCluster -Kubeconfig $kc | Out-Null").Errors);

        var incident = Single<Incident>(Run($"Start-SeekapaIncident SEV2 'Queue backlog' -Store kubernetes://{ns}"));
        Assert.Empty(Run("Add-SeekapaIncidentNote 'consumers scaled out'").Errors);
        Single<Incident>(Run("Set-SeekapaIncident -Status Identified"));

        // Nothing went to the folder store; the ConfigMap has it all.
        Assert.Empty(_scope.Store.List());
        var configMap = (await sandbox.Server.GetAsync("configmaps", ns, KubernetesIncidentStore.ObjectName(incident.Id)))!;
        var document = JsonNode.Parse((string)configMap["data"]!["incident.json"]!)!;
        Assert.Equal("Identified", (string?)document["status"]);
        Assert.Contains(document["timeline"]!.AsArray(), e => (string?)e!["text"] == "consumers scaled out");

        // Another session finds it by id with -Store, and not without it (its default is the folder store).
        using var other = new CmdletHost();
        var vars = new Dictionary<string, object?> { ["kc"] = sandbox.Server.KubeconfigPath };
        Assert.Empty(other.Invoke("Connect-SeekapaCluster -Kubeconfig $kc | Out-Null", vars).Errors);
        Assert.Equal(IncidentStatus.Identified, Single<Incident>(other.Invoke($"Get-SeekapaIncident {incident.Id} -Store 'kubernetes://{ns}'")).Status);
        Assert.StartsWith("IncidentNotFound,", Assert.Single(other.Invoke($"Get-SeekapaIncident {incident.Id}").Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadStoreStopsTheCommandBeforeAnythingIsStored()
    {
        var result = Run("Start-SeekapaIncident SEV3 'x' -Store 'kubernetes://Bad_Namespace'");

        Assert.StartsWith("IncidentStoreInvalid,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Empty(_scope.Store.List());
    }

    public void Dispose()
    {
        _host.Dispose();
        _scope.Dispose();
    }
}
