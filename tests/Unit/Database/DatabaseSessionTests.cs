using Npgsql;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>Core's session against the real server: authentication, TLS, failures, and reads across a server restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseSessionTests(PostgresServer server)
{
    private DatabaseSession Superuser(DatabaseSslMode mode = DatabaseSslMode.Disable) =>
        DatabaseSession.Open(DatabaseTarget.FromServer(PostgresServer.Host, server.Port, "postgres", PostgresServer.Superuser, server.Password, mode));

    private static Task<T> Scalar<T>(DatabaseSession session, string sql) => session.ReadAsync(async (connection, ct) =>
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }, CancellationToken.None);

    [Fact]
    public async Task VerifyFillsTheServerVersion()
    {
        var session = Superuser();
        await session.VerifyAsync(CancellationToken.None);
        Assert.Equal(await server.ScalarAsync<string>("SHOW server_version"), session.Connection.ServerVersion);
    }

    [Theory]
    [InlineData(DatabaseSslMode.Require, true)]
    [InlineData(DatabaseSslMode.Prefer, true)]
    [InlineData(DatabaseSslMode.Disable, false)]
    public async Task TheSslModeDecidesWhetherTheServerSeesTls(DatabaseSslMode mode, bool tls)
    {
        Assert.Equal(tls, await Scalar<bool>(Superuser(mode), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task TheApplicationNameTellsOperatorsWhoWeAre()
    {
        Assert.Equal("Seekapa.Ops", await Scalar<string>(Superuser(), "SELECT current_setting('application_name')"));
    }

    [Fact]
    public async Task AWrongPasswordIsAnAuthenticationFailureThatDoesNotShowIt()
    {
        const string wrong = "not-the-password-4711";
        var session = DatabaseSession.Open(DatabaseTarget.FromServer(PostgresServer.Host, server.Port, null, PostgresServer.Superuser, wrong,
            DatabaseSslMode.Disable));
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None));
        Assert.Equal("DatabaseAuthenticationFailed", ex.ErrorId);
        Assert.Equal(FailureCategory.AuthenticationError, ex.Category);
        Assert.Contains("28P01", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.Message + ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingPasswordIsAnAuthenticationFailure()
    {
        var session = DatabaseSession.Open(DatabaseTarget.FromServer(PostgresServer.Host, server.Port, null, "nobody-here", null, DatabaseSslMode.Disable));
        Assert.Equal("DatabaseAuthenticationFailed", (await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task AClosedPortIsUnreachable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var session = DatabaseSession.Open(DatabaseTarget.FromServer(PostgresServer.Host, port, null, "app", "pw-unreachable", DatabaseSslMode.Disable));
        var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None));
        Assert.Equal("DatabaseUnreachable", ex.ErrorId);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDatabaseIsNamed()
    {
        var session = DatabaseSession.Open(DatabaseTarget.FromServer(PostgresServer.Host, server.Port, "no_such_db", PostgresServer.Superuser,
            server.Password, DatabaseSslMode.Disable));
        Assert.Equal("DatabaseNotFound", (await Assert.ThrowsAsync<SeekapaException>(() => session.VerifyAsync(CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task AnAccessTokenIsSentAsThePassword()
    {
        var token = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJvcHMifQ." + Guid.NewGuid().ToString("N");
        await server.CreateRoleAsync("entra_ops", token);
        var session = DatabaseSession.Open(DatabaseTarget.FromAccessToken(PostgresServer.Host, server.Port, null, "entra_ops", token,
            DatabaseSslMode.Require));
        Assert.Equal("entra_ops", await Scalar<string>(session, "SELECT current_user::text"));
        Assert.Equal(DatabaseAuthentication.AccessToken, session.Connection.Authentication);
    }

    [Fact]
    public async Task IdentityTokensComeFromTheCredentialForTheDatabaseScopeOnEveryNewConnection()
    {
        var token = "mi-token-" + Guid.NewGuid().ToString("N");
        await server.CreateRoleAsync("entra_mi", token);
        var credential = new RecordingCredential((token, DateTimeOffset.UtcNow.AddHours(1)));
        var session = DatabaseSession.Open(DatabaseTarget.FromTokenCredential(PostgresServer.Host, server.Port, null, "entra_mi", credential,
            DatabaseSslMode.Require));

        Assert.Equal("entra_mi", await Scalar<string>(session, "SELECT current_user::text"));
        Assert.Equal("entra_mi", await Scalar<string>(session, "SELECT current_user::text"));

        Assert.All(credential.Requests, scopes => Assert.Equal(new[] { EntraTokenProvider.Scope }, scopes));
        Assert.Single(credential.Requests);
        Assert.Equal("failed with ***", session.Redact($"failed with {token}"));
    }

    [Fact]
    public async Task TableSizesArePrintedLikePgSizePretty()
    {
        long[] sizes = [0, 1, 8192, 10239, 10240, 10752, 20479 * 512L, 20479 * 512L + 512, 1_000_000, 123_456_789, 10_737_418_240,
            5_000_000_000_000, 3_000_000_000_000_000, -10240, -123_456_789];
        foreach (var size in sizes)
        {
            Assert.Equal(await server.ScalarAsync<string>("SELECT pg_size_pretty($1::bigint)", size), DatabaseTableSize.FormatBytes(size));
        }
    }

    [Fact]
    public async Task AReadCutByAServerRestartIsRetriedOnceTheServerIsBack()
    {
        var session = Superuser();
        var attempts = 0;
        var restart = Task.CompletedTask;
        var result = await session.ReadAsync(async (connection, ct) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                var pid = connection.ProcessID;
                restart = Task.Run(async () =>
                {
                    await Waits.UntilAsync(async () => await server.ScalarAsync<long>(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", pid) == 1, "the first read running");
                    await server.RestartAsync();
                });
                await using var slow = new NpgsqlCommand("SELECT pg_sleep(60)", connection) { CommandTimeout = 0 };
                await slow.ExecuteNonQueryAsync(ct);
            }

            await using var command = new NpgsqlCommand("SELECT 'after the restart'", connection);
            return (string)(await command.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);
        await restart;

        Assert.Equal("after the restart", result);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task AReadCutByAServerThatStaysDownIsAClearErrorAndALaterReadSucceeds()
    {
        var session = Superuser();
        session.ReconnectWindow = TimeSpan.FromSeconds(1);
        var stop = Task.CompletedTask;
        try
        {
            var ex = await Assert.ThrowsAsync<SeekapaException>(() => session.ReadAsync<bool>(async (connection, ct) =>
            {
                var pid = connection.ProcessID;
                stop = Task.Run(async () =>
                {
                    await Waits.UntilAsync(async () => await server.ScalarAsync<long>(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", pid) == 1, "the read running");
                    await server.StopAsync();
                });
                await using var slow = new NpgsqlCommand("SELECT pg_sleep(60)", connection) { CommandTimeout = 0 };
                await slow.ExecuteNonQueryAsync(ct);
                return true;
            }, CancellationToken.None));
            await stop;

            Assert.Equal("DatabaseConnectionLost", ex.ErrorId);
            Assert.Equal(FailureCategory.ConnectionError, ex.Category);
            Assert.Contains("broke during the read", ex.Message, StringComparison.Ordinal);
            Assert.Contains("retry failed too", ex.Message, StringComparison.Ordinal);
            Assert.Contains("restarting", ex.RecommendedAction, StringComparison.Ordinal);
        }
        finally
        {
            await stop;
            await server.StartAsync();
        }

        Assert.Equal(1, await Scalar<int>(session, "SELECT 1"));
    }

    [Fact]
    public async Task TheSummaryForTriageComesFromAnOpenConnection()
    {
        await using var sleeper = await BackgroundQuery.StartAsync(server, "SELECT pg_sleep(300)");
        var session = Superuser();
        await using var connection = await session.OpenConnectionAsync(CancellationToken.None);

        var summary = await DatabaseActivityReader.ReadSummaryAsync(connection, CancellationToken.None);
        var snapshot = await DatabaseActivityReader.ReadSessionsAsync(connection, session.Connection, CancellationToken.None);

        Assert.Equal(PostgresServer.Host, summary.Host);
        Assert.True(summary.Active >= 2);
        Assert.Equal(summary.MaxConnections - summary.ReservedConnections, summary.UsableConnections);
        Assert.Equal(connection.ProcessID, snapshot.OwnPid);
        Assert.Same(session.Connection, Assert.Single(snapshot.Sessions, s => s.Pid == sleeper.Pid).Connection);
    }
}
