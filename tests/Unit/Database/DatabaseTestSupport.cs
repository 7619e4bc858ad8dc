using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Npgsql;
using Seekapa.Ops.PowerShell.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

/// <summary>
/// A runspace with the module's cmdlets that keeps every stream (output, error, warning, verbose, debug, information),
/// so tests can assert on what a user sees and on what must never appear.
/// </summary>
public sealed class DatabaseShell : IDisposable
{
    private readonly Runspace _runspace;

    public DatabaseShell()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(SeekapaCmdlet).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute attribute)
            {
                state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
            }
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public sealed record Result(IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Warnings,
        IReadOnlyList<string> Verbose, IReadOnlyList<string> Debug, IReadOnlyList<string> Information)
    {
        public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();

        /// <summary>Every stream as text, errors with their details and recommended actions, output objects formatted.</summary>
        public string AllText(DatabaseShell shell) => string.Join("\n",
            Output.Select(shell.Format)
                .Concat(Errors.SelectMany(e => new[] { e.ToString(), e.Exception.ToString(), e.ErrorDetails?.Message, e.ErrorDetails?.RecommendedAction, e.TargetObject?.ToString() }))
                .Concat(Warnings).Concat(Verbose).Concat(Debug).Concat(Information));

        public ErrorRecord SingleError(string errorId)
        {
            var error = Assert.Single(Errors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal) || error.FullyQualifiedErrorId == errorId,
                $"expected {errorId}, got {error.FullyQualifiedErrorId}: {error}");
            return error;
        }

        public Result NoErrors()
        {
            Assert.True(Errors.Count == 0, string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
            return this;
        }
    }

    public Result Invoke(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            _runspace.SessionStateProxy.SetVariable(name, value);
        }

        ps.AddScript(script);
        var output = new List<PSObject>();
        var errors = new List<ErrorRecord>();
        try
        {
            output.AddRange(ps.Invoke());
        }
        catch (RuntimeException ex)
        {
            errors.Add(ex.ErrorRecord);
        }

        errors.AddRange(ps.Streams.Error);
        return new Result(output, errors, ps.Streams.Warning.Select(w => w.Message).ToList(), ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Debug.Select(d => d.Message).ToList(), ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? string.Empty).ToList());
    }

    /// <summary>An object as the user sees it: the module's table view (Out-String), and its list of properties.</summary>
    public string Format(PSObject value)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript("param($o) ($o | Out-String) + ($o | Format-List * | Out-String)").AddArgument(value);
        return string.Join("\n", ps.Invoke().Select(o => o.ToString()));
    }

    public void Dispose() => _runspace.Dispose();
}

/// <summary>A query running on its own connection in the background, e.g. SELECT pg_sleep(300), until disposed.</summary>
public sealed class BackgroundQuery : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop;

    private BackgroundQuery(NpgsqlConnection connection, CancellationTokenSource stop, Task completion)
    {
        _connection = connection;
        _stop = stop;
        Completion = completion;
        Pid = connection.ProcessID;
    }

    /// <summary>The session's pid (kept: the connection forgets it once the server ends the session).</summary>
    public int Pid { get; }

    /// <summary>Ends with the query (or with the error that ended it, e.g. when the session was terminated).</summary>
    public Task Completion { get; }

    /// <summary>
    /// Starts <paramref name="sql"/> and returns once the server shows it running. With <paramref name="loop"/> the query
    /// is repeated until disposed, so the session's query_start stays recent (a "young" session).
    /// </summary>
    public static async Task<BackgroundQuery> StartAsync(PostgresServer server, string sql, string? connectionString = null, bool loop = false)
    {
        var connection = await server.OpenAsync(connectionString);
        var stop = new CancellationTokenSource();
        var completion = Task.Run(async () =>
        {
            do
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(stop.Token);
            }
            while (loop && !stop.IsCancellationRequested);
        });
        var query = new BackgroundQuery(connection, stop, completion);
        await Waits.UntilAsync(async () => await server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", query.Pid) == 1, $"pid {query.Pid} active");
        return query;
    }

    /// <summary>Whether the server still has this session.</summary>
    public static async Task<bool> AliveAsync(PostgresServer server, int pid) =>
        await server.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid) == 1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Completion;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException)
        {
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>The tests' own clock: polls a condition (never asserts on elapsed time).</summary>
public static class Waits
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {seconds} s for: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Until the query of <paramref name="pid"/> has been running at least <paramref name="age"/> on the server's clock.</summary>
    public static Task QueryAgeAsync(PostgresServer server, int pid, TimeSpan age) => UntilAsync(async () =>
        await server.ScalarAsync<bool>(
            "SELECT coalesce((SELECT clock_timestamp() - query_start >= $2 FROM pg_stat_activity WHERE pid = $1), false)", pid, age),
        $"pid {pid} running {age}");
}

/// <summary>Shared plumbing of the database cmdlet tests: a shell, the server, and connecting as a given role.</summary>
public abstract class DatabaseCmdletTest : IDisposable
{
    protected DatabaseCmdletTest(PostgresServer server) => Server = server;

    protected PostgresServer Server { get; }

    protected DatabaseShell Shell { get; } = new();

    /// <summary>Runs a script; $cs is the superuser's connection string.</summary>
    protected DatabaseShell.Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        var all = new Dictionary<string, object?>(variables ?? new Dictionary<string, object?>()) { ["cs"] = Server.ConnectionString };
        return Shell.Invoke(script, all);
    }

    /// <summary>Makes the superuser (no TLS) this shell's default connection.</summary>
    protected void ConnectAsSuperuser() => Run("$null = Connect-SeekapaDatabase -ConnectionString $cs").NoErrors();

    /// <summary>Makes a role this shell's default connection.</summary>
    protected void ConnectAs(string user, string password) => Run("$null = Connect-SeekapaDatabase -ConnectionString $c",
        new Dictionary<string, object?> { ["c"] = Server.ConnectionStringFor(user, password) }).NoErrors();

    /// <summary>Waits until the sessions of earlier tests have gone, so that counts are exact.</summary>
    protected Task QuietAsync() => Waits.UntilAsync(async () =>
        await Server.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()") == 0,
        "no other client session");

    public void Dispose()
    {
        Shell.Dispose();
        GC.SuppressFinalize(this);
    }
}
