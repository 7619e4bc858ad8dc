using Azure.Core;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Files;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Azure.Aks;

/// <summary>
/// `az aks get-credentials` without the file: listClusterUserCredential / listClusterAdminCredential, the first
/// kubeconfig decoded, and a cluster session built from it in memory, signed with Entra tokens when the cluster uses
/// Entra. The kubeconfig (which may hold a static admin token) reaches the disk only when a path is given, owner-only.
/// </summary>
public static class AksCredentials
{
    public static async Task<byte[]> GetKubeconfigAsync(AzureSession session, string resourceGroup, string name, bool admin,
        CancellationToken cancellationToken)
    {
        AzureNames.ValidateResourceGroup(resourceGroup);
        AzureNames.ValidateResourceName(name, "AKS cluster");
        var action = admin ? "listClusterAdminCredential" : "listClusterUserCredential";
        var path = $"{AksClusters.ResourceId(session, resourceGroup, name)}/{action}?api-version={session.ApiVersions.ManagedClusters}";
        ArmResponse response;
        try
        {
            response = await session.SendAsync(RequestMethod.Post, path, null, cancellationToken).ConfigureAwait(false);
        }
        catch (SeekapaException ex) when (ex.InnerException is ArmRequestException arm)
        {
            throw arm.Status switch
            {
                400 when admin && arm.ArmMessage.Contains("local accounts", StringComparison.OrdinalIgnoreCase) =>
                    new SeekapaException("LocalAccountsDisabled", FailureCategory.InvalidOperation, arm.ArmMessage, $"{resourceGroup}/{name}",
                        "Connect without -Admin: Entra credentials work without kubelogin (the identity needs an Azure Kubernetes Service RBAC role or a Kubernetes RoleBinding).",
                        ex),
                404 => AksClusters.NotFound(resourceGroup, name, arm.ArmMessage, ex),
                403 => new SeekapaException("AzureAuthorizationFailed", FailureCategory.PermissionDenied,
                    $"This identity may not {action} on AKS cluster '{name}': {arm.ArmMessage}", $"{resourceGroup}/{name}",
                    $"Ask for the Azure Kubernetes Service Cluster {(admin ? "Admin" : "User")} Role on the cluster " +
                    $"(Microsoft.ContainerService/managedClusters/{action}/action).", ex),
                _ => ex,
            };
        }

        var value = response.Body?["kubeconfigs"]?[0]?["value"]?.GetValue<string>();
        if (string.IsNullOrEmpty(value))
        {
            throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                $"{action} for AKS cluster '{name}' returned no kubeconfig.", $"{resourceGroup}/{name}");
        }

        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException ex)
        {
            throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                $"{action} for AKS cluster '{name}' returned a kubeconfig that is not base64.", $"{resourceGroup}/{name}", inner: ex);
        }
    }

    /// <summary>GetKubeconfigAsync, <see cref="Load"/> and <see cref="Open"/> in one go.</summary>
    public static async Task<ClusterSession> OpenAsync(AzureSession session, string resourceGroup, string name, bool admin,
        string? @namespace, string? kubeconfigPath, CancellationToken cancellationToken)
    {
        var yaml = await GetKubeconfigAsync(session, resourceGroup, name, admin, cancellationToken).ConfigureAwait(false);
        return Open(session, Load(yaml, resourceGroup, name, admin, kubeconfigPath), @namespace);
    }

    /// <summary>Reads the kubeconfig AKS returned and readies it for use without kubelogin. No network call.</summary>
    /// <param name="kubeconfigPath">Where to also save it as AKS returned it (owner-only); null keeps it in memory only.</param>
    public static AksKubeconfig Load(byte[] yaml, string resourceGroup, string name, bool admin, string? kubeconfigPath)
    {
        if (kubeconfigPath is not null)
        {
            WriteOwnerOnly(kubeconfigPath, yaml);
        }

        var source = kubeconfigPath ?? $"AKS {(admin ? "admin" : "user")} credentials of {resourceGroup}/{name}";
        var loaded = KubeconfigLoader.Parse(yaml, null, source) with { FromFile = kubeconfigPath is not null };
        return AksKubeconfig.Prepare(loaded);
    }

    /// <summary>
    /// A cluster session: Entra clusters get an <see cref="AksTokenProvider"/> over <paramref name="clusterToken"/> when
    /// given (Connect-SeekapaCluster -AccessToken), else over the Azure session's own credential; clusters with static
    /// credentials use the kubeconfig's token or certificate as is. A Resource Manager token given to Connect-SeekapaAzure
    /// -AccessToken is never sent to the cluster: AksTokenRequired. No network call.
    /// </summary>
    public static ClusterSession Open(AzureSession session, AksKubeconfig kubeconfig, string? @namespace, string? clusterToken = null)
    {
        if (!kubeconfig.UsesEntra)
        {
            return clusterToken is null
                ? ClusterSession.Open(kubeconfig.Loaded, @namespace)
                : throw new SeekapaException("InvalidParameterCombination", FailureCategory.InvalidArgument,
                    $"-AccessToken is for AKS clusters with Entra sign-in; the kubeconfig of '{kubeconfig.Loaded.Context}' carries its own credentials. Nothing was sent.",
                    kubeconfig.Loaded.Context, "Leave out -AccessToken.");
        }

        var credential = clusterToken is null ? session.Credential : ClusterToken(clusterToken, kubeconfig);
        if (credential is StaticTokenCredential given && !given.Covers([kubeconfig.Scope]))
        {
            throw new SeekapaException("AksTokenRequired", FailureCategory.AuthenticationError,
                $"AKS cluster '{kubeconfig.Loaded.Context}' uses Entra sign-in and needs a token for its API server ({kubeconfig.Scope}); " +
                $"the access token given to Connect-SeekapaAzure is for Resource Manager ({given.Scope}) and is not sent elsewhere. Nothing was sent.",
                kubeconfig.Loaded.Context,
                $"Pass the cluster's own token with Connect-SeekapaCluster -ResourceGroupName ... -ClusterName ... -AccessToken (az account get-access-token --resource {kubeconfig.ServerId}); " +
                "or sign in to Azure with a credential that can get tokens itself (-Identity, -ServicePrincipal, az login).");
        }

        var provider = new AksTokenProvider(credential, kubeconfig.ServerId);
        return ClusterSession.Open(kubeconfig.Loaded, @namespace, tokenProvider: provider, currentToken: () => provider.Current);
    }

    /// <summary>
    /// The token given for the cluster, for its scope only; AksTokenAudienceInvalid when it is a readable JWT issued for
    /// another audience (a Resource Manager token, say): the API server would refuse it, and it should not see it.
    /// </summary>
    private static StaticTokenCredential ClusterToken(string token, AksKubeconfig kubeconfig)
    {
        var given = AzureCredentials.Given(token, DateTimeOffset.UtcNow, kubeconfig.Scope, "-AccessToken");
        var audience = JwtClaims.TryRead(token.Trim())?.Audience;
        if (audience is not null && !string.Equals(audience.Trim().TrimEnd('/'), kubeconfig.ServerId, StringComparison.OrdinalIgnoreCase))
        {
            throw new SeekapaException("AksTokenAudienceInvalid", FailureCategory.AuthenticationError,
                $"The -AccessToken is issued for '{audience}', not for the AKS API server ({kubeconfig.ServerId}). Nothing was sent.",
                kubeconfig.Loaded.Context, $"Get a token for the cluster: az account get-access-token --resource {kubeconfig.ServerId}.");
        }

        return given;
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        OwnerOnlyFile.Write(path, content);
    }
}
