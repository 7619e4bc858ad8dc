using System.Management.Automation;
using Seekapa.Ops.Core.Redis;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>`redis-cli INFO stats` as typed numbers, for one or many endpoints; each endpoint fails on its own.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaRedisStats", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaRedisStats.md")]
[OutputType(typeof(RedisStats))]
public sealed class GetSeekapaRedisStatsCommand : RedisCmdlet
{
    /// <summary>Only this database in Keyspace.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Database { get; set; }

    protected override void Process() => ForEachEndpoint((_, connection) =>
    {
        WriteVerbose($"Connected to {connection.Display}; reading INFO.");
        var stats = Await(connection.ReadStatsAsync(Database, CancellationToken));
        WriteVerbose($"{connection.Display}: Redis {stats.Version} ({stats.Role}), {stats.TotalKeys} keys, {stats.UsedMemoryHuman} used.");
        WriteObject(stats);
    });
}
