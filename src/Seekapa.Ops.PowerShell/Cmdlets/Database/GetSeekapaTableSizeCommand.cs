using System.Management.Automation;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>The runbook's table sizes: total, table and index bytes and estimated rows, largest first.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaTableSize", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaTableSize.md")]
[OutputType(typeof(DatabaseTableSize))]
public sealed class GetSeekapaTableSizeCommand : DatabaseCmdlet
{
    /// <summary>Only the largest N tables.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    /// <summary>Only tables in these schemas.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Schema { get; set; }

    protected override void Process() => WithSession(session =>
    {
        var report = Read(session, "table sizes", (connection, ct) => TableSizeReader.ReadAsync(connection, Schema, Top, ct));
        foreach (var missing in report.MissingSchemas)
        {
            WriteFailure(new SeekapaException("SchemaNotFound", FailureCategory.ObjectNotFound,
                $"Database {session.Connection.Database} has no table in a schema named '{missing}' (or no such schema).", missing));
        }

        foreach (var table in report.Tables)
        {
            WriteObject(table);
        }
    });
}
