using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using Runspace = System.Management.Automation.Runspaces.Runspace;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security;
using Azure.Core;
using Azure.ResourceManager;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// `az login` for the Azure cmdlets: signs in (managed identity, environment service principal / workload identity, the
/// interactive chain, or a given token), checks the token against Resource Manager once, resolves the subscription, and
/// makes the connection the session default. Never prompts in a session that cannot answer.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "SeekapaAzure", HelpUri = HelpLinks.Cmdlets + "Connect-SeekapaAzure.md", DefaultParameterSetName = InteractiveSet)]
[OutputType(typeof(AzureConnection))]
public sealed class ConnectSeekapaAzureCommand : SeekapaCmdlet
{
    private const string InteractiveSet = "Interactive";
    private const string IdentitySet = "Identity";
    private const string ServicePrincipalSet = "ServicePrincipal";
    private const string AccessTokenSet = "AccessToken";

    private static readonly ConditionalWeakTable<Runspace, TestHooks> Hooks = new();

    /// <summary>Sign in as the managed identity of the Automation account, VM or pod.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    /// <summary>The client id of a user-assigned managed identity; default the system-assigned one.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>Sign in as the service principal (or workload identity) described by the AZURE_* environment variables.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>In the interactive chain, sign in with a device code instead of a browser.</summary>
    [Parameter(ParameterSetName = InteractiveSet)]
    public SwitchParameter UseDeviceCode { get; set; }

    /// <summary>A Resource Manager access token obtained elsewhere; used as is, never refreshed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    [SecureStringTransformation]
    public SecureString? AccessToken { get; set; }

    /// <summary>The subscription id or name; default the only enabled subscription.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Subscription { get; set; }

    /// <summary>The Entra tenant id or domain to sign in to.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tenant { get; set; }

    /// <summary>The Azure cloud.</summary>
    [Parameter]
    [ValidateSet("AzureCloud", "AzureChinaCloud", "AzureUSGovernment")]
    public string? Environment { get; set; }

    /// <summary>Another Resource Manager endpoint (Azure Stack, a test endpoint); the token audience is this URL.</summary>
    [Parameter]
    public Uri? ResourceManagerUrl { get; set; }

    /// <summary>Overrides of the pinned api-versions, by resource type.</summary>
    [Parameter]
    public Hashtable? ApiVersion { get; set; }

    /// <summary>Test-only: a fake Resource Manager transport, stand-in credentials and the interactivity answer for one runspace.</summary>
    internal sealed record TestHooks(Action<ArmClientOptions>? ConfigureArm = null,
        Func<CredentialCandidate, CredentialCandidate>? Candidates = null, bool? Interactive = null);

    internal static void SetTestHooks(Runspace runspace, TestHooks hooks) => Hooks.AddOrUpdate(runspace, hooks);

    protected override void Process()
    {
        var hooks = Runspace.DefaultRunspace is { } runspace && Hooks.TryGetValue(runspace, out var found) ? found : null;
        var cloud = AzureCloud.Resolve(Environment, ResourceManagerUrl);
        var versions = new AzureApiVersions(ApiVersion?.Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>(e.Key.ToString() ?? string.Empty, e.Value?.ToString() ?? string.Empty)));

        var canPrompt = hooks?.Interactive ?? CanPrompt();
        var deviceCodeMessages = new ConcurrentQueue<string>();
        var candidates = ParameterSetName switch
        {
            IdentitySet => AzureCredentials.ManagedIdentity(ClientId),
            ServicePrincipalSet => AzureCredentials.Environment(cloud, System.Environment.GetEnvironmentVariable),
            AccessTokenSet => AzureCredentials.AccessToken(new NetworkCredential(string.Empty, AccessToken).Password, DateTimeOffset.UtcNow, cloud.ArmScope),
            _ => AzureCredentials.Interactive(cloud, Tenant, canPrompt, UseDeviceCode, () => AzPowerShell(cloud), deviceCodeMessages.Enqueue),
        };
        if (hooks?.Candidates is { } replace)
        {
            candidates = candidates.Select(replace).ToList();
        }

        var action = ParameterSetName switch
        {
            IdentitySet => "Check that the Automation account, VM or pod has a managed identity (and -ClientId for a user-assigned one) with a role on the subscription.",
            ServicePrincipalSet => "Set AZURE_CLIENT_ID and AZURE_TENANT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (or AZURE_FEDERATED_TOKEN_FILE for workload identity).",
            AccessTokenSet => "Get a new Resource Manager token (az account get-access-token) and connect again.",
            _ => canPrompt ? "Sign in with az login or Connect-AzAccount, or use -UseDeviceCode." : CredentialChain.NonInteractiveAction,
        };

        WriteVerbose($"Signing in to {cloud.Name} ({cloud.ResourceManagerUrl}) with: {string.Join(", then ", candidates.Select(c => c.Name))}.");
        var context = new TokenRequestContext([cloud.ArmScope], tenantId: Tenant);
        var signedIn = CredentialChain.First(candidates, context, task => WaitShowingDeviceCode(task, deviceCodeMessages), action, CancellationToken);
        if (signedIn.Mode == AzureAuthMode.AccessToken && signedIn.Credential is StaticTokenCredential given)
        {
            WriteWarning($"The access token is used as given and is not refreshed: it expires at {given.ExpiresOn:u}. Connect again with a new token then.");
        }

        var result = Await(AzureSignIn.CompleteAsync(signedIn,
            new AzureSignInOptions(cloud, versions, Tenant, Subscription, hooks?.ConfigureArm), CancellationToken));
        if (!result.Subscription.Enabled)
        {
            WriteWarning($"Subscription {result.Subscription} is {result.Subscription.State ?? "in an unknown state"}: reads may work, changes will be refused.");
        }

        var connection = result.Connection;
        WriteVerbose($"Signed in with {connection.Mode} as {connection.Account} (tenant {connection.TenantId}); subscription " +
                     $"{result.Subscription} at {connection.ResourceManagerUrl}.");
        var state = RunspaceState.Current;
        state.DefaultAzure = connection;
        // The incident timeline names who acted; an opaque token names nobody, so the OS user stays the actor then.
        if (JwtClaims.TryRead(signedIn.Token.Token)?.Account is not null || signedIn.Mode == AzureAuthMode.AzurePowerShell)
        {
            state.Actor = connection.Account;
        }

        WriteObject(connection);
    }

    // Reuses an Az PowerShell sign-in: Get-AzAccessToken, here on the pipeline thread, only if Az.Accounts is loaded.
    private CredentialCandidate.Availability AzPowerShell(AzureCloud cloud)
    {
        if (!AzureCmdlet.AzAccountsLoaded(this))
        {
            return CredentialCandidate.Availability.Unavailable("the Az.Accounts module is not loaded in this session");
        }

        try
        {
            var credential = new HandedOverTokenCredential("Az PowerShell session");
            credential.Add(cloud.ArmScope, AzureCmdlet.GetAzPowerShellToken(this, cloud.ArmScope, Tenant));
            return CredentialCandidate.Availability.Of(credential);
        }
        catch (SeekapaException ex)
        {
            return CredentialCandidate.Availability.Unavailable(ex.Message);
        }
    }

    // Device-code instructions arrive on a background thread; they are written here, on the pipeline thread.
    private AccessToken WaitShowingDeviceCode(Task<AccessToken> task, ConcurrentQueue<string> messages)
    {
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromMilliseconds(200)))
        {
            Drain(messages);
        }

        Drain(messages);
        return task.GetAwaiter().GetResult();
    }

    private void Drain(ConcurrentQueue<string> messages)
    {
        while (messages.TryDequeue(out var message))
        {
            WriteWarning(message);
        }
    }

    /// <summary>
    /// Whether a person can answer a browser or device-code sign-in: not in a hosted runspace without a UI, not under
    /// pwsh -NonInteractive, not in Azure Automation.
    /// </summary>
    private bool CanPrompt()
    {
        if (Host?.UI is null || Host.Name == "Default Host")
        {
            return false;
        }

        if (System.Environment.GetCommandLineArgs().Skip(1).Any(IsNonInteractiveSwitch))
        {
            return false;
        }

        var automation = System.Environment.GetEnvironmentVariable("AZUREPS_HOST_ENVIRONMENT") ?? string.Empty;
        return !automation.StartsWith("AzureAutomation", StringComparison.OrdinalIgnoreCase)
               && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("AUTOMATION_ASSET_ACCOUNTID"));
    }

    // pwsh accepts any unambiguous prefix from -noni, with '-', '--' or '/'.
    private static bool IsNonInteractiveSwitch(string arg)
    {
        var name = arg.TrimStart('-', '/').ToLowerInvariant();
        return name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal);
    }

    /// <summary>Lets -AccessToken take a plain string as well as a SecureString.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is string text ? new NetworkCredential(string.Empty, text).SecurePassword : inputData;
        }
    }
}
