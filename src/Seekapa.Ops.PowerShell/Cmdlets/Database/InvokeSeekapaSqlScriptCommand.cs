using System.Collections.Concurrent;
using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>psql -f, in one transaction: every statement of the script commits, or none does.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SeekapaSqlScript", HelpUri = HelpLinks.Cmdlets + "Invoke-SeekapaSqlScript.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = PathSet)]
[OutputType(typeof(SqlScriptResult))]
public sealed class InvokeSeekapaSqlScriptCommand : DatabaseCmdlet
{
    private const string PathSet = "Path";
    private const string SqlSet = "Sql";

    /// <summary>The script file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    /// <summary>The SQL text itself.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SqlSet)]
    public string Sql { get; set; } = string.Empty;

    /// <summary>The longest the whole script may run; then it is cancelled and rolled back.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? Timeout { get; set; }

    protected override void Process()
    {
        if (Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument, "-Timeout must be more than zero.", timeout);
        }

        WithSession(session =>
        {
            var script = ParameterSetName == SqlSet ? SqlScript.Parse("(inline)", Sql) : ReadScript();
            var planned = SqlScriptRunner.Plan(script);
            if (!ShouldProcess(session.Connection.ToString(), $"Run {planned.Count} statement(s) from {script.Source} in one transaction"))
            {
                return;
            }

            var notices = new ConcurrentQueue<string>();
            try
            {
                var result = Await(new SqlScriptRunner(session).RunAsync(script, Timeout, notices.Enqueue, CancellationToken));
                WriteNotices(notices);
                RecordChange(session.Connection.ToString(), "RunSqlScript", "Committed",
                    after: $"{script.Source}: {result.Statements} statement(s), {result.RowsAffected} row(s)");
                WriteObject(result);
            }
            catch (SeekapaException ex) when (ex.ErrorId is "SqlScriptFailed" or "SqlScriptTimeout")
            {
                WriteNotices(notices);
                var at = ex.Target is SqlScriptFailure { Statement: { } number } ? $" at statement {number}" : string.Empty;
                RecordChange(session.Connection.ToString(), "RunSqlScript", "RolledBack", after: $"{script.Source}: failed{at}, nothing changed");
                throw;
            }
        });
    }

    private SqlScript ReadScript()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(path))
        {
            throw new SeekapaException("ScriptNotFound", FailureCategory.ObjectNotFound, $"The script {path} does not exist.", path);
        }

        return SqlScript.Parse(path, File.ReadAllText(path));
    }

    private void WriteNotices(ConcurrentQueue<string> notices)
    {
        while (notices.TryDequeue(out var notice))
        {
            WriteVerbose(notice);
        }
    }
}
