namespace Seekapa.Ops.Core.Changes;

/// <summary>
/// One state change a cmdlet made (or attempted): the raw material of the incident timeline. Before/After are short
/// human summaries ("replicas 3", "image backend:2.14.1") and must never contain secrets.
/// </summary>
public sealed record ChangeRecord(
    DateTimeOffset Time,
    string Cmdlet,
    string Target,
    string Action,
    string Outcome,
    string? Before = null,
    string? After = null);
