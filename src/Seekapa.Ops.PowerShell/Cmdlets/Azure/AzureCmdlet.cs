using System.Management.Automation;
using PipelineResultTypes = System.Management.Automation.Runspaces.PipelineResultTypes;
using System.Net;
using System.Security;
using Azure.Core;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Credentials;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// Base of the Azure cmdlets: -AzureConnection, else the runspace default from Connect-SeekapaAzure. There is no implicit
/// sign-in: a runbook must say which identity acts (the incident timeline names it).
/// </summary>
public abstract class AzureCmdlet : SeekapaCmdlet
{
    private AzureSession? _session;

    /// <summary>A connection returned by Connect-SeekapaAzure.</summary>
    [Parameter]
    public AzureConnection? AzureConnection { get; set; }

    protected AzureSession Azure => _session ??= ResolveSession();

    private AzureSession ResolveSession()
    {
        var session = ResolveSession(AzureConnection);
        RefreshHandedOverToken(this, session, session.Cloud.ArmScope);
        return session;
    }

    /// <summary>The session of an explicit connection, else of the runspace default (also for cmdlets with another base).</summary>
    internal static AzureSession ResolveSession(AzureConnection? explicitConnection)
    {
        var connection = explicitConnection ?? RunspaceState.Current.DefaultAzure ?? throw new SeekapaException("AzureNotConnected",
            FailureCategory.AuthenticationError, "Not connected to Azure.", null,
            "Run Connect-SeekapaAzure (-Identity in an Azure Automation runbook), or pass -AzureConnection.");
        return AzureSession.FromConnection(connection);
    }

    /// <summary>
    /// A connection that reuses an Az PowerShell session holds tokens Az handed over; Az runs only on the pipeline thread,
    /// so a cmdlet takes a fresh token for the scope it is about to use here, before any background call needs it.
    /// </summary>
    internal static void RefreshHandedOverToken(PSCmdlet cmdlet, AzureSession session, string scope)
    {
        if (session.Credential is HandedOverTokenCredential handedOver && handedOver.NeedsToken(scope, DateTimeOffset.UtcNow))
        {
            handedOver.Add(scope, GetAzPowerShellToken(cmdlet, scope, tenant: null));
        }
    }

    /// <summary>Whether Az.Accounts is loaded in this session (the Az sign-in is reused only then; it is never imported).</summary>
    internal static bool AzAccountsLoaded(PSCmdlet cmdlet) =>
        cmdlet.InvokeCommand.InvokeScript("Get-Module -Name Az.Accounts", false, PipelineResultTypes.None, null).Count > 0;

    /// <summary>Get-AzAccessToken for a scope, on the pipeline thread. Az.Accounts 5 returns the token as a SecureString.</summary>
    internal static AccessToken GetAzPowerShellToken(PSCmdlet cmdlet, string scope, string? tenant)
    {
        var resource = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;
        var script = tenant is null
            ? "param($resource) Get-AzAccessToken -ResourceUrl $resource -ErrorAction Stop"
            : "param($resource, $tenant) Get-AzAccessToken -ResourceUrl $resource -TenantId $tenant -ErrorAction Stop";
        object[] args = tenant is null ? [resource] : [resource, tenant];
        PSObject? result;
        try
        {
            result = cmdlet.InvokeCommand.InvokeScript(script, true, PipelineResultTypes.None, null, args).FirstOrDefault();
        }
        catch (RuntimeException ex)
        {
            throw new SeekapaException("AzureAuthenticationFailed", FailureCategory.AuthenticationError,
                $"The Az PowerShell session gave no token for {resource}: {Core.Security.Redactor.Redact(ex.Message)}", resource,
                "Run Connect-AzAccount, or Connect-SeekapaAzure with another sign-in.", ex);
        }

        var token = result?.Properties["Token"]?.Value switch
        {
            SecureString secure => new NetworkCredential(string.Empty, secure).Password,
            string plain => plain,
            _ => null,
        };
        if (string.IsNullOrEmpty(token))
        {
            throw new SeekapaException("AzureAuthenticationFailed", FailureCategory.AuthenticationError,
                $"Get-AzAccessToken returned no token for {resource}.", resource, "Run Connect-AzAccount, then connect again.");
        }

        var expires = result!.Properties["ExpiresOn"]?.Value switch
        {
            DateTimeOffset at => at,
            DateTime at => new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero),
            _ => JwtClaims.TryRead(token)?.ExpiresOn ?? DateTimeOffset.UtcNow.AddMinutes(30),
        };
        return new AccessToken(token, expires);
    }

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId is
        "AzureNotConnected" or "AzureConnectionInvalid" or "AzureAuthenticationFailed" or "AzureUnreachable" || base.IsSetupError(ex);
}
