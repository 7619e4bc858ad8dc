using System.Management.Automation.Runspaces;

namespace Seekapa.Ops.Pwsh74;

/// <summary>A pwsh look-alike: the same console shell pwsh runs, on the runtime this host was published with.</summary>
public static class Program
{
    public static int Main(string[] args) =>
        Microsoft.PowerShell.ConsoleShell.Start(InitialSessionState.CreateDefault2(), bannerText: string.Empty, helpText: string.Empty, args);
}
