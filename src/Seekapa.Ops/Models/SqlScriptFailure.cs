namespace Seekapa.Ops;

/// <summary>
/// Where Invoke-SeekapaSqlScript failed, as the error's TargetObject: the statement number (1-based, in the script's own
/// order) and the line and column in the file of the server's error position, when it gave one.
/// </summary>
public sealed record SqlScriptFailure(string Source, int? Statement, int? Line, int? Column)
{
    public override string ToString() => Statement is null ? Source : $"{Source}: statement {Statement}";
}
