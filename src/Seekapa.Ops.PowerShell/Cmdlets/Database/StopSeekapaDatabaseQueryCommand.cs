using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>
/// pg_terminate_backend (or pg_cancel_backend with -Cancel) for sessions given by pid, piped from
/// Get-SeekapaDatabaseActivity, or selected by -MinDuration and the same filters. Never the command's own session.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SeekapaDatabaseQuery", HelpUri = HelpLinks.Cmdlets + "Stop-SeekapaDatabaseQuery.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = PidSet)]
[OutputType(typeof(DatabaseQueryStop))]
public sealed class StopSeekapaDatabaseQueryCommand : DatabaseCmdlet
{
    private const string PidSet = "Pid";
    private const string FilterSet = "Filter";

    private readonly List<(DatabaseConnection? Connection, int Pid, DateTimeOffset? BackendStart)> _requests = new();

    /// <summary>The sessions' process ids.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PidSet)]
    [ValidateNotNullOrEmpty]
    public int[]? Pid { get; set; }

    /// <summary>When the session connected (bound from piped sessions): a pid reused by a newer session is left alone.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PidSet)]
    public DateTimeOffset? BackendStart { get; set; }

    /// <summary>Stops the sessions whose query started at least this long ago.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FilterSet)]
    [DurationTransformation]
    public TimeSpan MinDuration { get; set; }

    /// <summary>With -MinDuration: only sessions in these states.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    public DatabaseSessionState[]? State { get; set; }

    /// <summary>With -MinDuration: only sessions of these roles.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [SupportsWildcards]
    public string[]? User { get; set; }

    /// <summary>With -MinDuration: only sessions connected to these databases.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    [SupportsWildcards]
    public string[]? Database { get; set; }

    /// <summary>With -MinDuration: only sessions in a lock chain.</summary>
    [Parameter(ParameterSetName = FilterSet)]
    public SwitchParameter Blocking { get; set; }

    /// <summary>With -MinDuration: leaves idle sessions alone (the default).</summary>
    [Parameter(ParameterSetName = FilterSet)]
    public SwitchParameter ExcludeIdle { get; set; } = true;

    /// <summary>Cancels the current query (pg_cancel_backend) instead of closing the session.</summary>
    [Parameter]
    public SwitchParameter Cancel { get; set; }

    protected override void Begin()
    {
        if (ParameterSetName == PidSet && Pid is null && !MyInvocation.ExpectingInput)
        {
            throw DatabaseQueryStopper.NothingSelected();
        }
    }

    protected override void Process()
    {
        if (ParameterSetName == PidSet && Pid is not null)
        {
            // A piped session carries its start time; it identifies that one pid only.
            var start = Pid.Length == 1 ? BackendStart : null;
            _requests.AddRange(Pid.Select(pid => (Connection, pid, start)));
        }
    }

    protected override void End()
    {
        if (ParameterSetName == FilterSet)
        {
            WithSession(session => StopOn(session, null));
            return;
        }

        // Piped sessions may come from several servers: each is stopped through the connection it was read with.
        foreach (var group in _requests.GroupBy(r => r.Connection))
        {
            var requests = group.Select(r => (r.Pid, r.BackendStart)).Distinct().ToList();
            WithSession(session => StopOn(session, requests), group.Key);
        }
    }

    private void StopOn(DatabaseSession session, IReadOnlyList<(int Pid, DateTimeOffset? BackendStart)>? requests)
    {
        WriteVerbose($"Reading pg_stat_activity on {session.Connection}.");
        var connection = Await(session.OpenConnectionAsync(CancellationToken));
        try
        {
            var snapshot = Run(session, () => DatabaseActivityReader.ReadSessionsAsync(connection, session.Connection, CancellationToken));
            if (snapshot.VisibilityWarning is { } warning)
            {
                WriteWarning(warning);
            }

            if (requests is null)
            {
                var filter = new DatabaseActivityFilter(State, MinDuration, User, Database, Blocking, ExcludeIdle);
                requests = filter.Apply(snapshot.Sessions).Select(s => (s.Pid, s.BackendStart)).ToList();
                if (requests.Count == 0)
                {
                    WriteWarning($"No session on {session.Connection} matches: nothing was stopped.");
                }
            }

            foreach (var (pid, start) in requests)
            {
                StopOne(session, connection, snapshot, pid, start);
            }
        }
        finally
        {
            Await(connection.DisposeAsync().AsTask());
        }
    }

    private void StopOne(DatabaseSession session, Npgsql.NpgsqlConnection connection, DatabaseActivitySnapshot snapshot, int pid,
        DateTimeOffset? start)
    {
        // Only a session that exists is confirmed, signalled and recorded; an unknown pid (or this command's own) is
        // answered NotFound (or Denied) without asking anything.
        var known = snapshot.Sessions.FirstOrDefault(s => s.Pid == pid);
        var attempted = known is not null || snapshot.Hidden.Any(h => h.Pid == pid);
        if (attempted)
        {
            var description = known is null
                ? $"pid {pid} (a session of {snapshot.Hidden.First(h => h.Pid == pid).User} this role cannot see)"
                : $"pid {pid} ({known.User} on {known.Database}, {known.State} for {Format(known.QueryDuration)}: {SqlText.Summarize(known.Query, 60)})";
            if (!ShouldProcess($"{description} on {session.Connection.Host}", Cancel ? "Cancel the query (pg_cancel_backend)" : "Terminate the session (pg_terminate_backend)"))
            {
                return;
            }
        }

        var result = Run(session, () => DatabaseQueryStopper.StopAsync(connection, snapshot, pid, start, Cancel, CancellationToken));
        if (attempted && result.Outcome is not DatabaseStopOutcome.NotFound)
        {
            RecordChange($"pid {pid} on {session.Connection.Host}/{result.Database ?? session.Connection.Database}",
                Cancel ? "CancelQuery" : "TerminateSession", result.Outcome.ToString(),
                before: $"user {result.User ?? "?"}, query running {Format(result.QueryDuration)}: {SqlText.Summarize(result.Query, 60)}");
        }

        WriteObject(result);
    }

    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) || ex.ErrorId == "NothingSelected";

    private static string Format(TimeSpan? duration) => duration is { } d ? Core.Kubernetes.GoDuration.Format(TimeSpan.FromSeconds(Math.Floor(d.TotalSeconds))) : "?";
}
