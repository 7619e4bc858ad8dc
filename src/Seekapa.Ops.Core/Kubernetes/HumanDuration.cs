namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>apimachinery's duration.HumanDuration: the AGE and "(5m ago)" strings kubectl prints.</summary>
public static class HumanDuration
{
    // PLACEHOLDER: replaced by the exact port.
    public static string Format(TimeSpan d) => $"{(long)d.TotalSeconds}s";
}
