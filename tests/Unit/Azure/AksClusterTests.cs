using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Aks;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class AksClusterTests
{
    private const string Rg = "rg1";
    private const string ClusterPath = "/subscriptions/" + FakeArm.Subscription + "/resourceGroups/" + Rg +
        "/providers/Microsoft.ContainerService/managedClusters/aks1";

    // The spec's example body (specs/azure-arm.md "AKS").
    private const string ClusterJson = """
        {"id":"/subscriptions/00000000-0000-0000-0000-00000000cafe/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1","name":"aks1","type":"Microsoft.ContainerService/ManagedClusters","location":"eastus",
         "properties":{"provisioningState":"Succeeded","powerState":{"code":"Running"},"kubernetesVersion":"1.31.2","currentKubernetesVersion":"1.31.2",
          "fqdn":"dns-abcd1234.hcp.eastus.azmk8s.io","disableLocalAccounts":true,
          "aadProfile":{"managed":true,"enableAzureRBAC":true,"tenantID":"T","adminGroupObjectIDs":null},
          "agentPoolProfiles":[{"name":"nodepool1","count":3,"vmSize":"Standard_DS2_v2","mode":"System","osType":"Linux","provisioningState":"Succeeded","powerState":{"code":"Running"},"orchestratorVersion":"1.31.2"}]}}
        """;

    [Fact]
    public async Task AClusterIsReadWithThePinnedApiVersionAndShownAsAzAksShowDoes()
    {
        var arm = new FakeArm().On("GET", ClusterPath, FakeArm.Json(200, ClusterJson));

        var cluster = await AksClusters.GetAsync(arm.Session(), Rg, "aks1", default);

        Assert.Equal("?api-version=2025-10-01", Assert.Single(arm.Requests).Query); // pinned: no provider lookup first
        Assert.Equal(("aks1", "rg1", "eastus"), (cluster.Name, cluster.ResourceGroupName, cluster.Location));
        Assert.Equal(("Running", "Succeeded", "1.31.2"), (cluster.PowerState, cluster.ProvisioningState, cluster.CurrentKubernetesVersion));
        Assert.Equal("dns-abcd1234.hcp.eastus.azmk8s.io", cluster.Fqdn);
        Assert.True(cluster.EntraEnabled && cluster.AzureRbacEnabled && cluster.LocalAccountsDisabled);
        var pool = Assert.Single(cluster.NodePools);
        Assert.Equal(("nodepool1", 3, "Standard_DS2_v2", "System", "Succeeded", "Running", "1.31.2"),
            (pool.Name, pool.Count, pool.VmSize, pool.Mode, pool.ProvisioningState, pool.PowerState, pool.OrchestratorVersion));
        Assert.Equal(3, cluster.NodeCount);
        Assert.Equal(ClusterPath, cluster.ResourceId);
    }

    [Fact]
    public async Task UnpinnedTheSdkAsksTheProviderAndTakesItsNewestVersionWhichIsWhyWePin()
    {
        var arm = new FakeArm()
            .On("GET", ClusterPath, FakeArm.Json(200, ClusterJson))
            .On("GET", "/subscriptions/" + FakeArm.Subscription + "/providers/Microsoft.ContainerService", FakeArm.Json(200, """
                {"id":"/subscriptions/00000000-0000-0000-0000-00000000cafe/providers/Microsoft.ContainerService","namespace":"Microsoft.ContainerService","resourceTypes":[{"resourceType":"managedClusters","locations":["East US"],
                 "apiVersions":["2026-01-02-preview","2025-10-01","2024-09-01"]}]}
                """));
        var options = new ArmClientOptions { Transport = new HttpClientTransport(new HttpClient(arm, disposeHandler: false)) };
        var bare = new ArmClient(new FakeArm.FakeTokenCredential(), FakeArm.Subscription, options);

        await bare.GetGenericResource(new ResourceIdentifier(ClusterPath)).GetAsync();

        Assert.Equal(2, arm.Requests.Count);
        Assert.EndsWith("/providers/Microsoft.ContainerService", arm.Requests[0].Path);
        Assert.Equal("?api-version=2026-01-02-preview", arm.Requests[1].Query);
    }

    [Fact]
    public async Task AMissingClusterIsAksClusterNotFoundAndNotRetried()
    {
        var arm = new FakeArm().On("GET", ClusterPath, FakeArm.Error(404, "ResourceNotFound",
            "The Resource 'Microsoft.ContainerService/managedClusters/aks1' under resource group 'rg1' was not found."));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(arm.Session(), Rg, "aks1", default));

        Assert.Equal("AksClusterNotFound", ex.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, ex.Category);
        Assert.Contains("under resource group 'rg1' was not found", ex.Message);
        Assert.Single(arm.Requests);
    }

    [Fact]
    public async Task ThrottlingIsRetriedAfterRetryAfterAndServerErrorsEndAsAzureRequestFailed()
    {
        var arm = new FakeArm().On("GET", ClusterPath,
            FakeArm.Error(429, "TooManyRequests", "Slow down", ("Retry-After", "0")), FakeArm.Json(200, ClusterJson));
        Assert.Equal("aks1", (await AksClusters.GetAsync(arm.Session(), Rg, "aks1", default)).Name);
        Assert.Equal(2, arm.Requests.Count);

        var failing = new FakeArm().On("GET", ClusterPath, FakeArm.Error(500, "InternalServerError", "boom"));
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(failing.Session(), Rg, "aks1", default));
        Assert.Equal("AzureRequestFailed", ex.ErrorId);
        Assert.Equal(4, failing.Requests.Count);
    }

    [Fact]
    public async Task ListingFollowsNextLinkOnTheSameHostOnly()
    {
        var listPath = "/subscriptions/" + FakeArm.Subscription + "/providers/Microsoft.ContainerService/managedClusters";
        var arm = new FakeArm()
            .On("GET", listPath, FakeArm.Json(200, $$"""{"value":[{{ClusterJson}}],"nextLink":"https://management.azure.com{{listPath}}/page2"}"""))
            .On("GET", listPath + "/page2", FakeArm.Json(200, $$"""{"value":[{{ClusterJson.Replace("aks1", "aks2")}}]}"""));

        var names = new List<string>();
        await foreach (var c in AksClusters.ListAsync(arm.Session(), null, default))
        {
            names.Add(c.Name);
        }

        Assert.Equal(new[] { "aks1", "aks2" }, names);

        var evil = new FakeArm().On("GET", listPath, FakeArm.Json(200, """{"value":[],"nextLink":"https://attacker.example/steal"}"""));
        var ex = await Assert.ThrowsAsync<SeekapaException>(async () =>
        {
            await foreach (var _ in AksClusters.ListAsync(evil.Session(), null, default))
            {
            }
        });
        Assert.Contains("attacker.example", ex.Message);
        Assert.Single(evil.Requests);
    }

    [Fact]
    public async Task AnUnreachableResourceManagerIsAzureUnreachableWithTheRootCauseOnBothPaths()
    {
        var session = new AzureSession(new FakeArm.FakeTokenCredential(), AzureCloud.Public, FakeArm.Subscription, null, options =>
        {
            options.Transport = new HttpClientTransport(new HttpClient(new Refusing()));
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        });

        var typed = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(session, Rg, "aks1", default));
        var raw = await Assert.ThrowsAsync<SeekapaException>(async () =>
        {
            await foreach (var _ in AksClusters.ListAsync(session, Rg, default))
            {
            }
        });

        foreach (var ex in new[] { typed, raw })
        {
            Assert.Equal("AzureUnreachable", ex.ErrorId);
            Assert.Equal(FailureCategory.ConnectionError, ex.Category);
            Assert.Contains("Connection refused (management.azure.com:443)", ex.Message);
        }
    }

    [Theory]
    [InlineData("rg/../other", "aks1", "InvalidResourceGroupName")]
    [InlineData("rg1", "aks1?api-version=x", "InvalidResourceName")]
    [InlineData("rg1", "", "InvalidResourceName")]
    public async Task NamesThatWouldChangeTheUrlAreRefusedBeforeAnyCall(string rg, string name, string errorId)
    {
        var arm = new FakeArm();

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AksClusters.GetAsync(arm.Session(), rg, name, default));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(arm.Requests);
    }

    [Fact]
    public async Task AdminCredentialsOfAClusterWithoutLocalAccountsAreLocalAccountsDisabledWithArmsMessage()
    {
        const string message = "Getting static credential is not allowed because this cluster is set to disable local accounts.";
        var arm = new FakeArm().On("POST", ClusterPath + "/listClusterAdminCredential", FakeArm.Error(400, "BadRequest", message));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() => AksCredentials.GetKubeconfigAsync(arm.Session(), Rg, "aks1", admin: true, default));

        Assert.Equal("LocalAccountsDisabled", ex.ErrorId);
        Assert.Equal(message, ex.Message);
        Assert.Contains("without -Admin", ex.RecommendedAction);
        Assert.Single(arm.Requests); // 400 is not retried
    }

    [Fact]
    public async Task UserCredentialsAreDecodedFromTheFirstKubeconfig()
    {
        var yaml = EntraKubeconfig("https://aks1-dns.hcp.eastus.azmk8s.io:443");
        var arm = new FakeArm().On("POST", ClusterPath + "/listClusterUserCredential",
            FakeArm.Json(200, $$"""{"kubeconfigs":[{"name":"clusterUser","value":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml))}}"}]}"""));

        var bytes = await AksCredentials.GetKubeconfigAsync(arm.Session(), Rg, "aks1", admin: false, default);

        Assert.Equal(yaml, Encoding.UTF8.GetString(bytes));
        var request = Assert.Single(arm.Requests);
        Assert.Equal(("POST", "?api-version=2025-10-01"), (request.Method, request.Query));
    }

    [Fact]
    public void TheExecBlockIsStrippedAndTheServerIdKeptForTheTokenProvider()
    {
        var prepared = AksCredentials.Load(Encoding.UTF8.GetBytes(EntraKubeconfig("https://aks1-dns.hcp.eastus.azmk8s.io:443", "legacy-server-app")),
            Rg, "aks1", admin: false, kubeconfigPath: null);

        Assert.True(prepared.UsesEntra);
        Assert.Equal("legacy-server-app/.default", prepared.Scope);
        var user = Assert.Single(prepared.Loaded.Config.Users).UserCredentials;
        Assert.Null(user.ExternalExecution);
        Assert.Null(user.AuthProvider);
        Assert.Equal("aks1", prepared.Loaded.Context);
        Assert.False(prepared.Loaded.FromFile);

        // Building the client no longer runs kubelogin (which is not installed here).
        using var session = AksCredentials.Open(new FakeArm().Session(), prepared, "seekapa-production");
        Assert.Equal("https://aks1-dns.hcp.eastus.azmk8s.io:443", session.Connection.Server.TrimEnd('/'));
        Assert.Equal("seekapa-production", session.Connection.Namespace);
        Assert.Null(session.Connection.KubeconfigPath);
    }

    [Fact]
    public void AStaticTokenKubeconfigIsUsedAsIsAndSavedOwnerOnlyOnlyWhenAskedTo()
    {
        var yaml = """
            apiVersion: v1
            kind: Config
            clusters: [{ name: aks1, cluster: { server: "https://aks1-dns.hcp.eastus.azmk8s.io:443" } }]
            users: [{ name: clusterAdmin_rg1_aks1, user: { token: static-admin-token-0123456789 } }]
            contexts: [{ name: aks1-admin, context: { cluster: aks1, user: clusterAdmin_rg1_aks1 } }]
            current-context: aks1-admin
            """;
        var path = Path.Combine(Path.GetTempPath(), $"seekapa-aks-{Guid.NewGuid():N}", "admin.kubeconfig");
        try
        {
            var prepared = AksCredentials.Load(Encoding.UTF8.GetBytes(yaml), Rg, "aks1", admin: true, kubeconfigPath: path);

            Assert.False(prepared.UsesEntra);
            Assert.Equal("static-admin-token-0123456789", prepared.Loaded.Config.Users.Single().UserCredentials.Token);
            Assert.Equal(yaml, File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            using var session = AksCredentials.Open(new FakeArm().Session(), prepared, null);
            Assert.Equal(path, session.Connection.KubeconfigPath);
            Assert.Equal("aks1-admin", session.Connection.Context);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    internal static string EntraKubeconfig(string server, string serverId = AksTokenProvider.DefaultServerId) => $"""
        apiVersion: v1
        clusters:
        - cluster:
            server: {server}
          name: aks1
        contexts:
        - context:
            cluster: aks1
            user: clusterUser_rg1_aks1
          name: aks1
        current-context: aks1
        kind: Config
        users:
        - name: clusterUser_rg1_aks1
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - get-token
              - --environment
              - AzurePublicCloud
              - --server-id
              - {serverId}
              - --login
              - devicecode
              command: kubelogin
              provideClusterInfo: false

        """;

    private sealed class Refusing : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (management.azure.com:443)");
    }
}
