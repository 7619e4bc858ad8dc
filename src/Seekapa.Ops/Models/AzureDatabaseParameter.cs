namespace Seekapa.Ops;

/// <summary>
/// A server parameter (ARM "configuration") of a flexible server after Set-SeekapaAzureDatabaseParameter: old and new
/// value, whether the change is live (dynamic) or waits for a restart, and whether the server was restarted.
/// </summary>
public sealed class AzureDatabaseParameter
{
    public string ResourceGroupName { get; init; } = string.Empty;
    public string ServerName { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;

    /// <summary>The value before the change.</summary>
    public string? OldValue { get; init; }

    /// <summary>The value now configured.</summary>
    public string? Value { get; init; }

    public string? DefaultValue { get; init; }

    /// <summary>Boolean, Enumeration, Integer, Numeric, Set or String.</summary>
    public string? DataType { get; init; }

    /// <summary>What Azure accepts: a range ("25-5000") or a list ("on,off").</summary>
    public string? AllowedValues { get; init; }

    public string? Unit { get; init; }

    /// <summary>system-default or user-override.</summary>
    public string? Source { get; init; }

    /// <summary>True when the new value applies without a restart.</summary>
    public bool IsDynamicConfig { get; init; }

    /// <summary>True when the value is set but takes effect only after a server restart.</summary>
    public bool IsConfigPendingRestart { get; init; }

    /// <summary>Changed, or Unchanged when the parameter already had the value (nothing was sent).</summary>
    public ChangeOutcome Outcome { get; init; }

    /// <summary>True when -Restart restarted the server.</summary>
    public bool Restarted { get; init; }

    /// <summary>Succeeded, or InProgress when Azure accepted the update and it was not waited for.</summary>
    public string OperationStatus { get; init; } = string.Empty;

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{ServerName}/{Name} {OldValue} -> {Value}" +
        (IsConfigPendingRestart ? " (restart needed)" : string.Empty);
}
