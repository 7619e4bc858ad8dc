using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Http;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// The sign-in ways of Connect-SeekapaAzure, each as an ordered list of candidates (specs/azure-arm.md "Authentication").
/// Explicit modes are one candidate (or two for the environment: a secret/certificate, then workload identity federation);
/// the default is the interactive chain, which offers a browser or a device code only when the session may prompt.
/// </summary>
public static class AzureCredentials
{
    public const string FederatedTokenFileVariable = "AZURE_FEDERATED_TOKEN_FILE";

    /// <summary>-Identity: the system-assigned managed identity, or a user-assigned one by client id.</summary>
    public static IReadOnlyList<CredentialCandidate> ManagedIdentity(string? clientId) =>
    [
        CredentialCandidate.Of(AzureAuthMode.ManagedIdentity,
            clientId is { Length: > 0 } ? $"managed identity (client id {clientId})" : "system-assigned managed identity",
            () => new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(clientId is { Length: > 0 }
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned))),
    ];

    /// <summary>
    /// -ServicePrincipal: AZURE_CLIENT_ID / AZURE_TENANT_ID with AZURE_CLIENT_SECRET or a certificate, then workload identity
    /// (AZURE_FEDERATED_TOKEN_FILE, set in AKS pods and GitHub Actions with federation).
    /// </summary>
    public static IReadOnlyList<CredentialCandidate> Environment(AzureCloud cloud, Func<string, string?> variable)
    {
        var list = new List<CredentialCandidate>
        {
            CredentialCandidate.Of(AzureAuthMode.ServicePrincipal, "service principal from AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET",
                () => new EnvironmentCredential(new EnvironmentCredentialOptions { AuthorityHost = cloud.AuthorityHost })),
        };
        if (!string.IsNullOrEmpty(variable(FederatedTokenFileVariable)))
        {
            list.Add(CredentialCandidate.Of(AzureAuthMode.WorkloadIdentity, "workload identity (AZURE_FEDERATED_TOKEN_FILE)",
                () => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { AuthorityHost = cloud.AuthorityHost })));
        }

        return list;
    }

    /// <summary>
    /// The default: the Azure CLI's sign-in, then an existing Az PowerShell session, then (only when the session may prompt)
    /// a browser, or a device code with <paramref name="useDeviceCode"/>.
    /// </summary>
    /// <param name="azPowerShell">Asks Az PowerShell for a token on the caller's thread; null when Az.Accounts is not loaded.</param>
    /// <param name="deviceCodeMessage">Receives the device code instructions (on a background thread).</param>
    public static IReadOnlyList<CredentialCandidate> Interactive(AzureCloud cloud, string? tenant, bool canPrompt, bool useDeviceCode,
        Func<CredentialCandidate.Availability>? azPowerShell, Action<string> deviceCodeMessage)
    {
        var list = new List<CredentialCandidate>
        {
            CredentialCandidate.Of(AzureAuthMode.AzureCli, "Azure CLI (az login)",
                () => new AzureCliCredential(new AzureCliCredentialOptions { TenantId = tenant, AuthorityHost = cloud.AuthorityHost })),
            new(AzureAuthMode.AzurePowerShell, "Az PowerShell session (Connect-AzAccount)",
                azPowerShell ?? (() => CredentialCandidate.Availability.Unavailable("the Az.Accounts module is not loaded in this session"))),
        };
        if (!canPrompt)
        {
            return list;
        }

        list.Add(useDeviceCode
            ? CredentialCandidate.Of(AzureAuthMode.DeviceCode, "device code sign-in", () => new DeviceCodeCredential(new DeviceCodeCredentialOptions
            {
                TenantId = tenant,
                AuthorityHost = cloud.AuthorityHost,
                DeviceCodeCallback = (info, _) =>
                {
                    deviceCodeMessage(info.Message);
                    return Task.CompletedTask;
                },
            }))
            : CredentialCandidate.Of(AzureAuthMode.InteractiveBrowser, "browser sign-in", () => new InteractiveBrowserCredential(
                new InteractiveBrowserCredentialOptions { TenantId = tenant, AuthorityHost = cloud.AuthorityHost })));
        return list;
    }

    /// <summary>
    /// -AccessToken: the caller's token as is, valid until its exp claim (else for an hour, as Entra issues them), and
    /// for Resource Manager (<paramref name="scope"/>) only. InvalidHeaderValue when it holds a control character.
    /// </summary>
    public static IReadOnlyList<CredentialCandidate> AccessToken(string token, DateTimeOffset now, string scope)
    {
        var given = Given(token, now, scope, "-AccessToken");
        return [CredentialCandidate.Of(AzureAuthMode.AccessToken, "the given access token", () => given)];
    }

    /// <summary>A token supplied by the caller, for one scope; checked to fit an Authorization header (never shown).</summary>
    public static StaticTokenCredential Given(string token, DateTimeOffset now, string scope, string parameter)
    {
        var trimmed = token.Trim();
        HttpInputs.HeaderValue(trimmed, $"The access token ({parameter})", secret: true);
        return new StaticTokenCredential(trimmed, JwtClaims.TryRead(trimmed)?.ExpiresOn ?? now.AddHours(1), scope);
    }
}
