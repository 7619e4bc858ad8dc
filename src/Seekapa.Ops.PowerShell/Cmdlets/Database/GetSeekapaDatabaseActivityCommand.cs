using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>pg_stat_activity: the client sessions with their durations, waits and blockers, or a summary against max_connections.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaDatabaseActivity", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaDatabaseActivity.md", DefaultParameterSetName = ListSet)]
[OutputType(typeof(DatabaseActivity), ParameterSetName = [ListSet])]
[OutputType(typeof(DatabaseActivitySummary), ParameterSetName = [SummarySet])]
public sealed class GetSeekapaDatabaseActivityCommand : DatabaseCmdlet
{
    private const string ListSet = "List";
    private const string SummarySet = "Summary";

    /// <summary>Only sessions in these states.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public DatabaseSessionState[]? State { get; set; }

    /// <summary>Only sessions whose query started at least this long ago.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [DurationTransformation]
    public TimeSpan? MinDuration { get; set; }

    /// <summary>Only sessions of these roles.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    public string[]? User { get; set; }

    /// <summary>Only sessions connected to these databases.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    public string[]? Database { get; set; }

    /// <summary>Only sessions in a lock chain.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter Blocking { get; set; }

    /// <summary>Leaves idle sessions out (the default); -ExcludeIdle:$false lists them.</summary>
    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter ExcludeIdle { get; set; } = true;

    /// <summary>Counts by state against max_connections minus the reserved connections.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    protected override void Process() => WithSession(session =>
    {
        if (Summary)
        {
            var (snapshot, limits) = Read(session, "pg_stat_activity and the connection limits", async (connection, ct) =>
                (await DatabaseActivityReader.ReadSessionsAsync(connection, session.Connection, ct).ConfigureAwait(false),
                 await DatabaseActivityReader.ReadLimitsAsync(connection, ct).ConfigureAwait(false)));
            WarnHidden(snapshot);
            WriteObject(DatabaseActivityReader.Summarize(snapshot, limits, session.Connection.Host));
            return;
        }

        var filter = new DatabaseActivityFilter(State, MinDuration, User, Database, Blocking, ExcludeIdle);
        var read = Read(session, "pg_stat_activity", (connection, ct) =>
            DatabaseActivityReader.ReadSessionsAsync(connection, session.Connection, ct));
        WriteVerbose($"{read.Sessions.Count} other client session(s); this command's own (pid {read.OwnPid}) is not listed.");
        WarnHidden(read);
        foreach (var activity in filter.Apply(read.Sessions))
        {
            WriteObject(activity);
        }
    });

    private void WarnHidden(DatabaseActivitySnapshot snapshot)
    {
        if (snapshot.VisibilityWarning is { } warning)
        {
            WriteWarning(warning);
        }
    }
}
