namespace Seekapa.Ops;

/// <summary>A script Invoke-SeekapaSqlScript ran and committed in one transaction.</summary>
public sealed class SqlScriptResult
{
    /// <summary>The script's path, or "(inline)" for -Sql.</summary>
    public string Source { get; init; } = string.Empty;

    public string Database { get; init; } = string.Empty;

    /// <summary>The number of statements run.</summary>
    public int Statements { get; init; }

    /// <summary>Rows inserted, updated, deleted, copied or selected, summed over the statements.</summary>
    public long RowsAffected { get; init; }

    public TimeSpan Duration { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Source}: {Statements} statements committed";
}
