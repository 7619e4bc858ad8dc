using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl rollout status: watches the workload until its rollout completes, fails or times out.</summary>
[Cmdlet(VerbsLifecycle.Wait, "SeekapaRollout", HelpUri = HelpLinks.Cmdlets + "Wait-SeekapaRollout.md")]
[OutputType(typeof(RolloutStatus))]
public sealed class WaitSeekapaRolloutCommand : RolloutWaitingCmdlet
{
    /// <summary>Fail unless the Deployment runs this revision (kubectl --revision).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Revision { get; set; }

    protected override void Process()
    {
        var target = Target;
        WriteObject(RolloutWaitLoop.Run(this, new RolloutWaiter(Session), target, Revision, Timeout, CancellationToken));
    }
}
