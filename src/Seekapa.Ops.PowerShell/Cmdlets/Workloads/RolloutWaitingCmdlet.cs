using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>Base of the workload cmdlets that wait for a rollout: one -Timeout with one meaning and one validation.</summary>
public abstract class RolloutWaitingCmdlet : WorkloadCmdlet
{
    /// <summary>How long to wait (a TimeSpan, or a number of seconds); 0 waits until the rollout ends or Ctrl+C.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = RolloutWaiter.DefaultTimeout;

    protected override void Begin() => RolloutWaitLoop.ValidateTimeout(Timeout);

    protected override bool IsSetupError(SeekapaException ex) => ex.ErrorId == "InvalidTimeout" || base.IsSetupError(ex);
}
