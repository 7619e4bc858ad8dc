using Npgsql;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class DatabaseActivityCommandTests(PostgresServer server) : DatabaseCmdletTest(server)
{
    private static readonly TimeSpan Old = TimeSpan.FromSeconds(2);

    private List<DatabaseActivity> Activity(string arguments = "") =>
        Run($"Get-SeekapaDatabaseActivity {arguments}").NoErrors().Objects<DatabaseActivity>().ToList();

    [Fact]
    public async Task SessionsOfKnownAgesAreSelectedByMinDuration()
    {
        ConnectAsSuperuser();
        await using var old1 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var old2 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await Waits.QueryAgeAsync(Server, old1.Pid, Old);
        await Waits.QueryAgeAsync(Server, old2.Pid, Old);
        await using var young = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(0.05)", loop: true);

        var sessions = Activity("-MinDuration 2s");

        Assert.Equal(new[] { old1.Pid, old2.Pid }.Order(), sessions.Select(s => s.Pid).Order());
        Assert.All(sessions, s =>
        {
            Assert.Equal(DatabaseSessionState.Active, s.State);
            Assert.True(s.QueryDuration >= Old);
            Assert.True(s.BackendDuration >= s.QueryDuration);
            Assert.Equal("SELECT pg_sleep(300)", s.Query);
            Assert.Equal(("postgres", "postgres", "seekapa-tests", "127.0.0.1"), (s.User, s.Database, s.Application, s.ClientAddress));
            Assert.Equal("Timeout", s.WaitEventType);
            Assert.Equal("PgSleep", s.WaitEvent);
            Assert.NotNull(s.Connection);
        });

        // The young session runs short queries back to back, so it may be caught idle between two of them.
        var all = Activity("-ExcludeIdle:$false");
        Assert.Contains(all, s => s.Pid == young.Pid);
        // The command's own session (the one reading pg_stat_activity) is never listed.
        Assert.DoesNotContain(all, s => s.Query?.Contains("FROM pg_stat_activity a", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task IdleSessionsAreLeftOutUnlessAskedFor()
    {
        ConnectAsSuperuser();
        await using var idle = await Server.OpenAsync();
        await using var inTransaction = await Server.OpenAsync();
        await using (var begin = new NpgsqlCommand("BEGIN; SELECT 1", inTransaction))
        {
            await begin.ExecuteNonQueryAsync();
        }

        Assert.DoesNotContain(Activity(), s => s.Pid == idle.ProcessID);
        var waiting = Assert.Single(Activity(), s => s.Pid == inTransaction.ProcessID);
        Assert.Equal(DatabaseSessionState.IdleInTransaction, waiting.State);
        Assert.NotNull(waiting.TransactionDuration);

        Assert.Equal(DatabaseSessionState.Idle, Assert.Single(Activity("-ExcludeIdle:$false"), s => s.Pid == idle.ProcessID).State);
        var onlyIdle = Activity("-State Idle");
        Assert.Contains(onlyIdle, s => s.Pid == idle.ProcessID);
        Assert.All(onlyIdle, s => Assert.Equal(DatabaseSessionState.Idle, s.State));
    }

    [Fact]
    public async Task BlockingShowsTheLockChainBothWays()
    {
        ConnectAsSuperuser();
        await Server.ExecuteAsync("DROP TABLE IF EXISTS lock_target; CREATE TABLE lock_target (id int)");
        await using var holder = await Server.OpenAsync();
        await using (var lockIt = new NpgsqlCommand("BEGIN; LOCK TABLE lock_target IN ACCESS EXCLUSIVE MODE", holder))
        {
            await lockIt.ExecuteNonQueryAsync();
        }

        await using var waiter = await BackgroundQuery.StartAsync(Server, "SELECT count(*) FROM lock_target");
        await using var bystander = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        var chain = Activity("-Blocking");

        Assert.Equal(new[] { holder.ProcessID, waiter.Pid }.Order(), chain.Select(s => s.Pid).Order());
        var blocked = chain.Single(s => s.Pid == waiter.Pid);
        Assert.Equal(new[] { holder.ProcessID }, blocked.BlockedBy);
        Assert.Equal("Lock", blocked.WaitEventType);
        Assert.Equal(new[] { waiter.Pid }, chain.Single(s => s.Pid == holder.ProcessID).Blocking);
    }

    [Fact]
    public async Task UserAndDatabaseFiltersTakeWildcards()
    {
        await Server.CreateRoleAsync("report_reader", "rr-pass-1");
        ConnectAsSuperuser();
        await using var report = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)", Server.ConnectionStringFor("report_reader", "rr-pass-1"));
        await using var admin = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        Assert.Equal(new[] { report.Pid }, Activity("-User report_*").Select(s => s.Pid));
        Assert.Equal(new[] { report.Pid }, Activity("-User report_reader").Select(s => s.Pid));
        Assert.Empty(Activity("-User REPORT_READER"));
        Assert.Empty(Activity("-Database nothing*"));
        Assert.Contains(Activity("-Database post*"), s => s.Pid == admin.Pid);
    }

    [Fact]
    public async Task SummaryCountsConnectionsByStateAgainstTheUsableMaximum()
    {
        await QuietAsync();
        ConnectAsSuperuser();
        await using var active1 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var active2 = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");
        await using var idle = await Server.OpenAsync();
        await using var inTransaction = await Server.OpenAsync();
        await using (var begin = new NpgsqlCommand("BEGIN; SELECT 1", inTransaction))
        {
            await begin.ExecuteNonQueryAsync();
        }

        var max = int.Parse(await Server.ScalarAsync<string>("SHOW max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        var reserved = int.Parse(await Server.ScalarAsync<string>("SHOW superuser_reserved_connections"), System.Globalization.CultureInfo.InvariantCulture);

        var summary = Assert.Single(Run("Get-SeekapaDatabaseActivity -Summary").NoErrors().Objects<DatabaseActivitySummary>());

        // Two sleepers and this command's own session are active, one session is idle in a transaction. The idle count
        // is at least the one idle session: the tests' own short connections may still be closing.
        Assert.Equal((3, 1, 0, 0), (summary.Active, summary.IdleInTransaction, summary.IdleInTransactionAborted, summary.Hidden));
        Assert.True(summary.Idle >= 1);
        Assert.Equal(summary.Active + summary.Idle + summary.IdleInTransaction + summary.IdleInTransactionAborted + summary.Other + summary.Hidden,
            summary.Total);
        Assert.Equal((max, reserved, max - reserved), (summary.MaxConnections, summary.ReservedConnections, summary.UsableConnections));
        Assert.Equal(max - reserved - summary.Total, summary.Available);
        Assert.Equal(Math.Round(100.0 * summary.Total / (max - reserved), 1), summary.PercentUsed);
        Assert.True(summary.LongestQuery > TimeSpan.Zero);
        Assert.NotNull(summary.LongestTransaction);
    }

    [Fact]
    public async Task AMonitoringRoleWithPgMonitorSeesEveryQuery()
    {
        await Server.CreateRoleAsync("ops_watch", "ow-pass-1", "pg_monitor");
        ConnectAs("ops_watch", "ow-pass-1");
        await using var admin = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        var result = Run("Get-SeekapaDatabaseActivity").NoErrors();

        Assert.Empty(result.Warnings);
        Assert.Equal("SELECT pg_sleep(300)", Assert.Single(result.Objects<DatabaseActivity>(), s => s.Pid == admin.Pid).Query);
    }

    [Fact]
    public async Task ARoleWithoutPgMonitorIsToldWhatItCannotSee()
    {
        await Server.CreateRoleAsync("plain_user", "pu-pass-1");
        ConnectAs("plain_user", "pu-pass-1");
        await using var admin = await BackgroundQuery.StartAsync(Server, "SELECT pg_sleep(300)");

        var list = Run("Get-SeekapaDatabaseActivity").NoErrors();
        var summary = Run("Get-SeekapaDatabaseActivity -Summary").NoErrors();

        Assert.DoesNotContain(list.Objects<DatabaseActivity>(), s => s.Pid == admin.Pid);
        var warning = Assert.Single(list.Warnings);
        Assert.Contains("postgres", warning, StringComparison.Ordinal);
        Assert.Contains("pg_monitor", warning, StringComparison.Ordinal);
        Assert.Contains("plain_user", warning, StringComparison.Ordinal);
        Assert.Single(summary.Warnings);
        Assert.True(Assert.Single(summary.Objects<DatabaseActivitySummary>()).Hidden >= 1);
    }
}
