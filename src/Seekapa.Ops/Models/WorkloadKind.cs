namespace Seekapa.Ops;

/// <summary>The pod-template owners the workload cmdlets act on.</summary>
public enum WorkloadKind
{
    Deployment,
    StatefulSet,
}
