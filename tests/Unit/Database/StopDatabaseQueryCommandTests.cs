using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class StopDatabaseQueryCommandTests(PostgresServer server) : DatabaseCmdletTest(server)
{
    private static readonly TimeSpan Old = TimeSpan.FromSeconds(2);

    private Task GoneAsync(int pid) => Waits.UntilAsync(async () => !await BackgroundQuery.AliveAsync(Server, pid), $"pid {pid} gone");

    [Fact]
    public async Task MinDurationTerminatesExactlyTheOldQueriesAndNeverTheCaller()
    {
        ConnectAsSuperuser();
        await using var old1 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var old2 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var oldIdle = await Server.OpenAsync();
        await using (var once = new Npgsql.NpgsqlCommand("SELECT 1", oldIdle))
        {
            await once.ExecuteNonQueryAsync();
        }

        await Waits.QueryAgeAsync(Server, old1.Pid, Old);
        await Waits.QueryAgeAsync(Server, old2.Pid, Old);
        await Waits.QueryAgeAsync(Server, oldIdle.ProcessID, Old);
        await using var young = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(0.05)", loop: true);

        var result = Run("Stop-SeekapaDatabaseQuery -MinDuration 2s -Confirm:$false -Verbose").NoErrors();

        var stops = result.Objects<DatabaseQueryStop>().ToList();
        Assert.Equal(new[] { old1.Pid, old2.Pid }.Order(), stops.Select(s => s.Pid).Order());
        Assert.All(stops, s =>
        {
            Assert.Equal(DatabaseStopOutcome.Terminated, s.Outcome);
            Assert.Equal("postgres", s.User);
            Assert.True(s.QueryDuration >= Old);
        });
        await GoneAsync(old1.Pid);
        await GoneAsync(old2.Pid);
        await Assert.ThrowsAnyAsync<Exception>(() => old1.Completion);
        Assert.True(await BackgroundQuery.AliveAsync(Server, young.Pid));
        Assert.True(await BackgroundQuery.AliveAsync(Server, oldIdle.ProcessID));
        Assert.Equal(2, result.Verbose.Count(v => v.StartsWith("TerminateSession pid ", StringComparison.Ordinal) && v.Contains(": Terminated", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EvenWithNoDurationTheCallersOwnSessionIsNeverSelected()
    {
        ConnectAsSuperuser();
        await using var other = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        // Every active session qualifies for -MinDuration 0; the command's own is active too, and is left out.
        var result = Run("Stop-SeekapaDatabaseQuery -MinDuration 0 -Confirm:$false").NoErrors();

        var stop = Assert.Single(result.Objects<DatabaseQueryStop>());
        Assert.Equal((other.Pid, DatabaseStopOutcome.Terminated), (stop.Pid, stop.Outcome));
    }

    [Fact]
    public async Task TheOwnSessionIsDeniedEvenWhenAskedForByPid()
    {
        var session = DatabaseSession.Open(DatabaseTarget.FromConnectionString(Server.ConnectionString));
        await using var connection = await session.OpenConnectionAsync(CancellationToken.None);
        var snapshot = await DatabaseActivityReader.ReadSessionsAsync(connection, session.Connection, CancellationToken.None);

        var stop = await DatabaseQueryStopper.StopAsync(connection, snapshot, connection.ProcessID, null, cancel: false, CancellationToken.None);

        Assert.Equal(DatabaseStopOutcome.Denied, stop.Outcome);
        Assert.Contains("own session", stop.Message, StringComparison.Ordinal);
        await using var still = new Npgsql.NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await still.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SessionsPipedFromGetActivityAreTerminated()
    {
        ConnectAsSuperuser();
        await using var old = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await Waits.QueryAgeAsync(Server, old.Pid, Old);

        var result = Run("Get-SeekapaDatabaseActivity -MinDuration 2s | Stop-SeekapaDatabaseQuery -Confirm:$false").NoErrors();

        Assert.Equal((old.Pid, DatabaseStopOutcome.Terminated), (Assert.Single(result.Objects<DatabaseQueryStop>()).Pid, Assert.Single(result.Objects<DatabaseQueryStop>()).Outcome));
        await GoneAsync(old.Pid);
    }

    [Fact]
    public async Task CancelStopsTheQueryAndKeepsTheSession()
    {
        ConnectAsSuperuser();
        await using var query = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        var stop = Assert.Single(Run("Stop-SeekapaDatabaseQuery -Pid $p -Cancel -Confirm:$false", new Dictionary<string, object?> { ["p"] = query.Pid })
            .NoErrors().Objects<DatabaseQueryStop>());

        Assert.Equal(DatabaseStopOutcome.Cancelled, stop.Outcome);
        var cancelled = await Assert.ThrowsAnyAsync<Exception>(() => query.Completion);
        Assert.Contains("57014", cancelled.ToString(), StringComparison.Ordinal);
        Assert.True(await BackgroundQuery.AliveAsync(Server, query.Pid));
    }

    [Fact]
    public void AnUnknownPidIsNotFoundAndNothingIsAsked()
    {
        ConnectAsSuperuser();
        var stop = Assert.Single(Run("Stop-SeekapaDatabaseQuery -Pid 2147483000").NoErrors().Objects<DatabaseQueryStop>());
        Assert.Equal(DatabaseStopOutcome.NotFound, stop.Outcome);
    }

    [Fact]
    public async Task APidNowUsedByAnotherSessionIsLeftAlone()
    {
        ConnectAsSuperuser();
        await using var query = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        var stop = Assert.Single(Run("[pscustomobject]@{ Pid = $p; BackendStart = [DateTimeOffset]'2001-01-01T00:00:00Z' } | Stop-SeekapaDatabaseQuery -Confirm:$false",
            new Dictionary<string, object?> { ["p"] = query.Pid }).NoErrors().Objects<DatabaseQueryStop>());

        Assert.Equal(DatabaseStopOutcome.NotFound, stop.Outcome);
        Assert.Contains("newer session", stop.Message, StringComparison.Ordinal);
        Assert.True(await BackgroundQuery.AliveAsync(Server, query.Pid));
    }

    [Fact]
    public async Task WhatIfSignalsNothing()
    {
        ConnectAsSuperuser();
        await using var query = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await Waits.QueryAgeAsync(Server, query.Pid, TimeSpan.FromSeconds(1));

        var byPid = Run("Stop-SeekapaDatabaseQuery -Pid $p -WhatIf -Verbose", new Dictionary<string, object?> { ["p"] = query.Pid }).NoErrors();
        var byFilter = Run("Stop-SeekapaDatabaseQuery -MinDuration 1s -WhatIf -Verbose").NoErrors();
        var piped = Run("Get-SeekapaDatabaseActivity | Stop-SeekapaDatabaseQuery -WhatIf").NoErrors();

        Assert.Empty(byPid.Output);
        Assert.Empty(byFilter.Output);
        Assert.Empty(piped.Output);
        Assert.DoesNotContain(byPid.Verbose.Concat(byFilter.Verbose), v => v.StartsWith("TerminateSession", StringComparison.Ordinal));
        Assert.True(await BackgroundQuery.AliveAsync(Server, query.Pid));
        Assert.False(query.Completion.IsCompleted);
    }

    [Fact]
    public void NothingSelectedIsRefused()
    {
        ConnectAsSuperuser();
        var error = Run("Stop-SeekapaDatabaseQuery -Confirm:$false").SingleError("NothingSelected");
        Assert.Contains("-MinDuration", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignalRoleStopsWhatItMayAndIsDeniedSuperuserSessions()
    {
        await Server.CreateRoleAsync("ops_killer", "ok-pass-1", "pg_monitor", "pg_signal_backend");
        await Server.CreateRoleAsync("app_user", "au-pass-1");
        await using var app = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)", Server.ConnectionStringFor("app_user", "au-pass-1"));
        await using var admin = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await Waits.QueryAgeAsync(Server, app.Pid, Old);
        await Waits.QueryAgeAsync(Server, admin.Pid, Old);
        ConnectAs("ops_killer", "ok-pass-1");

        var seen = Run("Get-SeekapaDatabaseActivity -MinDuration 2s").NoErrors();
        var result = Run("Stop-SeekapaDatabaseQuery -MinDuration 2s -Confirm:$false -Verbose").NoErrors();

        Assert.Empty(seen.Warnings);
        Assert.Equal(new[] { app.Pid, admin.Pid }.Order(), seen.Objects<DatabaseActivity>().Select(s => s.Pid).Order());
        var stops = result.Objects<DatabaseQueryStop>().ToDictionary(s => s.Pid);
        Assert.Equal(DatabaseStopOutcome.Terminated, stops[app.Pid].Outcome);
        Assert.Equal(DatabaseStopOutcome.Denied, stops[admin.Pid].Outcome);
        Assert.Contains("superuser", stops[admin.Pid].Message, StringComparison.OrdinalIgnoreCase);
        await GoneAsync(app.Pid);
        Assert.True(await BackgroundQuery.AliveAsync(Server, admin.Pid));
        Assert.Contains(result.Verbose, v => v.StartsWith($"TerminateSession pid {admin.Pid}", StringComparison.Ordinal) && v.Contains(": Denied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTimelineGetsPidUserAndDurationButNeverTheQueryLiterals()
    {
        ConnectAsSuperuser();
        await using var query = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300), 'literal-secret-81723'");

        var result = Run("Stop-SeekapaDatabaseQuery -Pid $p -Confirm:$false -Verbose", new Dictionary<string, object?> { ["p"] = query.Pid }).NoErrors();

        var record = Assert.Single(result.Verbose, v => v.StartsWith("TerminateSession", StringComparison.Ordinal));
        Assert.Contains($"pid {query.Pid}", record, StringComparison.Ordinal);
        Assert.Contains("user postgres", record, StringComparison.Ordinal);
        Assert.Contains("query running", record, StringComparison.Ordinal);
        Assert.DoesNotContain("literal-secret-81723", record, StringComparison.Ordinal);
        Assert.Contains("literal-secret-81723", Assert.Single(result.Objects<DatabaseQueryStop>()).Query, StringComparison.Ordinal);
    }
}
