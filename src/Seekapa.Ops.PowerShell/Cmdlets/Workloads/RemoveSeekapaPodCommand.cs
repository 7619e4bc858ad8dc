using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.PowerShell.Completers;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>
/// kubectl delete pod: one deletion per pod, each confirmed by ShouldProcess; a failure does not stop the rest.
/// -GracePeriod 0 is kubectl's --grace-period=0 --force (deleted at once); -Force only skips that step's extra confirmation.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "SeekapaPod", HelpUri = HelpLinks.Cmdlets + "Remove-SeekapaPod.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PodRemoval))]
public sealed class RemoveSeekapaPodCommand : ClusterCmdlet
{
    private bool _warned;
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>The pods' names.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>
    /// Seconds the containers get to stop; default the pod's terminationGracePeriodSeconds. 0 deletes at once without
    /// waiting for the kubelet (kubectl --grace-period=0 --force), after an extra confirmation that -Force skips.
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? GracePeriod { get; set; }

    /// <summary>Skips the extra confirmation of -GracePeriod 0 (the module's one meaning of -Force); changes nothing else.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until each pod is gone.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void Process()
    {
        var ns = Namespace ?? Session.DefaultNamespace;
        ResourceNames.ValidateNamespace(ns);
        var grace = PodRemover.EffectiveGracePeriod(GracePeriod);
        var immediate = grace == 0;
        var remover = new PodRemover(Session);
        foreach (var name in Name)
        {
            try
            {
                ResourceNames.ValidateName(name, "pod");
                var action = immediate ? "Force delete (no grace period)" : GracePeriod is null ? "Delete" : $"Delete (grace period {grace}s)";
                if (!ShouldProcess($"pod/{name} in namespace {ns}", action) || (immediate && !ConfirmImmediate()))
                {
                    continue;
                }

                var removal = Await(remover.RemoveAsync(ns, name, grace, CancellationToken));
                RecordChange($"{ns}/pod/{name}", immediate ? "ForceDelete" : "Delete", removal.Outcome.ToString());
                if (Wait && removal.Outcome == PodRemovalOutcome.Terminating)
                {
                    // The pod's own grace period bounds the wait, plus time for the kubelet and the API server.
                    var timeout = TimeSpan.FromSeconds((grace ?? 30) + 60);
                    removal = Await(remover.WaitUntilGoneAsync(removal, timeout, CancellationToken));
                }

                WriteObject(removal);
            }
            catch (SeekapaException ex) when (!IsSetupError(ex))
            {
                WriteFailure(ex);
            }
        }
    }

    /// <summary>
    /// Deletion without a grace period can leave the containers running on an unreachable node: kubectl's warning, then
    /// the module's extra confirmation for a dangerous step (once per command; -Force, -Confirm:$false or
    /// $ConfirmPreference 'None' skip it, so it never blocks an unattended run).
    /// </summary>
    private bool ConfirmImmediate()
    {
        if (!_warned)
        {
            _warned = true;
            WriteWarning("Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
        }

        return ConfirmDangerous(Force, "Delete without a grace period? The containers may keep running if the node is unreachable.",
            "Force delete", ref _yesToAll, ref _noToAll);
    }
}
