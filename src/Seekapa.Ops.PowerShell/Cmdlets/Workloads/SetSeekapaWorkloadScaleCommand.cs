using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl scale deployment/statefulset through the /scale subresource.</summary>
[Cmdlet(VerbsCommon.Set, "SeekapaWorkloadScale", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaWorkloadScale.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WorkloadChange))]
public sealed class SetSeekapaWorkloadScaleCommand : WorkloadCmdlet
{
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>The desired number of replicas.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(0, int.MaxValue)]
    public int Replicas { get; set; }

    /// <summary>Precondition: scale only if the current replica count is this (kubectl --current-replicas).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? CurrentReplicas { get; set; }

    /// <summary>Skips the extra confirmation for scaling to 0.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        var target = Target;
        WorkloadScaler.ValidateReplicas(Replicas);
        var precondition = CurrentReplicas is { } current ? $" (only if it has {current} now)" : string.Empty;
        if (!ShouldProcess($"{target} in namespace {target.Namespace}", $"Scale to {Replicas} replicas{precondition}"))
        {
            return;
        }

        if (Replicas == 0 &&
            !ConfirmDangerous(Force, $"Scaling {target} in namespace {target.Namespace} to 0 stops every pod: it serves nothing until scaled up again. Continue?",
                "Scale to 0", ref _yesToAll, ref _noToAll))
        {
            return;
        }

        var change = Await(new WorkloadScaler(Workloads).ScaleAsync(target, Replicas, CurrentReplicas, CancellationToken));
        if (change.Outcome == ChangeOutcome.Changed)
        {
            RecordChange($"{target.Namespace}/{target}", "Scale", change.Outcome.ToString(), change.Before, change.After);
        }

        WriteObject(change);
    }
}
