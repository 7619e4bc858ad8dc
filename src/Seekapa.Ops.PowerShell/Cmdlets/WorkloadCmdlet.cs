using System.Management.Automation;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Seekapa.Ops.PowerShell.Completers;

namespace Seekapa.Ops.PowerShell.Cmdlets;

/// <summary>
/// Base of the cmdlets that act on one workload per pipeline item. Name, Namespace and Kind bind by property name,
/// so `Get-SeekapaDeployment | Invoke-SeekapaRollback` works.
/// </summary>
public abstract class WorkloadCmdlet : ClusterCmdlet
{
    /// <summary>The workload's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Deployment (default) or StatefulSet.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public WorkloadKind Kind { get; set; } = WorkloadKind.Deployment;

    private WorkloadClient? _workloads;

    protected WorkloadClient Workloads => _workloads ??= new WorkloadClient(Session);

    /// <summary>The current pipeline item's target, validated before any call.</summary>
    protected WorkloadRef Target
    {
        get
        {
            var ns = Namespace ?? Session.DefaultNamespace;
            ResourceNames.ValidateNamespace(ns);
            ResourceNames.ValidateName(Name, Kind.ToString());
            return new WorkloadRef(Kind, ns, Name);
        }
    }
}
