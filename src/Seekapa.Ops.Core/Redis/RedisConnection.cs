using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seekapa.Ops.Core.Errors;
using StackExchange.Redis;

namespace Seekapa.Ops.Core.Redis;

/// <summary>
/// One connection to one Redis server (StackExchange.Redis, admin mode for INFO, DBSIZE and the flushes through the
/// IServer API). Every failure becomes a SeekapaException whose text never contains the password.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly IServer _server;
    private readonly RedisErrors _errors;

    private RedisConnection(RedisEndpoint endpoint, ConnectionMultiplexer multiplexer, RedisErrors errors)
    {
        Endpoint = endpoint;
        _multiplexer = multiplexer;
        _server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        _errors = errors;
    }

    /// <summary>The endpoint as connected (TLS as used; never a password).</summary>
    public RedisEndpoint Endpoint { get; }

    public string Display => Endpoint.Display;

    /// <summary>
    /// The settings a connection to <paramref name="endpoint"/> would use, without a password, for Debug output;
    /// also validates the options (a missing CA file is an error before any connection).
    /// </summary>
    public static string Describe(RedisEndpoint endpoint, RedisConnectOptions options)
    {
        var config = Configure(endpoint, options, new RedisErrors(endpoint.Display, null));
        return config.ToString(includePassword: false);
    }

    /// <summary>Connects, or throws RedisUnreachable, RedisAuthenticationFailed, RedisTlsFailed, RedisTimeout.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisEndpoint endpoint, RedisConnectOptions options, CancellationToken cancellationToken)
    {
        var effective = Effective(endpoint, options);
        var errors = new RedisErrors(effective.Display, options.Password ?? endpoint.Password);
        var config = Configure(endpoint, options, errors);
        var connecting = ConnectionMultiplexer.ConnectAsync(config);
        try
        {
            var multiplexer = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new RedisConnection(effective, multiplexer, errors);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connect goes on in the background: close what it opens.
            _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        catch (RedisConnectionException ex) when (ex.FailureType != ConnectionFailureType.AuthenticationFailure)
        {
            // The client says only "unable to connect": a plain TCP connect tells refused, unresolvable and silent apart.
            var reason = await ProbeAsync(endpoint, options.Timeout, cancellationToken).ConfigureAwait(false);
            throw errors.Translate(ex, "connect", reason);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw errors.Translate(ex, "connect");
        }
    }

    private static async Task<string> ProbeAsync(RedisEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var limit = timeout < TimeSpan.FromSeconds(3) ? timeout : TimeSpan.FromSeconds(3);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token).ConfigureAwait(false);
            return "the port accepts connections, but the Redis handshake failed (TLS expected and not used, or the other way round, or not a Redis server)";
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return $"the name '{endpoint.Host}' could not be resolved";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return $"connection refused: nothing listens on port {endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        }
        catch (SocketException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no answer within {limit.TotalSeconds:0.#} s (a firewall, or the wrong address)");
        }
    }

    private static RedisEndpoint Effective(RedisEndpoint endpoint, RedisConnectOptions options) =>
        endpoint with { Tls = endpoint.Tls || options.Tls || options.CaCertificatePath is not null, Password = null };

    private static ConfigurationOptions Configure(RedisEndpoint endpoint, RedisConnectOptions options, RedisErrors errors)
    {
        var effective = Effective(endpoint, options);
        var timeout = (int)Math.Clamp(options.Timeout.TotalMilliseconds, 1, int.MaxValue);
        var config = new ConfigurationOptions
        {
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = timeout,
            AsyncTimeout = timeout,
            SyncTimeout = timeout,
            ClientName = "Seekapa.Ops",
            // The tie-breaker is a GET on connect: it would count as a keyspace miss in the very statistics we read.
            TieBreaker = string.Empty,
            User = endpoint.User,
            Password = options.Password ?? endpoint.Password,
            Ssl = effective.Tls,
            DefaultDatabase = endpoint.Database,
        };
        config.EndPoints.Add(endpoint.Host, endpoint.Port);
        if (effective.Tls)
        {
            config.SslHost = endpoint.Host;
            var ca = options.CaCertificatePath is { } path ? LoadCa(path) : null;
            config.CertificateValidation += (_, certificate, _, policyErrors) => errors.CheckCertificate(certificate, policyErrors, ca);
        }

        return config;
    }

    private static X509Certificate2 LoadCa(string path)
    {
        if (!File.Exists(path))
        {
            throw new SeekapaException("CaCertificateNotFound", FailureCategory.ObjectNotFound,
                $"The CA certificate file '{path}' does not exist.", path);
        }

        try
        {
            return new X509Certificate2(path);
        }
        catch (CryptographicException ex)
        {
            throw new SeekapaException("InvalidCaCertificate", FailureCategory.InvalidArgument,
                $"'{path}' is not a certificate (PEM or DER): {ex.Message}", path);
        }
    }

    /// <summary>INFO (the default sections) as typed statistics; with <paramref name="database"/>, only its keyspace entry.</summary>
    public async Task<RedisStats> ReadStatsAsync(int? database, CancellationToken cancellationToken)
    {
        var raw = await Guard(() => _server.InfoRawAsync(), "INFO", cancellationToken).ConfigureAwait(false);
        return RedisInfo.ToStats(Display, RedisInfo.Parse(raw ?? string.Empty), DateTimeOffset.UtcNow, database);
    }

    /// <summary>The databases that have keys (INFO keyspace).</summary>
    public async Task<IReadOnlyList<RedisKeyspace>> ReadKeyspaceAsync(CancellationToken cancellationToken)
    {
        var raw = await Guard(() => _server.InfoRawAsync("keyspace"), "INFO keyspace", cancellationToken).ConfigureAwait(false);
        return RedisInfo.Keyspace(Display, RedisInfo.Parse(raw ?? string.Empty));
    }

    /// <summary>DBSIZE of one database (an index the server does not have is RedisCommandFailed).</summary>
    public Task<long> CountKeysAsync(int database, CancellationToken cancellationToken) =>
        Guard(() => _server.DatabaseSizeAsync(database), string.Create(CultureInfo.InvariantCulture, $"DBSIZE (db {database})"), cancellationToken);

    /// <summary>DBSIZE, FLUSHDB, DBSIZE on one database.</summary>
    public async Task<RedisFlushResult> FlushDatabaseAsync(int database, CancellationToken cancellationToken)
    {
        var before = await CountKeysAsync(database, cancellationToken).ConfigureAwait(false);
        await Guard(async () =>
        {
            await _server.FlushDatabaseAsync(database).ConfigureAwait(false);
            return true;
        }, string.Create(CultureInfo.InvariantCulture, $"FLUSHDB (db {database})"), cancellationToken).ConfigureAwait(false);
        var after = await CountKeysAsync(database, cancellationToken).ConfigureAwait(false);
        return Result("FLUSHDB", database, before, after);
    }

    /// <summary>
    /// FLUSHALL, with one result per database that had keys before or has keys after (INFO keyspace around the flush);
    /// a server with no keys at all gives one result for database 0.
    /// </summary>
    public async Task<IReadOnlyList<RedisFlushResult>> FlushAllAsync(CancellationToken cancellationToken)
    {
        var before = (await ReadKeyspaceAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(k => k.Database, k => k.Keys);
        await Guard(async () =>
        {
            await _server.FlushAllDatabasesAsync().ConfigureAwait(false);
            return true;
        }, "FLUSHALL", cancellationToken).ConfigureAwait(false);
        var after = (await ReadKeyspaceAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(k => k.Database, k => k.Keys);
        var databases = before.Keys.Union(after.Keys).Order().ToList();
        if (databases.Count == 0)
        {
            databases.Add(0);
        }

        return databases.Select(db => Result("FLUSHALL", db, before.GetValueOrDefault(db), after.GetValueOrDefault(db))).ToList();
    }

    private RedisFlushResult Result(string command, int database, long before, long after) => new()
    {
        Endpoint = Display,
        Database = database,
        Command = command,
        KeysBefore = before,
        KeysAfter = after,
        KeysRemoved = Math.Max(0, before - after),
        Time = DateTimeOffset.UtcNow,
    };

    private async Task<T> Guard<T>(Func<Task<T>> call, string command, CancellationToken cancellationToken)
    {
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisCommandException or TimeoutException)
        {
            throw _errors.Translate(ex, command);
        }
    }

    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync().ConfigureAwait(false);
}
