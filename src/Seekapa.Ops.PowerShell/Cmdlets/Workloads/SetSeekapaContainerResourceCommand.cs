using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.PowerShell.Cmdlets.Workloads;

/// <summary>kubectl set resources: limits and requests merged into the selected containers of the pod template.</summary>
/// <remarks>
/// The four parameter sets make "at least one quantity" a binding-time rule: each set requires one quantity and admits
/// only the ones after it, so any combination resolves to exactly one set and none resolves to no set.
/// </remarks>
[Cmdlet(VerbsCommon.Set, "SeekapaContainerResource", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaContainerResource.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WorkloadChange))]
public sealed class SetSeekapaContainerResourceCommand : WorkloadCmdlet
{
    private const string CpuLimitSet = "CpuLimit";
    private const string MemoryLimitSet = "MemoryLimit";
    private const string CpuRequestSet = "CpuRequest";
    private const string MemoryRequestSet = "MemoryRequest";

    /// <summary>Container names, wildcards allowed; default every container and init container.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Container { get; set; }

    [Parameter(ParameterSetName = CpuLimitSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CpuLimit { get; set; }

    [Parameter(ParameterSetName = CpuLimitSet)]
    [Parameter(ParameterSetName = MemoryLimitSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? MemoryLimit { get; set; }

    [Parameter(ParameterSetName = CpuLimitSet)]
    [Parameter(ParameterSetName = MemoryLimitSet)]
    [Parameter(ParameterSetName = CpuRequestSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CpuRequest { get; set; }

    [Parameter(ParameterSetName = CpuLimitSet)]
    [Parameter(ParameterSetName = MemoryLimitSet)]
    [Parameter(ParameterSetName = CpuRequestSet)]
    [Parameter(ParameterSetName = MemoryRequestSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? MemoryRequest { get; set; }

    protected override void Process()
    {
        // Everything is validated before any call: a typo costs no request and changes nothing.
        var edit = ResourceEdit.Create(CpuLimit, MemoryLimit, CpuRequest, MemoryRequest);
        var selection = new ContainerSelection(Container);
        var target = Target;
        if (!ShouldProcess($"{target} in namespace {target.Namespace}",
                $"Set resources of container(s) {string.Join(", ", selection.Patterns)}: {edit}"))
        {
            return;
        }

        var change = Await(new WorkloadEditor(Workloads).SetResourcesAsync(target, selection, edit, CancellationToken));
        if (change.Outcome == ChangeOutcome.Changed)
        {
            RecordChange($"{target.Namespace}/{target}", "SetResources", change.Outcome.ToString(), change.Before, change.After);
        }

        WriteObject(change);
    }
}
