using System.Globalization;

namespace Seekapa.Ops;

/// <summary>The kind of result a PromQL expression evaluated to (the API's resultType).</summary>
public enum PrometheusResultType
{
    Vector,
    Matrix,
    Scalar,
    String,
}

/// <summary>
/// One sample of a Prometheus query result: a series of an instant vector, one point of a series of a range matrix,
/// or a scalar or string result. Invoke-SeekapaPrometheusQuery also adds every label as a property of its own.
/// </summary>
public sealed class PrometheusSample
{
    /// <summary>The metric name (the __name__ label); null for the result of an expression such as rate() or sum().</summary>
    public string? Metric { get; init; }

    /// <summary>The series' labels, without __name__.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The value; NaN, +Inf and -Inf as the double values. NaN for a string result.</summary>
    public double Value { get; init; }

    /// <summary>The text of a string result; null otherwise.</summary>
    public string? StringValue { get; init; }

    public DateTimeOffset Timestamp { get; init; }
    public PrometheusResultType ResultType { get; init; }

    /// <summary>Which series of the result this sample belongs to (0-based, in the order Prometheus returned them).</summary>
    public int Series { get; init; }

    /// <summary>The PromQL expression that produced the sample.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>The labels as PromQL writes them: {instance="a:9090", job="prometheus"}.</summary>
    public string LabelText => Labels.Count == 0
        ? string.Empty
        : "{" + string.Join(", ", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";

    /// <summary>The value as Prometheus writes it: NaN, +Inf, -Inf, or the shortest exact decimal.</summary>
    public string ValueText => StringValue ?? Value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => Value.ToString("R", CultureInfo.InvariantCulture),
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Metric}{LabelText} {ValueText} @{Timestamp.ToUnixTimeMilliseconds() / 1000.0:0.###}");
}
