using System.Management.Automation;
using Seekapa.Ops.Core.Azure.Aks;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.PowerShell.Cmdlets.Azure;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Cluster;

/// <summary>
/// Connects to a cluster through a kubeconfig context, or to an AKS cluster through Resource Manager (`az aks
/// get-credentials` without kubelogin), verifies it, and makes it this session's default.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "SeekapaCluster", HelpUri = HelpLinks.Cmdlets + "Connect-SeekapaCluster.md", DefaultParameterSetName = KubeconfigSet)]
[OutputType(typeof(ClusterConnection))]
public sealed class ConnectSeekapaClusterCommand : SeekapaCmdlet
{
    private const string KubeconfigSet = "Kubeconfig";
    private const string AksSet = "Aks";

    /// <summary>The kubeconfig file; default $KUBECONFIG, else ~/.kube/config.</summary>
    [Parameter(ParameterSetName = KubeconfigSet)]
    public string? Kubeconfig { get; set; }

    /// <summary>The context; default the kubeconfig's current-context.</summary>
    [Parameter(Position = 0, ParameterSetName = KubeconfigSet)]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    /// <summary>The resource group of the AKS cluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AksSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>The AKS cluster name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AksSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string? ClusterName { get; set; }

    /// <summary>Use the cluster's admin (local account) credentials instead of the user's.</summary>
    [Parameter(ParameterSetName = AksSet)]
    public SwitchParameter Admin { get; set; }

    /// <summary>Also save the kubeconfig AKS returned to this file (owner-only); by default it stays in memory.</summary>
    [Parameter(ParameterSetName = AksSet)]
    [ValidateNotNullOrEmpty]
    public string? KubeconfigPath { get; set; }

    /// <summary>
    /// An Entra token for the AKS API server (az account get-access-token --resource 6dae42f8-4368-4678-94ff-3960e28e3630):
    /// needed when Connect-SeekapaAzure was given a Resource Manager -AccessToken, which is never sent to a cluster.
    /// </summary>
    [Parameter(ParameterSetName = AksSet)]
    [ConnectSeekapaAzureCommand.SecureStringTransformation]
    public System.Security.SecureString? AccessToken { get; set; }

    /// <summary>A connection returned by Connect-SeekapaAzure; default the session's.</summary>
    [Parameter(ParameterSetName = AksSet)]
    public AzureConnection? AzureConnection { get; set; }

    /// <summary>
    /// Send the context's credentials even when its server is http:// (clear text). Refused without it; only for a
    /// network you trust.
    /// </summary>
    [Parameter(ParameterSetName = KubeconfigSet)]
    public SwitchParameter AllowInsecureTransport { get; set; }

    /// <summary>The default namespace for cluster cmdlets; default the context's namespace, else "default".</summary>
    [Parameter]
    public string? Namespace { get; set; }

    protected override void Process()
    {
        var session = ParameterSetName == AksSet ? OpenAks() : OpenKubeconfig();
        WriteVerbose($"Connecting to context '{session.Connection.Context}' at {session.Connection.Server}.");
        foreach (var warning in session.Warnings)
        {
            WriteWarning(warning);
        }

        var version = Await(session.VerifyAsync(CancellationToken));
        WriteVerbose($"Server version {version}.");
        RunspaceState.Current.DefaultCluster = session.Connection;
        WriteObject(session.Connection);
    }

    private ClusterSession OpenKubeconfig()
    {
        var kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig);
        return ClusterSession.Open(new ClusterTarget(kubeconfig, Context, Namespace, AllowInsecureTransport));
    }

    private ClusterSession OpenAks()
    {
        if (Namespace is not null)
        {
            ResourceNames.ValidateNamespace(Namespace);
        }

        var azure = AzureCmdlet.ResolveSession(AzureConnection);
        AzureCmdlet.RefreshHandedOverToken(this, azure, azure.Cloud.ArmScope);
        var path = KubeconfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(KubeconfigPath);
        WriteVerbose($"Getting the {(Admin ? "admin" : "user")} credentials of AKS cluster {ResourceGroupName}/{ClusterName}" +
                     (path is null ? " (kept in memory)." : $" (saved to {path})."));
        var yaml = Await(AksCredentials.GetKubeconfigAsync(azure, ResourceGroupName!, ClusterName!, Admin, CancellationToken));
        var kubeconfig = AksCredentials.Load(yaml, ResourceGroupName!, ClusterName!, Admin, path);
        if (kubeconfig.UsesEntra && AccessToken is not null)
        {
            WriteVerbose($"Entra cluster: requests are signed with the given -AccessToken (for {kubeconfig.Scope}; not refreshed).");
        }
        else if (kubeconfig.UsesEntra)
        {
            WriteVerbose($"Entra cluster: requests are signed with tokens for {kubeconfig.Scope} from the Azure connection (no kubelogin).");
            // With a reused Az PowerShell sign-in, the cluster's token must come from Az too, which answers only here.
            AzureCmdlet.RefreshHandedOverToken(this, azure, kubeconfig.Scope);
        }

        var clusterToken = AccessToken is null ? null : new System.Net.NetworkCredential(string.Empty, AccessToken).Password;
        return AksCredentials.Open(azure, kubeconfig, Namespace, clusterToken);
    }

    protected override bool IsSetupError(Core.Errors.SeekapaException ex) =>
        ex.ErrorId is "AzureNotConnected" or "NotKubernetesApi" or "AzureConnectionInvalid" or "AzureAuthenticationFailed" or "AzureUnreachable"
            or "AksTokenRequired" or "AksTokenAudienceInvalid" or "InvalidHeaderValue" || base.IsSetupError(ex);
}
