using System.Management.Automation;
using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// Sets a server parameter of a flexible server through ARM (the managed-server form of ALTER SYSTEM SET max_connections),
/// reports whether it waits for a restart, and with -Restart restarts the server and waits. ConfirmImpact Medium; the
/// restart is a High-impact step (it drops every connection) confirmed on its own unless -Force.
/// </summary>
[Cmdlet(VerbsCommon.Set, "SeekapaAzureDatabaseParameter", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaAzureDatabaseParameter.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AzureDatabaseParameter))]
public sealed class SetSeekapaAzureDatabaseParameterCommand : AzureCmdlet
{
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>The server's resource group.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>The flexible server.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string ServerName { get; set; } = string.Empty;

    /// <summary>The parameter, e.g. max_connections.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The new value, in the parameter's unit.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Value { get; set; } = string.Empty;

    /// <summary>Restarts the server when the new value waits for a restart, and waits for the restart.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Waits for an update Azure runs as a long-running operation (implied by -Restart).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long to wait for the update and for the restart (default 30 minutes).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Skips the extra confirmation of the restart.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Begin()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument,
                $"-Timeout must be more than zero (got {Timeout}).", Timeout);
        }
    }

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId == "InvalidTimeout" || base.IsSetupError(ex);

    protected override void Process()
    {
        var editor = new ServerParameterEditor(Azure);
        var before = Await(editor.GetAsync(ResourceGroupName, ServerName, Name, CancellationToken));
        var unchanged = ParameterValueRule.SameValue(before, Value);
        if (!unchanged)
        {
            ServerParameterEditor.Validate(before, Value);
        }

        var target = $"{ResourceGroupName}/{ServerName}";
        var restartExpected = Restart && (before.IsConfigPendingRestart || (!unchanged && !before.IsDynamicConfig));
        if (unchanged && !restartExpected)
        {
            WriteVerbose($"{Name} on '{ServerName}' is already {before.Value}: nothing to change.");
            WriteObject(Result(before, before, ChangeOutcome.Unchanged, restarted: false, "Succeeded"));
            return;
        }

        var action = (unchanged ? $"Keep {Name} = {before.Value}" : $"Set {Name} from {before.Value} to {Value}") +
                     (before.IsDynamicConfig ? " (dynamic: applies without a restart)" : " (static: applies after a restart)") +
                     (restartExpected ? ", then restart the server (every connection is dropped)" : string.Empty);
        if (!ShouldProcess($"flexible server '{ServerName}' in resource group '{ResourceGroupName}'", action))
        {
            return;
        }

        if (restartExpected &&
            !ConfirmDangerous(Force, $"Restarting '{ServerName}' drops every connection to it for a minute or more. Continue?", "Restart the database server",
                ref _yesToAll, ref _noToAll))
        {
            return;
        }

        var after = before;
        var status = "Succeeded";
        if (!unchanged)
        {
            ParameterUpdate update;
            try
            {
                update = OperationProgress.Run(this, OperationProgress.ParameterActivityId, $"Setting {Name} on '{ServerName}'", Timeout,
                    progress => editor.SetAsync(before, Value, Wait || Restart, Timeout, progress, CancellationToken));
            }
            catch (SeekapaException ex) when (ex.ErrorId is "ParameterUpdateFailed" or "ParameterUpdateTimedOut")
            {
                RecordChange(target, $"Set parameter {Name}", ex.ErrorId == "ParameterUpdateFailed" ? "Failed" : "StillRunning", before.Value, Value);
                throw;
            }

            after = update.After;
            status = update.OperationStatus;
            RecordChange(target, $"Set parameter {Name}", status == "Succeeded" ? "Changed" : "Accepted", before.Value, after.Value);
        }

        if (!Restart)
        {
            if (after.IsConfigPendingRestart)
            {
                WriteWarning($"{Name} = {after.Value} takes effect only after '{ServerName}' restarts: run this again with -Restart, " +
                             "or restart it in a maintenance window.");
            }

            WriteObject(Result(before, after, unchanged ? ChangeOutcome.Unchanged : ChangeOutcome.Changed, restarted: false, status));
            return;
        }

        if (!after.IsConfigPendingRestart)
        {
            WriteVerbose($"'{ServerName}' does not need a restart: {Name} = {after.Value} is already in effect.");
            WriteObject(Result(before, after, unchanged ? ChangeOutcome.Unchanged : ChangeOutcome.Changed, restarted: false, status));
            return;
        }

        try
        {
            OperationProgress.Run(this, OperationProgress.ParameterActivityId, $"Restarting '{ServerName}'", Timeout, async progress =>
            {
                await editor.RestartAsync(ResourceGroupName, ServerName, Timeout, progress, CancellationToken).ConfigureAwait(false);
                return true;
            });
        }
        catch (SeekapaException ex)
        {
            RecordChange(target, "Restart server", ex.ErrorId == "RestartTimedOut" ? "StillRunning" : "Failed", null, $"for {Name} = {after.Value}");
            // The parameter change landed even though the restart did not: say so, then report why.
            WriteObject(Result(before, after, unchanged ? ChangeOutcome.Unchanged : ChangeOutcome.Changed, restarted: false, status));
            throw;
        }

        RecordChange(target, "Restart server", "Restarted", null, $"for {Name} = {after.Value}");
        var final = Await(editor.GetAsync(ResourceGroupName, ServerName, Name, CancellationToken));
        WriteObject(Result(before, final, unchanged ? ChangeOutcome.Unchanged : ChangeOutcome.Changed, restarted: true, status));
    }

    private static AzureDatabaseParameter Result(ServerParameter before, ServerParameter after, ChangeOutcome outcome, bool restarted, string status) => new()
    {
        ResourceGroupName = after.ResourceGroup,
        ServerName = after.Server,
        Name = after.Name,
        OldValue = before.Value,
        Value = after.Value,
        DefaultValue = after.DefaultValue,
        DataType = after.DataType,
        AllowedValues = after.AllowedValues,
        Unit = after.Unit,
        Source = after.Source,
        IsDynamicConfig = after.IsDynamicConfig,
        IsConfigPendingRestart = after.IsConfigPendingRestart,
        Outcome = outcome,
        Restarted = restarted,
        OperationStatus = status,
        Time = DateTimeOffset.UtcNow,
    };
}
