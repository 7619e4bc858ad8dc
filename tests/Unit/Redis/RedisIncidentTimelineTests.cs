using System.Net;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Redis;

/// <summary>
/// A flush lands in the active incident's timeline (endpoint, database, keys removed), never with the password; -WhatIf
/// records nothing. Uses its own databases of the secured server, which no test flushes wholesale.
/// </summary>
[Collection(IncidentPathCollection.Name)]
public sealed class RedisIncidentTimelineTests : IDisposable
{
    private readonly CmdletHost _host = new();
    private readonly IncidentPathScope _scope = new();

    private CmdletHost.Result Run(string script) => _host.Invoke(script, new Dictionary<string, object?>
    {
        ["secured"] = RedisServer.Secured.Endpoint,
        ["pw"] = new NetworkCredential(string.Empty, RedisServer.Password).SecurePassword,
    });

    [Fact]
    public void AFlushIsRecordedWithoutThePasswordAndWhatIfRecordsNothing()
    {
        var secured = RedisServer.Secured;
        secured.Seed(13, 3, "timeline");
        var incident = (Incident)Assert.Single(Run("Start-SeekapaIncident SEV2 'Stale cache'").Output).BaseObject;

        Assert.Empty(Run("Clear-SeekapaRedisCache $secured -Database 13 -Password $pw -WhatIf").Errors);
        Assert.DoesNotContain(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);

        var result = Run("Clear-SeekapaRedisCache $secured -Database 13 -Password $pw -Confirm:$false");
        Assert.Empty(result.Errors);
        var entry = Assert.Single(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal(("Clear-SeekapaRedisCache", $"{secured.Endpoint} database 13", "FLUSHDB", "Removed 3 keys", "3 keys", "0 keys"),
            (entry.Cmdlet, entry.Target, entry.Action, entry.Outcome, entry.Before, entry.After));
        Assert.DoesNotContain(RedisServer.Password, File.ReadAllText(_scope.Store.PathOf(incident.Id)), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _host.Dispose();
        _scope.Dispose();
    }
}
