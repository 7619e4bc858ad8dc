using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl rollout restart: a new restartedAt annotation on the pod template; the controller replaces every pod.</summary>
[Cmdlet(VerbsLifecycle.Restart, "SeekapaWorkload", HelpUri = HelpLinks.Cmdlets + "Restart-SeekapaWorkload.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WorkloadChange))]
public sealed class RestartSeekapaWorkloadCommand : RolloutWaitingCmdlet
{
    /// <summary>Waits until the restart has rolled out (Wait-SeekapaRollout).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void Process()
    {
        var target = Target;
        if (!ShouldProcess($"{target} in namespace {target.Namespace}", "Restart (rollout restart: every pod is replaced)"))
        {
            return;
        }

        var change = Await(new WorkloadEditor(Workloads).RestartAsync(target, CancellationToken));
        if (change.Outcome == ChangeOutcome.Changed)
        {
            RecordChange($"{target.Namespace}/{target}", "Restart", change.Outcome.ToString(), change.Before, change.After);
        }

        WriteObject(change);
        if (Wait && change.Outcome == ChangeOutcome.Changed)
        {
            try
            {
                WriteVerbose(RolloutWaitLoop.Run(this, new RolloutWaiter(Session), target, null, Timeout, CancellationToken).Message);
            }
            catch (SeekapaException ex) when (ex.ErrorId is "RolloutFailed" or "RolloutTimeout")
            {
                // The restart itself landed (and is recorded): only the wait failed, and the next item may still go on.
                WriteFailure(ex);
            }
        }
    }
}
