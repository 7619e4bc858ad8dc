using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.ResourceManager.Resources;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.Aks;

/// <summary>AKS managed clusters through Resource Manager: `az aks show` and `az aks list`, at the pinned api-version.</summary>
public static class AksClusters
{
    public const string ProviderPath = "providers/Microsoft.ContainerService/managedClusters";

    public static string ResourceId(AzureSession session, string resourceGroup, string name) =>
        $"{session.SubscriptionPath}/resourceGroups/{resourceGroup}/{ProviderPath}/{name}";

    /// <summary>One cluster (GenericResource GET); a missing one is AksClusterNotFound.</summary>
    public static async Task<AksCluster> GetAsync(AzureSession session, string resourceGroup, string name, CancellationToken cancellationToken)
    {
        AzureNames.ValidateResourceGroup(resourceGroup);
        AzureNames.ValidateResourceName(name, "AKS cluster");
        var id = ResourceId(session, resourceGroup, name);
        try
        {
            GenericResource resource = await ArmErrors.GuardAsync(session, RequestMethod.Get, id,
                async () => (await session.Arm.GetGenericResource(new ResourceIdentifier(id)).GetAsync(cancellationToken).ConfigureAwait(false)).Value)
                .ConfigureAwait(false);
            var json = new JsonObject
            {
                ["id"] = resource.Data.Id.ToString(),
                ["name"] = resource.Data.Name,
                ["location"] = resource.Data.Location.Name,
                ["properties"] = resource.Data.Properties is { } properties ? JsonNode.Parse(properties.ToMemory().Span) : null,
            };
            return Parse(json);
        }
        catch (SeekapaException ex) when (ex.InnerException is ArmRequestException { Status: 404 } arm)
        {
            throw NotFound(resourceGroup, name, arm.ArmMessage, ex);
        }
    }

    /// <summary>The clusters of a resource group, or of the whole subscription when <paramref name="resourceGroup"/> is null.</summary>
    public static async IAsyncEnumerable<AksCluster> ListAsync(AzureSession session, string? resourceGroup,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (resourceGroup is not null)
        {
            AzureNames.ValidateResourceGroup(resourceGroup);
        }

        var scope = resourceGroup is null ? session.SubscriptionPath : $"{session.SubscriptionPath}/resourceGroups/{resourceGroup}";
        await foreach (var item in ArmPaging.ListAsync(session, $"{scope}/{ProviderPath}?api-version={session.ApiVersions.ManagedClusters}",
            cancellationToken).ConfigureAwait(false))
        {
            yield return Parse(item);
        }
    }

    public static SeekapaException NotFound(string resourceGroup, string name, string? armMessage, Exception? inner = null) =>
        new("AksClusterNotFound", FailureCategory.ObjectNotFound,
            $"AKS cluster '{name}' was not found in resource group '{resourceGroup}'{(armMessage is null ? "." : $": {armMessage}")}",
            $"{resourceGroup}/{name}", "List the clusters with Get-SeekapaAksCluster (without -Name), or check -ResourceGroupName.", inner);

    /// <summary>The model from a managedClusters resource body (specs/azure-arm.md "AKS").</summary>
    public static AksCluster Parse(JsonNode json)
    {
        var id = Str(json["id"]) ?? string.Empty;
        var p = json["properties"];
        var aad = p?["aadProfile"];
        return new AksCluster
        {
            Name = Str(json["name"]) ?? AzureNames.NameOf(id),
            ResourceGroupName = AzureNames.ResourceGroupOf(id) ?? string.Empty,
            Location = Str(json["location"]) ?? string.Empty,
            PowerState = Str(p?["powerState"]?["code"]),
            ProvisioningState = Str(p?["provisioningState"]),
            KubernetesVersion = Str(p?["kubernetesVersion"]),
            CurrentKubernetesVersion = Str(p?["currentKubernetesVersion"]) ?? Str(p?["kubernetesVersion"]),
            Fqdn = Str(p?["fqdn"]),
            PrivateFqdn = Str(p?["privateFQDN"]),
            EntraEnabled = aad is JsonObject,
            AzureRbacEnabled = Bool(aad?["enableAzureRBAC"]),
            EntraTenantId = Str(aad?["tenantID"]),
            LocalAccountsDisabled = Bool(p?["disableLocalAccounts"]),
            NodePools = (p?["agentPoolProfiles"] as JsonArray ?? new JsonArray()).Where(n => n is not null).Select(n => new AksNodePool
            {
                Name = Str(n!["name"]) ?? string.Empty,
                Count = Int(n["count"]) ?? 0,
                VmSize = Str(n["vmSize"]),
                Mode = Str(n["mode"]),
                OsType = Str(n["osType"]),
                ProvisioningState = Str(n["provisioningState"]),
                PowerState = Str(n["powerState"]?["code"]),
                OrchestratorVersion = Str(n["currentOrchestratorVersion"]) ?? Str(n["orchestratorVersion"]),
                AutoscalingEnabled = Bool(n["enableAutoScaling"]),
                MinCount = Int(n["minCount"]),
                MaxCount = Int(n["maxCount"]),
            }).ToList(),
            ResourceId = id,
        };
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
