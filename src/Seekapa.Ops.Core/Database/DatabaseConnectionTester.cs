using System.Diagnostics;
using Npgsql;

namespace Seekapa.Ops.Core.Database;

/// <summary>Test-SeekapaDatabaseConnection: connect, measure, and ask the server who we are, how it is encrypted and how full it is.</summary>
public static class DatabaseConnectionTester
{
    private const string FactsSql = """
        SELECT current_user::text,
               coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false),
               current_setting('server_version'),
               pg_is_in_recovery(),
               coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false),
               (SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()),
               (SELECT count(*)::int FROM pg_stat_activity a WHERE a.backend_type = 'client backend'
                   OR (a.backend_type IS NULL AND a.datname IS NOT NULL AND a.usename IS NOT NULL))
        """;

    public static async Task<DatabaseConnectionTest> TestAsync(DatabaseSession session, CancellationToken ct)
    {
        // No retry: the test reports what a client meets on its first try.
        var watch = Stopwatch.StartNew();
        return await session.ExecuteAsync(async (connection, token) =>
        {
            var connectTime = watch.Elapsed;
            var latency = TimeSpan.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                var started = Stopwatch.GetTimestamp();
                await ping.ExecuteScalarAsync(token).ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(started);
                latency = elapsed < latency ? elapsed : latency;
            }

            var limits = await DatabaseActivityReader.ReadLimitsAsync(connection, token).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(FactsSql, connection);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return new DatabaseConnectionTest
            {
                Host = session.Connection.Host,
                Port = session.Connection.Port,
                Database = session.Connection.Database,
                User = reader.GetString(0),
                Superuser = reader.GetBoolean(1),
                ServerVersion = reader.GetString(2),
                InRecovery = reader.GetBoolean(3),
                Tls = reader.GetBoolean(4),
                TlsVersion = reader.IsDBNull(5) ? null : reader.GetString(5),
                SslMode = session.Connection.SslMode,
                Connections = reader.GetInt32(6),
                MaxConnections = limits.MaxConnections,
                UsableConnections = limits.Usable,
                ConnectTime = connectTime,
                Latency = latency,
                Time = DateTimeOffset.UtcNow,
            };
        }, ct).ConfigureAwait(false);
    }
}
