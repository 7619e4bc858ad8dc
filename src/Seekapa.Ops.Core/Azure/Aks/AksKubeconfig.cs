using k8s.KubeConfigModels;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Azure.Aks;

/// <summary>
/// An AKS kubeconfig made usable without kubelogin (specs/azure-arm.md "Working recipe"): KubernetesClient would run an
/// exec plugin while building its configuration and throws on an `azure` auth-provider, so both are removed and the
/// caller signs requests with an Entra token provider instead. Host and CA stay as AKS gave them.
/// </summary>
public sealed record AksKubeconfig(KubeconfigLoader.Loaded Loaded, bool UsesEntra, string ServerId)
{
    /// <summary>The Entra scope of the cluster's API server.</summary>
    public string Scope => ServerId + "/.default";

    // Never sent: the token provider's header replaces it. KubernetesClient wants some credential on the user.
    private const string Placeholder = "entra-token-provider";

    public static AksKubeconfig Prepare(KubeconfigLoader.Loaded loaded)
    {
        var usesEntra = false;
        var serverId = AksTokenProvider.DefaultServerId;
        foreach (var user in loaded.Config.Users ?? Enumerable.Empty<User>())
        {
            var details = user.UserCredentials;
            if (details is null || (details.ExternalExecution is null && details.AuthProvider is null))
            {
                continue;
            }

            usesEntra = true;
            serverId = ServerIdOf(details) ?? serverId;
            details.ExternalExecution = null;
            details.AuthProvider = null;
            details.Token = Placeholder;
        }

        return new AksKubeconfig(loaded, usesEntra, serverId);
    }

    // kubelogin get-token --server-id ID (exec) or apiserver-id (the legacy azure auth-provider).
    private static string? ServerIdOf(UserCredentials details)
    {
        var args = details.ExternalExecution?.Arguments ?? new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--server-id" && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--server-id=", StringComparison.Ordinal))
            {
                return args[i]["--server-id=".Length..];
            }
        }

        return details.AuthProvider?.Config is { } config && config.TryGetValue("apiserver-id", out var id) && !string.IsNullOrEmpty(id)
            ? id
            : null;
    }
}
