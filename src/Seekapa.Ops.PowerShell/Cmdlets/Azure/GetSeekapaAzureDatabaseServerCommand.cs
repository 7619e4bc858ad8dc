using System.Management.Automation;
using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>az postgres flexible-server show / list: state, FQDN, version, backup window and high availability.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaAzureDatabaseServer", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaAzureDatabaseServer.md")]
[OutputType(typeof(AzureDatabaseServer))]
public sealed class GetSeekapaAzureDatabaseServerCommand : AzureCmdlet
{
    /// <summary>The resource group of the servers.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Server names; wildcards allowed; omitted lists every flexible server in the resource group.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("ServerName")]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        FlexibleServerPaths.ValidateResourceGroup(ResourceGroupName, "-ResourceGroupName");
        // Flexible server names are lowercase; ARM matches them case-insensitively, and so does this filter.
        var names = Name?.Select(n => n.ToLowerInvariant()).ToArray();
        var filter = new NameFilter(names);
        foreach (var name in filter.ExplicitNames)
        {
            FlexibleServerPaths.ValidateServerName(name, "-Name");
        }

        var reader = new FlexibleServerReader(Azure);
        if (filter.SingleExplicitName is { } single)
        {
            WriteObject(Await(reader.GetAsync(ResourceGroupName, single, CancellationToken)));
            return;
        }

        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var server in Stream(reader.ListAsync(ResourceGroupName, CancellationToken)))
        {
            if (filter.Matches(server.Name.ToLowerInvariant()))
            {
                found.Add(server.Name);
                WriteObject(server);
            }
        }

        foreach (var missing in filter.ExplicitNames.Where(n => !found.Contains(n)))
        {
            WriteFailure(FlexibleServerErrors.ServerNotFound(Azure, ResourceGroupName, missing, null));
        }
    }
}
