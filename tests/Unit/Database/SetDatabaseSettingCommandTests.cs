using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class SetDatabaseSettingCommandTests : DatabaseCmdletTest, IAsyncLifetime
{
    public SetDatabaseSettingCommandTests(PostgresServer server) : base(server)
    {
    }

    public async Task InitializeAsync()
    {
        await ResetAsync();
        await Server.ExecuteAsync("DROP TABLE IF EXISTS canary; CREATE TABLE canary (id int); INSERT INTO canary VALUES (1)");
    }

    public async Task DisposeAsync()
    {
        await ResetAsync();
        await Server.ExecuteAsync("DROP TABLE IF EXISTS canary");
    }

    private async Task ResetAsync()
    {
        await Server.ExecuteAsync("ALTER SYSTEM RESET ALL");
        await Server.ExecuteAsync("SELECT pg_reload_conf()");
    }

    private Task<string> SettingAsync(string name) => Server.ScalarAsync<string>("SELECT current_setting($1)", name);

    private async Task<string> StateAsync() =>
        await File.ReadAllTextAsync(Server.AutoConfPath) + "|" + await SettingAsync("work_mem") + "|" + await SettingAsync("shared_buffers") +
        "|" + await SettingAsync("log_line_prefix") + "|" + await Server.ScalarAsync<long>("SELECT count(*) FROM canary");

    [Fact]
    public async Task ASettingThatReloadsTakesEffectAtOnce()
    {
        ConnectAsSuperuser();
        var before = await SettingAsync("work_mem");

        var result = Run("Set-SeekapaDatabaseSetting work_mem 24MB -Confirm:$false -Verbose").NoErrors();

        var change = Assert.Single(result.Objects<DatabaseSettingChange>());
        Assert.Equal(("work_mem", before, "24MB", "24MB", "user", false),
            (change.Name, change.OldValue, change.RequestedValue, change.NewValue, change.Context, change.PendingRestart));
        Assert.Equal("24MB", await SettingAsync("work_mem"));
        Assert.Contains("work_mem = '24MB'", await File.ReadAllTextAsync(Server.AutoConfPath), StringComparison.Ordinal);
        Assert.Contains(result.Verbose, v => v.StartsWith("AlterSystemSet work_mem", StringComparison.Ordinal) && v.Contains($"work_mem = {before} -> work_mem = 24MB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxConnectionsIsWrittenAndSaysARestartIsNeeded()
    {
        ConnectAsSuperuser();
        var before = await SettingAsync("max_connections");

        var change = Assert.Single(Run("Set-SeekapaDatabaseSetting max_connections 60 -Confirm:$false").NoErrors().Objects<DatabaseSettingChange>());

        Assert.Equal(("postmaster", true, before, before), (change.Context, change.PendingRestart, change.OldValue, change.NewValue));
        Assert.Contains("max_connections = '60'", await File.ReadAllTextAsync(Server.AutoConfPath), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no_such_setting")]
    [InlineData("work_mem; ALTER SYSTEM SET shared_buffers = '1GB'")]
    [InlineData("work_mem' --")]
    [InlineData("work_mem/**/")]
    [InlineData("\"work_mem\"")]
    [InlineData("work mem")]
    [InlineData("work_mem = '1GB'; DROP TABLE canary; --")]
    public async Task AnUnknownOrHostileNameIsSettingNotFoundAndChangesNothing(string name)
    {
        ConnectAsSuperuser();
        var before = await StateAsync();

        var error = Run("Set-SeekapaDatabaseSetting -Name $n -Value 64MB -Confirm:$false", new Dictionary<string, object?> { ["n"] = name })
            .SingleError("SettingNotFound");

        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("8MB'; ALTER SYSTEM SET shared_buffers = '1GB'; --")]
    [InlineData("8MB; SELECT 1")]
    [InlineData("1/*x*/")]
    [InlineData("8MB\nshared_buffers = '1GB'")]
    [InlineData("$$8MB$$")]
    [InlineData("lots")]
    public async Task AHostileValueForANumericSettingIsRefusedAndChangesNothing(string value)
    {
        ConnectAsSuperuser();
        var before = await StateAsync();

        Run("Set-SeekapaDatabaseSetting -Name work_mem -Value $v -Confirm:$false", new Dictionary<string, object?> { ["v"] = value })
            .SingleError("InvalidSettingValue");

        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("'; DROP TABLE canary; --")]
    [InlineData("%m $$ \\' \" /* %p")]
    public async Task AHostileValueForAStringSettingIsStoredLiterallyAndTouchesNothingElse(string value)
    {
        ConnectAsSuperuser();
        var workMem = await SettingAsync("work_mem");

        var change = Assert.Single(Run("Set-SeekapaDatabaseSetting log_line_prefix $v -Confirm:$false", new Dictionary<string, object?> { ["v"] = value })
            .NoErrors().Objects<DatabaseSettingChange>());

        Assert.Equal(value, change.NewValue);
        Assert.Equal(value, await SettingAsync("log_line_prefix"));
        Assert.Equal(workMem, await SettingAsync("work_mem"));
        Assert.Equal(1, await Server.ScalarAsync<long>("SELECT count(*) FROM canary"));
    }

    [Fact]
    public async Task WhatIfRunsNoAlterSystem()
    {
        ConnectAsSuperuser();
        var before = await StateAsync();

        var result = Run("Set-SeekapaDatabaseSetting work_mem 48MB -WhatIf -Verbose").NoErrors();

        Assert.Empty(result.Output);
        Assert.DoesNotContain(result.Verbose, v => v.StartsWith("AlterSystemSet", StringComparison.Ordinal));
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task WithoutThePrivilegeItIsPermissionDeniedPointingToTheAzureCmdlet()
    {
        await Server.CreateRoleAsync("ops_nosuper", "ns-pass-1", "pg_monitor");
        ConnectAs("ops_nosuper", "ns-pass-1");
        var before = await StateAsync();

        var error = Run("Set-SeekapaDatabaseSetting max_connections 500 -Confirm:$false").SingleError("PermissionDenied");

        Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("Set-SeekapaAzureDatabaseParameter", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public void ASettingFixedAtBuildTimeIsReadOnly()
    {
        ConnectAsSuperuser();
        Run("Set-SeekapaDatabaseSetting block_size 16384 -Confirm:$false").SingleError("SettingReadOnly");
    }
}
