using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl rollout status: watches the workload until its rollout completes, fails or times out.</summary>
[Cmdlet(VerbsLifecycle.Wait, "SeekapaRollout")]
[OutputType(typeof(RolloutStatus))]
public sealed class WaitSeekapaRolloutCommand : WorkloadCmdlet
{
    /// <summary>How long to wait (a TimeSpan, or a number of seconds); 0 waits until the rollout ends or Ctrl+C.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = RolloutWaiter.DefaultTimeout;

    /// <summary>Fail unless the Deployment runs this revision (kubectl --revision).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Revision { get; set; }

    protected override void Begin()
    {
        if (Timeout < TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument,
                $"-Timeout must not be negative (got {Timeout}); use 0 to wait without a limit.", Timeout);
        }
    }

    protected override void Process()
    {
        var target = Target;
        WriteObject(RolloutWaitLoop.Run(this, new RolloutWaiter(Session), target, Revision, Timeout, CancellationToken));
    }

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId == "InvalidTimeout" || base.IsSetupError(ex);
}
