using System.Diagnostics;
using System.Management.Automation;
using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// Point-in-time restore of a PostgreSQL flexible server into a new server (the runbook's `az postgres server restore`,
/// whose Single Server is retired). Validates the window and the target name before the one write; ConfirmImpact High.
/// </summary>
[Cmdlet(VerbsData.Restore, "SeekapaDatabase", HelpUri = HelpLinks.Cmdlets + "Restore-SeekapaDatabase.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DatabaseRestore))]
public sealed class RestoreSeekapaDatabaseCommand : AzureCmdlet
{
    /// <summary>The source server's resource group.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>The source server.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "SourceServerName")]
    public string ServerName { get; set; } = string.Empty;

    /// <summary>The point in time to restore (a DateTimeOffset: '2024-01-15T13:30:00Z', or a local time with its offset).</summary>
    [Parameter(Mandatory = true)]
    public DateTimeOffset RestorePointInTime { get; set; }

    /// <summary>The name of the new server.</summary>
    [Parameter(Mandatory = true)]
    public string TargetServerName { get; set; } = string.Empty;

    /// <summary>The new server's resource group; by default the source's.</summary>
    [Parameter]
    public string? TargetResourceGroupName { get; set; }

    /// <summary>Waits for the restore to finish, with progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (default 1 hour); the restore carries on in Azure after it.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

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
        var restorer = new DatabaseRestorer(Azure);
        var plan = Await(restorer.PlanAsync(new RestoreRequest(ResourceGroupName, ServerName, RestorePointInTime, TargetServerName,
            TargetResourceGroupName), CancellationToken));
        var description = plan.Describe();
        if (!ShouldProcess(description, $"{description} Continue?", "Confirm point-in-time restore"))
        {
            return;
        }

        RestoreStarted started;
        try
        {
            started = Await(restorer.StartAsync(plan, CancellationToken));
        }
        catch (SeekapaException ex) when (ex.ErrorId == "RestoreFailed")
        {
            Record(plan, "Failed", ex.Message);
            throw;
        }

        WriteVerbose($"Azure accepted the restore of '{plan.TargetName}' (operation {started.Result.OperationStatus}).");
        if (!Wait)
        {
            Record(plan, "Started", $"operation {started.Result.OperationStatus}");
            WriteObject(started.Result);
            return;
        }

        DatabaseRestore restored;
        try
        {
            restored = OperationProgress.Run(this, OperationProgress.RestoreActivityId,
                $"Restoring '{plan.TargetName}' from '{plan.Source.Name}' at {plan.PointInTimeText}", Timeout,
                progress => restorer.WaitAsync(plan, started, Timeout, progress, CancellationToken));
        }
        catch (SeekapaException ex)
        {
            Record(plan, ex.ErrorId switch { "RestoreFailed" => "Failed", "RestoreTimedOut" => "StillRunning", _ => "Unknown" }, ex.Message);
            throw;
        }

        Record(plan, "Succeeded", $"{restored.FullyQualifiedDomainName} ({restored.State}) after {restored.Duration:hh\\:mm\\:ss}");
        WriteObject(restored);
    }

    private void Record(RestorePlan plan, string outcome, string after) =>
        RecordChange($"{plan.TargetResourceGroup}/{plan.TargetName}", $"Point-in-time restore of {plan.Source.Name} to {plan.PointInTimeText}",
            outcome, $"{plan.Source.ResourceGroupName}/{plan.Source.Name} at {plan.PointInTimeText}", after);
}
