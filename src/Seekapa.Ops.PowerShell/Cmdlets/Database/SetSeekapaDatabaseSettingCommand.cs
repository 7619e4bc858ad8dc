using System.Management.Automation;
using Seekapa.Ops.Core.Database;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>ALTER SYSTEM SET name = value, then pg_reload_conf(); reports the context and whether a restart is needed.</summary>
[Cmdlet(VerbsCommon.Set, "SeekapaDatabaseSetting", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaDatabaseSetting.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DatabaseSettingChange))]
public sealed class SetSeekapaDatabaseSettingCommand : DatabaseCmdlet
{
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(5);

    /// <summary>The setting, as pg_settings names it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The new value, as postgresql.conf would take it (500, '4GB', 'on').</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Value { get; set; } = string.Empty;

    protected override void Process() => WithSession(session =>
    {
        DatabaseSettingWriter.ValidateName(Name);
        var connection = Await(session.OpenConnectionAsync(CancellationToken));
        try
        {
            var before = Run(session, () => DatabaseSettingWriter.ReadAsync(connection, Name, CancellationToken));
            DatabaseSettingWriter.ValidateChangeable(before);
            // Values are shown redacted everywhere, the output object included: a setting such as primary_conninfo can hold a password.
            var shownValue = DatabaseSettingWriter.Shown(before.Name, Value, session.Redact);
            var restart = before.Context == "postmaster" ? "; it takes effect only after a server restart" : string.Empty;
            if (!ShouldProcess($"{before.Name} on {session.Connection.Host}",
                    $"ALTER SYSTEM SET {before.Name} = '{shownValue}' (now {DatabaseSettingWriter.Shown(before.Name, before.Value, session.Redact)}) and reload the configuration{restart}"))
            {
                return;
            }

            var (change, warning) = Run(session, () => DatabaseSettingWriter.ApplyAsync(connection, before, Value, ReloadWait, session.Redact, CancellationToken));
            if (warning is not null)
            {
                WriteWarning(warning);
            }

            RecordChange($"{change.Name} on {session.Connection.Host}", "AlterSystemSet",
                change.PendingRestart ? "PendingRestart" : "Applied",
                $"{change.Name} = {change.OldValue}", $"{change.Name} = {shownValue}");
            WriteObject(change);
        }
        finally
        {
            Await(connection.DisposeAsync().AsTask());
        }
    });
}
