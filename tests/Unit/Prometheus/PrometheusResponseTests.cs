using System.Net;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Prometheus;
using Xunit;

namespace Seekapa.Ops.Tests.Prometheus;

/// <summary>The API's envelope, as documented (https://prometheus.io/docs/prometheus/latest/querying/api/), read into samples or errors.</summary>
public sealed class PrometheusResponseTests
{
    private static PrometheusQueryResult Parse(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        PrometheusResponse.Parse("q", status, body, ["tok-3f9a1c77"]);

    [Fact]
    public void AVectorIsOneSamplePerSeriesWithItsLabels()
    {
        var result = Parse("""
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"value":[1435781451.781,"1"]},
              {"metric":{"job":"node","instance":"localhost:9100"},"value":[1435781451.781,"0"]}]}}
            """);
        Assert.Equal(PrometheusResultType.Vector, result.ResultType);
        Assert.Equal(2, result.Samples.Count);
        var up = result.Samples[0];
        Assert.Equal(("up", 1.0, 0, "q"), (up.Metric, up.Value, up.Series, up.Query));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1435781451781), up.Timestamp);
        Assert.Equal(new Dictionary<string, string> { ["instance"] = "localhost:9090", ["job"] = "prometheus" }, up.Labels);
        Assert.Equal("{instance=\"localhost:9090\", job=\"prometheus\"}", up.LabelText);
        Assert.Equal("up{instance=\"localhost:9090\", job=\"prometheus\"} 1 @1435781451.781", up.ToString());
        Assert.Null(result.Samples[1].Metric);
        Assert.Equal(1, result.Samples[1].Series);
    }

    [Fact]
    public void AMatrixIsOneSamplePerSeriesAndPoint()
    {
        var result = Parse("""
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"code":"500"},"values":[[1700000000,"0.5"],[1700000015,"0.75"]]},
              {"metric":{"code":"503"},"values":[[1700000000,"2e-3"]]}]}}
            """);
        Assert.Equal(PrometheusResultType.Matrix, result.ResultType);
        Assert.Equal([(0, 0.5), (0, 0.75), (1, 0.002)], result.Samples.Select(s => (s.Series, s.Value)));
        Assert.Equal(TimeSpan.FromSeconds(15), result.Samples[1].Timestamp - result.Samples[0].Timestamp);
        Assert.Equal("503", result.Samples[2].Labels["code"]);
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("-1.5e+10", -1.5e10)]
    public void ScalarValuesIncludeTheSpecialFloats(string text, double expected)
    {
        var sample = Assert.Single(Parse($$$"""{"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"{{{text}}}"]}}""").Samples);
        Assert.Equal((PrometheusResultType.Scalar, expected), (sample.ResultType, sample.Value));
        Assert.Equal(text == "-1.5e+10" ? "-15000000000" : text, sample.ValueText);
    }

    [Fact]
    public void AStringResultKeepsItsText()
    {
        var sample = Assert.Single(Parse("""{"status":"success","data":{"resultType":"string","result":[1700000000,"hello"]}}""").Samples);
        Assert.Equal(("hello", PrometheusResultType.String), (sample.StringValue, sample.ResultType));
        Assert.True(double.IsNaN(sample.Value));
    }

    [Fact]
    public void WarningsAndSkippedNativeHistogramsAreReported()
    {
        var result = Parse("""
            {"status":"success","warnings":["remote read failed for tok-3f9a1c77"],"data":{"resultType":"vector","result":[
              {"metric":{"__name__":"lat"},"histogram":[1700000000,{"count":"3","sum":"1","buckets":[]}]},
              {"metric":{"__name__":"up"},"value":[1700000000,"1"]}]}}
            """);
        Assert.Equal("up", Assert.Single(result.Samples).Metric);
        Assert.Equal(2, result.Warnings.Count);
        Assert.Equal("remote read failed for ***", result.Warnings[0]);
        Assert.Contains("1 native histogram", result.Warnings[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "bad_data", FailureCategory.InvalidArgument)]
    [InlineData((HttpStatusCode)422, "execution", FailureCategory.InvalidOperation)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "timeout", FailureCategory.OperationTimeout)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "unavailable", FailureCategory.ResourceUnavailable)]
    public void ApiErrorsCarryErrorTypeAndError(HttpStatusCode status, string errorType, FailureCategory category)
    {
        var ex = Assert.Throws<SeekapaException>(() => Parse(
            $$"""{"status":"error","errorType":"{{errorType}}","error":"1:6: parse error: unexpected end of input"}""", status));
        Assert.Equal(("PrometheusQueryFailed", category, "q"), (ex.ErrorId, ex.Category, ex.Target));
        Assert.Contains($"errorType {errorType}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1:6: parse error: unexpected end of input", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "PrometheusAuthenticationFailed")]
    [InlineData(HttpStatusCode.Forbidden, "PrometheusForbidden")]
    [InlineData(HttpStatusCode.NotFound, "PrometheusApiNotFound")]
    [InlineData(HttpStatusCode.BadGateway, "PrometheusRequestFailed")]
    public void WhatIsNotTheApiSaysSoWithoutTheSecret(HttpStatusCode status, string errorId)
    {
        var ex = Assert.Throws<SeekapaException>(() => Parse("<html>bad token tok-3f9a1c77</html>", status));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains("<html>bad token ***</html>", ex.Message, StringComparison.Ordinal);
    }
}
