using System.Globalization;
using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Redis;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>
/// The runbook's `redis-cli FLUSHDB` (FLUSHALL only with -AllDatabases). Before asking, it connects and counts the keys
/// (DBSIZE), so that -WhatIf and -Confirm say how many would go; -WhatIf sends no flush.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "SeekapaRedisCache", HelpUri = HelpLinks.Cmdlets + "Clear-SeekapaRedisCache.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(RedisFlushResult))]
public sealed class ClearSeekapaRedisCacheCommand : RedisCmdlet
{
    private const string DatabaseSet = "Database";
    private const string AllSet = "AllDatabases";

    /// <summary>The database to flush; the one in a redis://host/N URI when not given.</summary>
    [Parameter(ParameterSetName = DatabaseSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int? Database { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter AllDatabases { get; set; }

    protected override void Process() => ForEachEndpoint((endpoint, connection) =>
    {
        if (AllDatabases)
        {
            FlushAll(connection);
        }
        else
        {
            FlushDatabase(connection, ResolveDatabase(endpoint));
        }
    }, endpoint =>
    {
        if (!AllDatabases)
        {
            ResolveDatabase(endpoint);
        }
    });

    /// <summary>-Database, else the URI's /N; both and different is refused rather than guessing which one was meant.</summary>
    private int ResolveDatabase(RedisEndpoint endpoint)
    {
        if (Database is { } given && endpoint.Database is { } inUri && given != inUri)
        {
            throw new SeekapaException("InvalidParameterCombination", FailureCategory.InvalidArgument,
                $"-Database {given} and the database {inUri} in the URI of {endpoint.Display} differ: say which one to flush.", endpoint.Display);
        }

        return Database ?? endpoint.Database ?? throw new SeekapaException("DatabaseNotSpecified", FailureCategory.InvalidArgument,
            $"Which database of {endpoint.Display} should be flushed? Nothing was flushed.", endpoint.Display,
            "Pass -Database N (FLUSHDB), or -AllDatabases (FLUSHALL) to flush every database.");
    }

    private void FlushDatabase(RedisConnection connection, int database)
    {
        var keys = Await(connection.CountKeysAsync(database, CancellationToken));
        var target = string.Create(CultureInfo.InvariantCulture, $"{connection.Display} database {database}");
        if (!ShouldProcess(target, string.Create(CultureInfo.InvariantCulture, $"FLUSHDB: remove all {keys:N0} keys")))
        {
            return;
        }

        var result = Await(connection.FlushDatabaseAsync(database, CancellationToken));
        RecordChange(target, "FLUSHDB", string.Create(CultureInfo.InvariantCulture, $"Removed {result.KeysRemoved} keys"),
            string.Create(CultureInfo.InvariantCulture, $"{result.KeysBefore} keys"), string.Create(CultureInfo.InvariantCulture, $"{result.KeysAfter} keys"));
        WriteObject(result);
    }

    private void FlushAll(RedisConnection connection)
    {
        var keyspace = Await(connection.ReadKeyspaceAsync(CancellationToken));
        var detail = keyspace.Count == 0
            ? "no database has keys"
            : string.Join(", ", keyspace.Select(k => string.Create(CultureInfo.InvariantCulture, $"db{k.Database} {k.Keys:N0}")));
        var total = keyspace.Sum(k => k.Keys);
        if (!ShouldProcess(connection.Display, string.Create(CultureInfo.InvariantCulture, $"FLUSHALL: remove all {total:N0} keys of every database ({detail})")))
        {
            return;
        }

        var results = Await(connection.FlushAllAsync(CancellationToken));
        RecordChange($"{connection.Display} all databases", "FLUSHALL",
            string.Create(CultureInfo.InvariantCulture, $"Removed {results.Sum(r => r.KeysRemoved)} keys"),
            string.Create(CultureInfo.InvariantCulture, $"{results.Sum(r => r.KeysBefore)} keys"),
            string.Create(CultureInfo.InvariantCulture, $"{results.Sum(r => r.KeysAfter)} keys"));
        WriteObject(results, enumerateCollection: true);
    }
}
