using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>A database cmdlet while the server is down: a clear error that stops the command, and the next call works.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseRestartCommandTests(PostgresServer server) : DatabaseCmdletTest(server)
{
    [Fact]
    public async Task AReadWhileTheServerIsDownFailsClearlyAndALaterCallSucceeds()
    {
        ConnectAsSuperuser();
        await Server.StopAsync();
        DatabaseShell.Result down;
        try
        {
            down = Run("Get-SeekapaTableSize; 'after the error'");
        }
        finally
        {
            await Server.StartAsync();
        }

        var error = down.SingleError("DatabaseUnreachable");
        Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains($"127.0.0.1:{Server.Port}", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));

        Run("Get-SeekapaTableSize").NoErrors();
        Assert.Single(Run("Get-SeekapaDatabaseActivity -Summary").NoErrors().Objects<DatabaseActivitySummary>());
    }
}
