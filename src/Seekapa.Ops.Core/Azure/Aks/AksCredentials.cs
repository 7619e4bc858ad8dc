using Azure.Core;
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
    /// A cluster session: Entra clusters get an <see cref="AksTokenProvider"/> over the Azure session's own credential;
    /// clusters with static credentials use the kubeconfig's token or certificate as is. No network call.
    /// </summary>
    public static ClusterSession Open(AzureSession session, AksKubeconfig kubeconfig, string? @namespace)
    {
        if (!kubeconfig.UsesEntra)
        {
            return ClusterSession.Open(kubeconfig.Loaded, @namespace);
        }

        var provider = new AksTokenProvider(session.Credential, kubeconfig.ServerId);
        return ClusterSession.Open(kubeconfig.Loaded, @namespace, tokenProvider: provider, currentToken: () => provider.Current);
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        OwnerOnlyFile.Write(path, content);
    }
}
