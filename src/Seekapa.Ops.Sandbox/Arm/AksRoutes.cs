using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// The fake Microsoft.ContainerService provider: managed clusters (get, list per resource group and subscription) and
/// their credentials, as specs/azure-arm.md shows them. Both clusters ARE this sandbox: their kubeconfigs point at its
/// own address and CA. seekapa-aks-prod is an Entra cluster with local accounts disabled (the user kubeconfig runs
/// kubelogin; admin credentials are refused with ARM's 400); seekapa-aks-staging has local accounts, so both its
/// kubeconfigs carry a static token (the sandbox admin's).
/// </summary>
internal sealed partial class AksRoutes : IArmRoutes
{
    public const string ProductionCluster = "seekapa-aks-prod";
    public const string StagingCluster = "seekapa-aks-staging";
    public const string ServerId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    // The client id kubelogin uses for the Azure CLI's device code flow (as AKS writes it into user kubeconfigs).
    private const string KubeloginClientId = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";
    private const string LocalAccountsMessage =
        "Getting static credential is not allowed because this cluster is set to disable local accounts.";

    private readonly ArmWorld _world;
    private readonly string _adminToken;

    public AksRoutes(ArmWorld world, string adminToken)
    {
        _world = world;
        _adminToken = adminToken;
        Seed(ProductionCluster, entra: true,
            (Name: "systempool", Count: 3, VmSize: "Standard_D4ds_v5", Mode: "System"),
            (Name: "userpool", Count: 5, VmSize: "Standard_D8ds_v5", Mode: "User"));
        Seed(StagingCluster, entra: false, (Name: "nodepool1", Count: 2, VmSize: "Standard_D2ds_v5", Mode: "System"));
    }

    [GeneratedRegex(@"^/subscriptions/[^/]+(?:/resourceGroups/(?<rg>[^/]+))?/providers/Microsoft\.ContainerService/managedClusters(?:/(?<name>[^/]+)(?:/(?<action>listClusterUserCredential|listClusterAdminCredential))?)?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex ClusterPath();

    public async Task<bool> TryHandleAsync(HttpContext context, ArmRequest request)
    {
        var match = ClusterPath().Match(request.Path);
        if (!match.Success)
        {
            return false;
        }

        var rg = match.Groups["rg"];
        var name = match.Groups["name"];
        var action = match.Groups["action"];
        if (!name.Success)
        {
            if (request.Method != HttpMethods.Get)
            {
                return false;
            }

            // One resource group: ArmHandler has already answered 404 for any other.
            var clusters = Clusters().Select(c => c.DeepClone()).ToArray();
            await ArmWorld.WriteJsonAsync(context, 200, new JsonObject { ["value"] = new JsonArray(clusters) });
            return true;
        }

        if (!rg.Success)
        {
            return false;
        }

        var id = $"{_world.ResourceGroupId}/providers/Microsoft.ContainerService/managedClusters/{name.Value}";
        if (!_world.Resources.TryGetValue(id, out var cluster))
        {
            await ArmWorld.WriteErrorAsync(context, 404, "ResourceNotFound",
                $"The Resource 'Microsoft.ContainerService/managedClusters/{name.Value}' under resource group '{rg.Value}' was not found. " +
                "For more details please go to https://aka.ms/ARMResourceNotFoundFix");
            return true;
        }

        switch (request.Method, action.Success ? action.Value.ToLowerInvariant() : null)
        {
            case ("GET", null):
                await ArmWorld.WriteJsonAsync(context, 200, cluster.DeepClone());
                return true;
            case ("POST", "listclusterusercredential"):
                await WriteKubeconfigAsync(context, cluster, admin: false);
                return true;
            case ("POST", "listclusteradmincredential"):
                if (cluster["properties"]?["disableLocalAccounts"]?.GetValue<bool>() == true)
                {
                    await ArmWorld.WriteErrorAsync(context, 400, "BadRequest", LocalAccountsMessage);
                    return true;
                }

                await WriteKubeconfigAsync(context, cluster, admin: true);
                return true;
            default:
                return false;
        }
    }

    private IEnumerable<JsonObject> Clusters() =>
        _world.Resources.Values
            .Where(r => string.Equals(r["type"]?.GetValue<string>(), "Microsoft.ContainerService/ManagedClusters", StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r["name"]?.GetValue<string>(), StringComparer.Ordinal);

    private Task WriteKubeconfigAsync(HttpContext context, JsonObject cluster, bool admin)
    {
        var name = cluster["name"]!.GetValue<string>();
        var entra = cluster["properties"]?["aadProfile"] is JsonObject;
        var yaml = Kubeconfig(name, admin, entra);
        return ArmWorld.WriteJsonAsync(context, 200, new JsonObject
        {
            ["kubeconfigs"] = new JsonArray(new JsonObject
            {
                ["name"] = admin ? "clusterAdmin" : "clusterUser",
                ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml)),
            }),
        });
    }

    /// <summary>A kubeconfig shaped like AKS's, pointing at this sandbox (its address and CA).</summary>
    private string Kubeconfig(string cluster, bool admin, bool entra)
    {
        var user = $"{(admin ? "clusterAdmin" : "clusterUser")}_{_world.ResourceGroup}_{cluster}";
        var context = admin ? cluster + "-admin" : cluster;
        var server = _world.BaseAddress.GetLeftPart(UriPartial.Authority);
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(_world.CaPem));
        var credentials = entra && !admin
            ? $"""
                  exec:
                    apiVersion: client.authentication.k8s.io/v1beta1
                    args:
                    - get-token
                    - --environment
                    - AzurePublicCloud
                    - --server-id
                    - {ServerId}
                    - --client-id
                    - {KubeloginClientId}
                    - --tenant-id
                    - {_world.TenantId}
                    - --login
                    - devicecode
                    command: kubelogin
                    env: null
                    installHint: "kubelogin is not installed which is required to connect to AAD enabled cluster. To learn more, please go to https://aka.ms/aks/kubelogin"
                    provideClusterInfo: false
              """
            : $"""
                  token: {_adminToken}
              """;
        return $"""
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {ca}
                server: {server}
              name: {cluster}
            contexts:
            - context:
                cluster: {cluster}
                user: {user}
              name: {context}
            current-context: {context}
            kind: Config
            preferences: {"{}"}
            users:
            - name: {user}
              user:
            {credentials}
            """;
    }

    private void Seed(string name, bool entra, params (string Name, int Count, string VmSize, string Mode)[] pools)
    {
        var id = $"{_world.ResourceGroupId}/providers/Microsoft.ContainerService/managedClusters/{name}";
        var properties = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["powerState"] = new JsonObject { ["code"] = "Running" },
            ["kubernetesVersion"] = "1.31.2",
            ["currentKubernetesVersion"] = "1.31.2",
            ["dnsPrefix"] = name + "-dns",
            ["fqdn"] = $"{name}-dns-5f2c8a1e.hcp.eastus.azmk8s.io",
            ["azurePortalFQDN"] = $"{name}-dns-5f2c8a1e.portal.hcp.eastus.azmk8s.io",
            ["enableRBAC"] = true,
            ["disableLocalAccounts"] = entra,
            ["nodeResourceGroup"] = $"MC_{_world.ResourceGroup}_{name}_eastus",
            ["agentPoolProfiles"] = new JsonArray(pools.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["count"] = p.Count,
                ["vmSize"] = p.VmSize,
                ["osType"] = "Linux",
                ["mode"] = p.Mode,
                ["type"] = "VirtualMachineScaleSets",
                ["provisioningState"] = "Succeeded",
                ["powerState"] = new JsonObject { ["code"] = "Running" },
                ["orchestratorVersion"] = "1.31.2",
                ["currentOrchestratorVersion"] = "1.31.2",
                ["enableAutoScaling"] = p.Mode == "User",
                ["minCount"] = p.Mode == "User" ? 3 : null,
                ["maxCount"] = p.Mode == "User" ? 10 : null,
            }).ToArray()),
        };
        if (entra)
        {
            properties["aadProfile"] = new JsonObject
            {
                ["managed"] = true,
                ["enableAzureRBAC"] = true,
                ["tenantID"] = _world.TenantId,
                ["adminGroupObjectIDs"] = null,
            };
        }

        _world.Resources[id] = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = "Microsoft.ContainerService/ManagedClusters",
            ["location"] = "eastus",
            ["sku"] = new JsonObject { ["name"] = "Base", ["tier"] = "Standard" },
            ["properties"] = properties,
        };
    }
}
