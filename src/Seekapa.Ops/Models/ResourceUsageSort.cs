namespace Seekapa.Ops;

/// <summary>The order of Get-SeekapaPodResourceUsage: kubectl's default (namespace, name) or --sort-by, descending.</summary>
public enum ResourceUsageSort
{
    Name,
    Cpu,
    Memory,
}
