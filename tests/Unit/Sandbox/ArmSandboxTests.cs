using System.Net;
using System.Text;
using Azure.Core;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Aks;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Azure.Metrics;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Tests.Azure;
using Seekapa.Ops.Tests.Fixtures;
using k8s;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The sandbox's fake Resource Manager over real HTTPS, driven by the module's own Azure code.</summary>
public sealed class ArmSandboxTests(UnhealthySandbox sandbox) : IClassFixture<UnhealthySandbox>
{
    private const string Prod = "seekapa-aks-prod";
    private const string Staging = "seekapa-aks-staging";
    private string Rg => sandbox.Server.ArmResourceGroup;

    private AzureSession Session(string? token = null) => SandboxArm.Session(sandbox.Server,
        token is null ? null : new StaticTokenCredential(token, DateTimeOffset.UtcNow.AddHours(1), AzureCloud.Resolve(null, sandbox.Server.BaseAddress).ArmScope));

    [Fact]
    public async Task OnlyTheAdminTokenIsAcceptedAndArmsErrorShapeComesBack()
    {
        using var http = SandboxClients.Http(sandbox.Server, sandbox.Server.ViewerToken);
        var (code, body) = await SandboxHttp.GetJsonAsync(http, "/subscriptions?api-version=2022-12-01");
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("InvalidAuthenticationToken", body["error"]!["code"]!.GetValue<string>());

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AzureSubscriptions.ListAsync(Session("not-the-token"), default));
        Assert.Equal("AzureAuthenticationFailed", ex.ErrorId);

        using var admin = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
        var (missing, error) = await SandboxHttp.GetJsonAsync(admin, "/subscriptions");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("MissingApiVersionParameter", error["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheOneSubscriptionResolvesByIdByNameAndByDefault()
    {
        var byDefault = await AzureSubscriptions.ResolveAsync(Session(), null, default);
        var byName = await AzureSubscriptions.ResolveAsync(Session(), "seekapa sandbox", default);
        var byId = await AzureSubscriptions.ResolveAsync(Session(), sandbox.Server.ArmSubscriptionId, default);

        Assert.All(new[] { byDefault, byName, byId }, s => Assert.Equal(("00000000-0000-0000-0000-00000000cafe", true), (s.SubscriptionId, s.Enabled)));
        var other = await Assert.ThrowsAsync<SeekapaException>(() =>
            AzureSubscriptions.ResolveAsync(Session(), "99999999-0000-0000-0000-000000000000", default));
        Assert.Equal("SubscriptionNotFound", other.ErrorId);
    }

    [Fact]
    public async Task ClustersAreListedAndShownAndAnotherResourceGroupIsNotFound()
    {
        var session = Session();
        var all = new List<Seekapa.Ops.AksCluster>();
        await foreach (var c in AksClusters.ListAsync(session, null, default))
        {
            all.Add(c);
        }

        Assert.Equal(new[] { Prod, Staging }, all.Select(c => c.Name));
        var prod = await AksClusters.GetAsync(session, Rg, Prod, default);
        Assert.Equal(("Running", "Succeeded", true, true, 8), (prod.PowerState, prod.ProvisioningState, prod.EntraEnabled, prod.LocalAccountsDisabled, prod.NodeCount));
        Assert.Equal(new[] { "systempool", "userpool" }, prod.NodePools.Select(p => p.Name));

        var missing = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(session, Rg, "nope", default));
        Assert.Equal("AksClusterNotFound", missing.ErrorId);
        var otherRg = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(session, "other-rg", Prod, default));
        Assert.Equal("AksClusterNotFound", otherRg.ErrorId);
        Assert.Contains("Resource group 'other-rg' could not be found", otherRg.Message);
    }

    [Fact]
    public async Task TheEntraClusterIsReachedWithoutKubeloginThroughATokenFromTheAzureCredential()
    {
        var credential = new ScopeRecordingCredential(sandbox.Server.AdminToken);
        var azure = SandboxArm.Session(sandbox.Server, credential);

        var yaml = Encoding.UTF8.GetString(await AksCredentials.GetKubeconfigAsync(azure, Rg, Prod, admin: false, default));
        Assert.Contains("command: kubelogin", yaml);
        Assert.Contains(sandbox.Server.BaseAddress.GetLeftPart(UriPartial.Authority), yaml);

        using var cluster = await AksCredentials.OpenAsync(azure, Rg, Prod, admin: false, "seekapa-production", null, default);
        Assert.NotEmpty(await cluster.VerifyAsync(default));
        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync("seekapa-production");

        Assert.NotEmpty(pods.Items);
        Assert.Contains("6dae42f8-4368-4678-94ff-3960e28e3630/.default", credential.Scopes);
        Assert.Null(cluster.Connection.KubeconfigPath);
        Assert.Equal("clusterUser_seekapa-rg_seekapa-aks-prod", cluster.Connection.User);
    }

    [Fact]
    public async Task AdminCredentialsAreRefusedOnProductionAndWorkOnStaging()
    {
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AksCredentials.GetKubeconfigAsync(Session(), Rg, Prod, admin: true, default));
        Assert.Equal("LocalAccountsDisabled", ex.ErrorId);
        Assert.Equal("Getting static credential is not allowed because this cluster is set to disable local accounts.", ex.Message);

        using var staging = await AksCredentials.OpenAsync(Session(), Rg, Staging, admin: true, null, null, default);
        Assert.Equal("seekapa-aks-staging-admin", staging.Connection.Context);
        Assert.NotEmpty(await staging.VerifyAsync(default));
    }

    [Fact]
    public async Task MetricsAreDeterministicWithTheNewestMinuteEmpty()
    {
        var aks = $"/subscriptions/{sandbox.Server.ArmSubscriptionId}/resourceGroups/{Rg}/providers/Microsoft.ContainerService/managedClusters/{Prod}";
        var end = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var query = new MetricQuery(aks, ["node_cpu_usage_percentage", "apiserver_current_inflight_requests", "no_such_metric"], null,
            TimeSpan.FromMinutes(1), end.AddMinutes(-10), end);

        var first = await Collect(query);
        var again = await Collect(query);

        var cpu = first.Single(r => r.Metric == "node_cpu_usage_percentage");
        Assert.Null(cpu.Error);
        Assert.Equal(10, cpu.Points.Count);
        Assert.All(cpu.Points.Take(9), p => Assert.True(p.Average is > 0 and <= 100 && p.Maximum >= p.Average && p.Minimum is null));
        Assert.False(cpu.Points[^1].HasData);
        Assert.Equal("Percent", cpu.Points[0].Unit);
        Assert.Equal(cpu.Points.Select(p => p.Average), again.Single(r => r.Metric == "node_cpu_usage_percentage").Points.Select(p => p.Average));
        Assert.Equal("MetricUnavailable", first.Single(r => r.Metric == "apiserver_current_inflight_requests").Error!.ErrorId);
        var unknown = first.Single(r => r.Metric == "no_such_metric").Error!;
        Assert.Contains("Valid metrics: node_cpu_usage_percentage", unknown.Message);

        var insights = $"/subscriptions/{sandbox.Server.ArmSubscriptionId}/resourceGroups/{Rg}/providers/microsoft.insights/components/seekapa-bi-insights";
        var failed = Assert.Single(await Collect(new MetricQuery(insights, ["requests/failed"], null, TimeSpan.FromMinutes(5), end.AddHours(-1), end)));
        Assert.Equal(12, failed.Points.Count);
        Assert.All(failed.Points.Take(11), p => Assert.True(p.Count >= 0 && p.Average is null));
    }

    [Fact]
    public void TheCaIsWrittenNextToTheKubeconfig()
    {
        Assert.Equal(Path.ChangeExtension(sandbox.Server.KubeconfigPath, ".ca.crt"), sandbox.Server.CaCertificatePath);
        Assert.Equal(sandbox.Server.CaCertificatePem, File.ReadAllText(sandbox.Server.CaCertificatePath));
    }

    private async Task<List<MetricResult>> Collect(MetricQuery query)
    {
        var results = new List<MetricResult>();
        await foreach (var r in AzureMetrics.QueryAsync(Session(), query, default))
        {
            results.Add(r);
        }

        return results;
    }

    private sealed class ScopeRecordingCredential(string token) : TokenCredential
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _scopes = new();

        public IReadOnlyList<string> Scopes => _scopes.ToArray();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                _scopes.Enqueue(scope);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
