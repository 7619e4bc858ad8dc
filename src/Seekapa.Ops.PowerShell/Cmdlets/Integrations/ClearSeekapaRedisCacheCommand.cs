using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Redis;
using Seekapa.Ops.Core.Security;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>
/// The runbook's `redis-cli FLUSHDB` (FLUSHALL only with -AllDatabases). Before asking, it connects and counts the keys
/// (DBSIZE), so that -WhatIf and -Confirm say how many would go; -WhatIf sends no flush.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "SeekapaRedisCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(RedisFlushResult))]
public sealed class ClearSeekapaRedisCacheCommand : SeekapaCmdlet
{
    private const string DatabaseSet = "Database";
    private const string AllSet = "AllDatabases";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Endpoint { get; set; } = Array.Empty<string>();

    /// <summary>The database to flush; the one in a redis://host/N URI when not given.</summary>
    [Parameter(ParameterSetName = DatabaseSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int? Database { get; set; }

    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter AllDatabases { get; set; }

    [Parameter]
    public SecureString? Password { get; set; }

    [Parameter]
    public SwitchParameter Tls { get; set; }

    [Parameter]
    public string? CaCertificatePath { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    private RedisConnectOptions _options = new();

    protected override void Begin()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument, "-Timeout must be more than zero.");
        }

        _options = new RedisConnectOptions
        {
            Password = Password is null ? null : new NetworkCredential(string.Empty, Password).Password,
            Tls = Tls,
            CaCertificatePath = CaCertificatePath is null ? null : GetUnresolvedProviderPathFromPSPath(CaCertificatePath),
            Timeout = Timeout,
        };
    }

    protected override void Process()
    {
        foreach (var text in Endpoint)
        {
            try
            {
                var endpoint = RedisEndpoint.Parse(text);
                int? database = AllDatabases ? null : ResolveDatabase(endpoint);
                WriteDebug("StackExchange.Redis configuration: " + Redactor.Redact(RedisConnection.Describe(endpoint, _options), [_options.Password, endpoint.Password]));
                var connection = Await(RedisConnection.ConnectAsync(endpoint, _options, CancellationToken));
                try
                {
                    if (database is { } db)
                    {
                        FlushDatabase(connection, db);
                    }
                    else
                    {
                        FlushAll(connection);
                    }
                }
                finally
                {
                    Await(connection.DisposeAsync().AsTask());
                }
            }
            catch (SeekapaException ex) when (!IsSetupError(ex))
            {
                WriteFailure(ex);
            }
        }
    }

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

    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) ||
        ex.ErrorId is "InvalidTimeout" or "CaCertificateNotFound" or "InvalidCaCertificate";
}
