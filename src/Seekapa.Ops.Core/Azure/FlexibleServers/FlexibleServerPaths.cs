using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>
/// Resource Manager paths of Microsoft.DBforPostgreSQL flexible servers, with their pinned api-versions, and the name rules
/// checked before any call (a name is part of the URL: '/' or '?' in it must never reach a request).
/// </summary>
public static partial class FlexibleServerPaths
{
    public const string Provider = "Microsoft.DBforPostgreSQL";

    // Azure's rule for flexible server names: 3-63 characters, lowercase letters, digits and hyphens, no hyphen at either end.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ServerNamePattern();

    // Resource group names: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'.
    [GeneratedRegex(@"^[\p{L}\p{Nd}_\-\.\(\)]{0,89}[\p{L}\p{Nd}_\-\(\)]$")]
    private static partial Regex ResourceGroupPattern();

    // Server parameter names such as max_connections, azure.extensions, pgbouncer.default_pool_size.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex ParameterNamePattern();

    public static string Servers(AzureSession session, string resourceGroup) =>
        $"{session.SubscriptionPath}/resourceGroups/{resourceGroup}/providers/{Provider}/flexibleServers";

    public static string ServerId(AzureSession session, string resourceGroup, string name) => $"{Servers(session, resourceGroup)}/{name}";

    public static string Server(AzureSession session, string resourceGroup, string name) =>
        $"{ServerId(session, resourceGroup, name)}?api-version={session.ApiVersions.FlexibleServers}";

    public static string ServersList(AzureSession session, string resourceGroup) =>
        $"{Servers(session, resourceGroup)}?api-version={session.ApiVersions.FlexibleServers}";

    public static string Configuration(AzureSession session, string resourceGroup, string server, string name) =>
        $"{ServerId(session, resourceGroup, server)}/configurations/{name}?api-version={session.ApiVersions.FlexibleServerConfigurations}";

    public static string Restart(AzureSession session, string resourceGroup, string server) =>
        $"{ServerId(session, resourceGroup, server)}/restart?api-version={session.ApiVersions.FlexibleServers}";

    /// <summary>checkNameAvailability in the region the server would be created in (ARM wants the short name: eastus).</summary>
    public static string CheckNameAvailability(AzureSession session, string location) =>
        $"{session.SubscriptionPath}/providers/{Provider}/locations/{LocationName(location)}/checkNameAvailability" +
        $"?api-version={session.ApiVersions.FlexibleServers}";

    /// <summary>"East US" and "eastus" are the same region; paths use the short form.</summary>
    public static string LocationName(string location) => location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>
    /// Checks a server name before it goes into a URL. Existing servers are looked up case-insensitively (as ARM does);
    /// a new server's name must be lowercase, as Azure requires.
    /// </summary>
    public static void ValidateServerName(string name, string parameter, bool newServer = false)
    {
        var candidate = newServer ? name ?? string.Empty : (name ?? string.Empty).ToLowerInvariant();
        if (!ServerNamePattern().IsMatch(candidate))
        {
            throw new SeekapaException("InvalidServerName", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid flexible server name ({parameter}): 3-63 characters, lowercase letters, digits and hyphens, " +
                "not starting or ending with a hyphen.", name);
        }
    }

    public static void ValidateResourceGroup(string name, string parameter)
    {
        if (!ResourceGroupPattern().IsMatch(name ?? string.Empty))
        {
            throw new SeekapaException("InvalidResourceGroupName", FailureCategory.InvalidArgument,
                $"'{name}' is not a valid resource group name ({parameter}): 1-90 letters, digits, '_', '-', '.', '(' or ')', " +
                "not ending with '.'.", name);
        }
    }

    public static void ValidateParameterName(string name)
    {
        if (!ParameterNamePattern().IsMatch(name ?? string.Empty))
        {
            throw new SeekapaException("InvalidParameterName", FailureCategory.InvalidArgument,
                $"'{name}' is not a server parameter name (letters, digits, '_' and '.', e.g. max_connections).", name);
        }
    }
}
