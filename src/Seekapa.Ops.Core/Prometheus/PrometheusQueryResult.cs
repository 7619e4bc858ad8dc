namespace Seekapa.Ops.Core.Prometheus;

/// <summary>A successful query: its result type, one sample per series point, and the warnings Prometheus returned with it.</summary>
public sealed record PrometheusQueryResult(PrometheusResultType ResultType, IReadOnlyList<PrometheusSample> Samples, IReadOnlyList<string> Warnings);
