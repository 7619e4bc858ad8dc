using System.Collections.Concurrent;
using Npgsql;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// One PostgreSQL target, as every database cmdlet uses it: opens a connection per command (no pool), retries a read
/// once when the connection broke under it, translates failures, and knows its secrets so that no message shows them.
/// </summary>
public sealed class DatabaseSession
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    private DatabaseSession(DatabaseTarget target)
    {
        var builder = new NpgsqlConnectionStringBuilder(target.Builder.ConnectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            _secrets[builder.Password] = 0;
        }

        var tlsName = ResolveOverrides.TryGetValue(target.Host, out var address) ? target.Host : null;
        if (tlsName is not null)
        {
            builder.Host = address;
        }

        var sources = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        if (tlsName is not null)
        {
            // The certificate is still checked against the name the operator gave, as for a real remote server.
            sources.UseSslClientAuthenticationOptionsCallback(options => options.TargetHost = tlsName);
        }

        if (target.Credential is { } credential)
        {
            var tokens = new EntraTokenProvider(credential);
            tokens.TokenIssued += token => _secrets[token] = 0;
            sources.UsePasswordProvider(_ => tokens.GetTokenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult(),
                (_, ct) => tokens.GetTokenAsync(ct));
        }

        _dataSource = sources.Build();
        SslRootCertificate = target.SslRootCertificate;
        ConnectHost = builder.Host ?? target.Host;
        Connection = new DatabaseConnection(target.Host, target.Port, target.Database, target.User, target.SslMode, target.Authentication)
        {
            Handle = this,
        };
    }

    /// <summary>
    /// Test seam, like curl --resolve: a host name mapped to the address to connect to, while TLS still checks the
    /// server's certificate against the name. The tests use it to reach a server on this machine under a name that the
    /// loopback rule treats as remote (no DNS here knows such a name). Nothing in the module adds to it.
    /// </summary>
    internal static ConcurrentDictionary<string, string> ResolveOverrides { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The CA certificate file the server is verified against; null: the system's roots.</summary>
    public string? SslRootCertificate { get; }

    /// <summary>Where connections go: the host, or its address from <see cref="ResolveOverrides"/>.</summary>
    internal string ConnectHost { get; }

    /// <summary>The public description (no secret) that cmdlets return and take back with -Connection.</summary>
    public DatabaseConnection Connection { get; }

    /// <summary>How long a read whose connection broke mid-way waits for the server to accept connections again.</summary>
    public TimeSpan ReconnectWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Builds the session; nothing is sent until a command runs (see <see cref="VerifyAsync"/>).</summary>
    public static DatabaseSession Open(DatabaseTarget target) => new(target);

    /// <summary>The session behind a DatabaseConnection created in this process.</summary>
    public static DatabaseSession FromConnection(DatabaseConnection connection) => connection.Handle as DatabaseSession
        ?? throw new SeekapaException("ConnectionInvalid", FailureCategory.InvalidArgument,
            $"The connection {connection} was not created by Connect-SeekapaDatabase in this process (it may have been deserialized).",
            connection.ToString(), "Run Connect-SeekapaDatabase in this session and pass the object it returns.");

    /// <summary>Text with this session's password and tokens, and anything that looks like a secret, replaced by ***.</summary>
    public string Redact(string? text) => Redactor.Redact(text, _secrets.Keys);

    /// <summary>
    /// The exception with every secret of this session taken out of its message, target and recommended action. When
    /// anything had to be taken out, the inner exception (the server's or the driver's own text) is dropped too. A
    /// server error (PostgresException) is never kept as the inner exception: its Detail, Where, InternalQuery and the
    /// failed statement echo row data and literals, which the message shows masked (DatabaseErrors.Describe).
    /// </summary>
    public SeekapaException Scrub(SeekapaException ex)
    {
        var message = Redact(ex.Message);
        var target = ex.Target is string text ? Redact(text) : ex.Target;
        var action = ex.RecommendedAction is null ? null : Redact(ex.RecommendedAction);
        var inner = ex.InnerException?.ToString();
        var leaked = message != ex.Message || !Equals(target, ex.Target) || action != ex.RecommendedAction ||
                     (inner is not null && Redact(inner) != inner) || CarriesServerError(ex.InnerException);
        return leaked ? new SeekapaException(ex.ErrorId, ex.Category, message, target, action) : ex;
    }

    private static bool CarriesServerError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is PostgresException || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(CarriesServerError)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Connects, asks the server its version, and records it on <see cref="Connection"/>.</summary>
    public Task VerifyAsync(CancellationToken ct) => ReadAsync(async (connection, token) =>
    {
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version')", connection);
        Connection.ServerVersion = (string?)await command.ExecuteScalarAsync(token).ConfigureAwait(false);
        return true;
    }, ct);

    /// <summary>Opens a new connection; failures become DatabaseUnreachable, DatabaseAuthenticationFailed, ...</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DatabaseErrors.Translate(this, ex, opening: true);
        }
    }

    /// <summary>
    /// Runs a read-only function on a new connection. When the connection breaks (a server restart, a failover, a dropped
    /// socket) the read runs once more on a new connection; if the connection had been established, the retry waits up to
    /// <see cref="ReconnectWindow"/> for a restarting server. A second failure is reported with both causes.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var connected = false;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            connected = true;
            return await read(connection, ct).ConfigureAwait(false);
        }
        catch (Exception first) when (DatabaseErrors.IsConnectionLoss(first) && !ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = connected ? await OpenWhenBackAsync(ct).ConfigureAwait(false) : await RetryOpenAsync(ct).ConfigureAwait(false);
                return await read(connection, ct).ConfigureAwait(false);
            }
            catch (Exception second) when (second is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw Lost(first, second, connected);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DatabaseErrors.Translate(this, ex, opening: !connected);
        }
    }

    /// <summary>Runs a function that changes something, on a new connection, once: a change is never repeated blindly.</summary>
    public async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> action, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            return await action(connection, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DatabaseErrors.Translate(this, ex, opening: false);
        }
    }

    private async Task<NpgsqlConnection> RetryOpenAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        return await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
    }

    private async Task<NpgsqlConnection> OpenWhenBackAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReconnectWindow;
        while (true)
        {
            try
            {
                return await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (DatabaseErrors.IsConnectionLoss(ex) && DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
        }
    }

    private SeekapaException Lost(Exception first, Exception second, bool connected)
    {
        var retry = DatabaseErrors.Translate(this, second, opening: true);
        if (!connected)
        {
            return retry;
        }

        var where = $"{Connection.Host}:{Connection.Port}";
        return new SeekapaException("DatabaseConnectionLost", FailureCategory.ConnectionError,
            $"The connection to PostgreSQL at {where} broke during the read ({DatabaseErrors.Translate(this, first, opening: false).Message}), " +
            $"and the retry failed too: {retry.Message}",
            Connection.ToString(), "The server may be restarting or failing over: run the command again when it is back.", second);
    }
}
