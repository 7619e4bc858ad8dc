namespace Seekapa.Ops.PowerShell.Cmdlets;

/// <summary>
/// Where each cmdlet's online help lives (the HelpUri of its [Cmdlet] attribute: Get-Help -Online, and the first related
/// link of the MAML help). One page per cmdlet in docs/cmdlets of the repository named by the manifest's ProjectUri.
/// </summary>
internal static class HelpLinks
{
    public const string Cmdlets = "https://github.com/seekapa/Seekapa.Ops/blob/main/docs/cmdlets/";
}
