namespace Seekapa.Ops;

/// <summary>What Set-SeekapaDatabaseSetting did: ALTER SYSTEM, the configuration reloaded, and the effect.</summary>
public sealed class DatabaseSettingChange
{
    public string Name { get; init; } = string.Empty;

    /// <summary>The running value before (current_setting, with its unit, e.g. "100" or "4MB").</summary>
    public string? OldValue { get; init; }

    /// <summary>The value as given.</summary>
    public string RequestedValue { get; init; } = string.Empty;

    /// <summary>The running value after the reload; still the old one when a restart is needed.</summary>
    public string? NewValue { get; init; }

    /// <summary>pg_settings.context: postmaster (restart needed), sighup (reload), superuser, user, ...</summary>
    public string Context { get; init; } = string.Empty;

    /// <summary>pg_settings.pending_restart after the reload: the new value takes effect only after a server restart.</summary>
    public bool PendingRestart { get; init; }

    public DateTimeOffset Time { get; init; }

    public override string ToString() => $"{Name} {OldValue} -> {RequestedValue}" + (PendingRestart ? " (restart needed)" : string.Empty);
}
