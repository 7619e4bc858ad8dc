using System.Globalization;
using System.Net;
using System.Text.Json;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Prometheus;

/// <summary>
/// Reads the HTTP API's JSON envelope: {"status":"success","data":{"resultType":..,"result":..},"warnings":[..]} into
/// samples, or {"status":"error","errorType":..,"error":..} into a PrometheusQueryFailed exception carrying both.
/// </summary>
public static class PrometheusResponse
{
    public static PrometheusQueryResult Parse(string query, HttpStatusCode status, string body, IEnumerable<string?> secrets)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw NotTheApi(query, status, body, secrets);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var statusProperty))
            {
                throw NotTheApi(query, status, body, secrets);
            }

            if (statusProperty.GetString() != "success")
            {
                var errorType = root.TryGetProperty("errorType", out var t) ? t.GetString() ?? "unknown" : "unknown";
                var error = root.TryGetProperty("error", out var e) ? e.GetString() ?? string.Empty : string.Empty;
                throw QueryFailed(query, (int)status, errorType, Redactor.Redact(error, secrets));
            }

            var warnings = new List<string>();
            if (root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array)
            {
                warnings.AddRange(w.EnumerateArray().Select(x => Redactor.Redact(x.GetString(), secrets)));
            }

            var data = root.GetProperty("data");
            var resultType = ParseResultType(data.GetProperty("resultType").GetString());
            var samples = new List<PrometheusSample>();
            var skippedHistograms = 0;
            var result = data.GetProperty("result");
            switch (resultType)
            {
                case PrometheusResultType.Vector:
                    var series = 0;
                    foreach (var item in result.EnumerateArray())
                    {
                        if (item.TryGetProperty("value", out var value))
                        {
                            var (metric, labels) = Labels(item);
                            samples.Add(Sample(query, resultType, series, metric, labels, value));
                        }
                        else
                        {
                            skippedHistograms++;
                        }

                        series++;
                    }

                    break;
                case PrometheusResultType.Matrix:
                    series = 0;
                    foreach (var item in result.EnumerateArray())
                    {
                        var (metric, labels) = Labels(item);
                        if (item.TryGetProperty("values", out var values))
                        {
                            samples.AddRange(values.EnumerateArray().Select(point => Sample(query, resultType, series, metric, labels, point)));
                        }

                        if (item.TryGetProperty("histograms", out var histograms))
                        {
                            skippedHistograms += histograms.GetArrayLength();
                        }

                        series++;
                    }

                    break;
                default:
                    samples.Add(Sample(query, resultType, 0, null, new Dictionary<string, string>(), result));
                    break;
            }

            if (skippedHistograms > 0)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{skippedHistograms} native histogram sample(s) were left out: query a number from them, e.g. histogram_count(), histogram_sum() or histogram_quantile()."));
            }

            return new PrometheusQueryResult(resultType, samples, warnings);
        }
    }

    /// <summary>The ErrorRecord category per errorType; the ErrorId is always PrometheusQueryFailed.</summary>
    public static SeekapaException QueryFailed(string query, int status, string errorType, string error)
    {
        var category = errorType switch
        {
            "bad_data" => FailureCategory.InvalidArgument,
            "timeout" => FailureCategory.OperationTimeout,
            "canceled" => FailureCategory.OperationStopped,
            "unavailable" => FailureCategory.ResourceUnavailable,
            "not_found" => FailureCategory.ObjectNotFound,
            _ => FailureCategory.InvalidOperation,
        };
        var action = errorType switch
        {
            "bad_data" => "Fix the query or its parameters: Prometheus's message names the problem and its position.",
            "timeout" => "Narrow the query (fewer series, a shorter range or a larger -Step) or raise -Timeout.",
            "unavailable" => "Prometheus is starting up or overloaded: retry in a moment.",
            _ => null,
        };
        return new SeekapaException("PrometheusQueryFailed", category,
            string.Create(CultureInfo.InvariantCulture, $"Prometheus could not run the query (errorType {errorType}, HTTP {status}): {error}"),
            query, action);
    }

    private static SeekapaException NotTheApi(string query, HttpStatusCode status, string body, IEnumerable<string?> secrets)
    {
        var snippet = Redactor.Redact(body.Length > 200 ? body[..200] + "..." : body, secrets).ReplaceLineEndings(" ");
        return (int)status switch
        {
            401 => new SeekapaException("PrometheusAuthenticationFailed", FailureCategory.AuthenticationError,
                $"Prometheus (or the proxy in front of it) rejected the credentials (401): {snippet}", query,
                "Pass -BearerToken or -Credential, as the server or its proxy expects."),
            403 => new SeekapaException("PrometheusForbidden", FailureCategory.PermissionDenied,
                $"Prometheus (or the proxy in front of it) refused the query (403): {snippet}", query),
            404 => new SeekapaException("PrometheusApiNotFound", FailureCategory.ObjectNotFound,
                $"There is no Prometheus query API at this endpoint (404): {snippet}", query,
                "Check -Endpoint: the server's base URI, including a path prefix if Prometheus runs with --web.route-prefix."),
            _ => new SeekapaException("PrometheusRequestFailed", FailureCategory.ProtocolError,
                string.Create(CultureInfo.InvariantCulture, $"The answer (HTTP {(int)status}) is not a Prometheus API response: {snippet}"), query),
        };
    }

    private static PrometheusResultType ParseResultType(string? text) => text switch
    {
        "vector" => PrometheusResultType.Vector,
        "matrix" => PrometheusResultType.Matrix,
        "scalar" => PrometheusResultType.Scalar,
        "string" => PrometheusResultType.String,
        _ => throw new SeekapaException("PrometheusRequestFailed", FailureCategory.ProtocolError,
            $"Prometheus returned an unknown result type '{text}'."),
    };

    private static (string? Metric, IReadOnlyDictionary<string, string> Labels) Labels(JsonElement item)
    {
        string? metric = null;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("metric", out var m))
        {
            foreach (var label in m.EnumerateObject())
            {
                if (label.Name == "__name__")
                {
                    metric = label.Value.GetString();
                }
                else
                {
                    labels[label.Name] = label.Value.GetString() ?? string.Empty;
                }
            }
        }

        return (metric, labels);
    }

    /// <summary>A [timestamp, "value"] pair: seconds since the epoch (milliseconds precision), the value as a string.</summary>
    private static PrometheusSample Sample(string query, PrometheusResultType type, int series, string? metric,
        IReadOnlyDictionary<string, string> labels, JsonElement pair)
    {
        var seconds = pair[0].GetDouble();
        var text = pair[1].GetString() ?? string.Empty;
        return new PrometheusSample
        {
            Metric = metric,
            Labels = labels,
            Value = type == PrometheusResultType.String ? double.NaN : ParseValue(text),
            StringValue = type == PrometheusResultType.String ? text : null,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
            ResultType = type,
            Series = series,
            Query = query,
        };
    }

    /// <summary>Prometheus writes Go floats: NaN, +Inf, -Inf, or a decimal/exponent number.</summary>
    public static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SeekapaException("PrometheusRequestFailed", FailureCategory.ProtocolError, $"'{text}' is not a sample value."),
    };
}
