using System.Management.Automation;
using Seekapa.Ops.Core.Azure;
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
        var connection = AzureConnection ?? RunspaceState.Current.DefaultAzure ?? throw new SeekapaException("AzureNotConnected",
            FailureCategory.AuthenticationError, "Not connected to Azure.", null,
            "Run Connect-SeekapaAzure (-Identity in an Azure Automation runbook), or pass -AzureConnection.");
        return AzureSession.FromConnection(connection);
    }

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId is
        "AzureNotConnected" or "AzureConnectionInvalid" or "AzureAuthenticationFailed" or "AzureUnreachable" || base.IsSetupError(ex);
}
