using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl rollout history: one object per revision, sorted, with change-cause, images and which one is current.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaRolloutHistory", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaRolloutHistory.md")]
[OutputType(typeof(RolloutRevision))]
public sealed class GetSeekapaRolloutHistoryCommand : WorkloadCmdlet
{
    /// <summary>Only this revision (kubectl --revision).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Revision { get; set; }

    protected override void Process()
    {
        var target = Target;
        var history = Await(new RolloutHistoryReader(Session).ReadAsync(target, Revision, CancellationToken));
        if (history.Count == 0)
        {
            WriteWarning(RolloutHistoryReader.NoHistory);
            return;
        }

        foreach (var revision in history)
        {
            WriteObject(revision);
        }
    }
}
