using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl rollout undo with its exact semantics, ShouldProcess showing the template diff, and an optional wait.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SeekapaRollback", HelpUri = HelpLinks.Cmdlets + "Invoke-SeekapaRollback.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RollbackResult))]
public sealed class InvokeSeekapaRollbackCommand : RolloutWaitingCmdlet
{
    /// <summary>The revision to restore; 0 (default) is the previous one.</summary>
    [Parameter]
    public int ToRevision { get; set; }

    /// <summary>After the rollback lands, wait for its rollout as Wait-SeekapaRollout does.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void Process()
    {
        var target = Target;
        if (ToRevision < 0)
        {
            // kubectl's first check, made before any call.
            throw new SeekapaException("RevisionNotFound", FailureCategory.ObjectNotFound,
                $"unable to find specified revision {ToRevision} in history", $"{target.Namespace}/{target.Name}",
                "-ToRevision is a revision number from Get-SeekapaRolloutHistory, or 0 for the previous revision.");
        }

        var rollbacker = new Rollbacker(Session);
        var plan = Await(rollbacker.PlanAsync(target, ToRevision, CancellationToken));
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (plan.Skipped)
        {
            WriteWarning($"{target} {plan.Message}");
            WriteObject(Result(plan, null));
            return;
        }

        var description = plan.Describe();
        if (!ShouldProcess(description, $"Roll back {target} in namespace '{target.Namespace}' to revision {plan.ToRevision}? {description}",
                "Confirm rollback"))
        {
            return;
        }

        var landed = Await(rollbacker.ApplyAsync(plan, CancellationToken));
        if (landed.Skipped)
        {
            // Another writer made the workload match the target between our read and our patch.
            WriteWarning($"{target} {landed.Message}");
            WriteObject(Result(landed, null));
            return;
        }

        RecordChange($"{target.Namespace}/{target}", $"rollback to revision {landed.ToRevision}", "RolledBack",
            $"revision {landed.FromRevision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} ({string.Join(", ", landed.ImagesBefore)})",
            $"revision {landed.ToRevision} ({string.Join(", ", landed.ImagesAfter)})");
        if (!Wait)
        {
            WriteObject(Result(landed, null));
            return;
        }

        RolloutStatus status;
        try
        {
            // The stuck revision's ProgressDeadlineExceeded lingers until the rollback makes progress: not this rollout's failure.
            var waiter = new RolloutWaiter(Session) { StaleDeadlineExceeded = landed.DeadlineExceededAt };
            status = RolloutWaitLoop.Run(this, waiter, target, null, Timeout, CancellationToken);
        }
        catch (SeekapaException)
        {
            // The rollback landed even though the wait failed: say so, then report why the wait failed.
            WriteObject(Result(landed, null));
            throw;
        }

        WriteObject(Result(landed, status));
    }

    private static RollbackResult Result(RollbackPlan plan, RolloutStatus? status) => new()
    {
        Kind = plan.Target.Kind,
        Namespace = plan.Target.Namespace,
        Name = plan.Target.Name,
        FromRevision = plan.FromRevision,
        ToRevision = plan.ToRevision,
        Outcome = plan.Skipped ? RollbackOutcome.Skipped : RollbackOutcome.RolledBack,
        Message = plan.Message,
        ImagesBefore = plan.ImagesBefore,
        ImagesAfter = plan.ImagesAfter,
        Status = status,
    };
}
