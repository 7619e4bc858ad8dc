namespace Seekapa.Ops;

/// <summary>How Connect-SeekapaAzure obtained its credential.</summary>
public enum AzureAuthMode
{
    /// <summary>A managed identity (Azure Automation, VMs, AKS pods): system-assigned, or user-assigned by client id.</summary>
    ManagedIdentity,

    /// <summary>A service principal from AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET or a certificate.</summary>
    ServicePrincipal,

    /// <summary>Workload identity federation (AZURE_FEDERATED_TOKEN_FILE), as in AKS pods and GitHub Actions.</summary>
    WorkloadIdentity,

    /// <summary>The signed-in Azure CLI (`az login`).</summary>
    AzureCli,

    /// <summary>An existing Az PowerShell session (Get-AzAccessToken).</summary>
    AzurePowerShell,

    /// <summary>A browser sign-in.</summary>
    InteractiveBrowser,

    /// <summary>The device code flow.</summary>
    DeviceCode,

    /// <summary>A token the caller supplied; it is not refreshed.</summary>
    AccessToken,
}

/// <summary>
/// A signed-in Azure Resource Manager connection: what Connect-SeekapaAzure returns and the Azure cmdlets use.
/// It never holds or shows a token.
/// </summary>
public sealed class AzureConnection
{
    public AzureConnection(string tenantId, string subscriptionId, string? subscriptionName, string account, AzureAuthMode mode,
        string environment, Uri resourceManagerUrl)
    {
        TenantId = tenantId;
        SubscriptionId = subscriptionId;
        SubscriptionName = subscriptionName;
        Account = account;
        Mode = mode;
        Environment = environment;
        ResourceManagerUrl = resourceManagerUrl;
    }

    /// <summary>The Entra tenant the token was issued by.</summary>
    public string TenantId { get; }

    public string SubscriptionId { get; }

    public string? SubscriptionName { get; }

    /// <summary>The signed-in user (UPN) or the application / managed identity (client id), as the token names it.</summary>
    public string Account { get; }

    public AzureAuthMode Mode { get; }

    /// <summary>AzureCloud, AzureChinaCloud, AzureUSGovernment, or Custom for a -ResourceManagerUrl.</summary>
    public string Environment { get; }

    public Uri ResourceManagerUrl { get; }

    /// <summary>The live session; lives in the private load context, so only Core and the cmdlets touch it.</summary>
    internal object? Handle { get; set; }

    public override string ToString() => $"{Account} ({SubscriptionName ?? SubscriptionId}, {Environment})";
}
