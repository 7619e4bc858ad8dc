using Azure.Core;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Metrics;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

public sealed class AzureMetricsTests
{
    private const string Aks = "/subscriptions/" + FakeArm.Subscription + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1";
    private const string Insights = "/subscriptions/" + FakeArm.Subscription + "/resourceGroups/rg1/providers/microsoft.insights/components/bi";
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The spec's example (specs/azure-arm.md "Azure Monitor metrics"): the second minute has no data.
    private const string CpuJson = """
        {"cost":59,"timespan":"2025-01-01T00:00:00Z/2025-01-01T00:02:00Z","interval":"PT1M","namespace":"microsoft.containerservice/managedclusters","resourceregion":"eastus",
         "value":[{"id":".../aks1/providers/Microsoft.Insights/metrics/node_cpu_usage_percentage","type":"Microsoft.Insights/metrics",
          "name":{"value":"node_cpu_usage_percentage","localizedValue":"CPU Usage Percentage"},"unit":"Percent","errorCode":"Success",
          "timeseries":[{"metadatavalues":[],"data":[{"timeStamp":"2025-01-01T00:00:00Z","average":41.2,"maximum":63.0},{"timeStamp":"2025-01-01T00:01:00Z"}]}]}]}
        """;

    private static List<MetricResult> Run(FakeArm arm, MetricQuery query)
    {
        var results = new List<MetricResult>();
        var e = AzureMetrics.QueryAsync(arm.Session(), query, default).GetAsyncEnumerator();
        while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            results.Add(e.Current);
        }

        return results;
    }

    [Fact]
    public void OnePointPerTimeStampWithAnEmptyMinuteAsNullsNotZeros()
    {
        var arm = new FakeArm().On("GET", Aks + "/providers/Microsoft.Insights/metrics", FakeArm.Json(200, CpuJson));
        var query = new MetricQuery(Aks, ["node_cpu_usage_percentage"], null, TimeSpan.FromMinutes(1), Start, Start.AddMinutes(2));

        var result = Assert.Single(Run(arm, query));

        Assert.Null(result.Error);
        Assert.Collection(result.Points,
            p =>
            {
                Assert.Equal(("node_cpu_usage_percentage", "aks1", "Percent"), (p.Metric, p.Resource, p.Unit));
                Assert.Equal(Start, p.TimeStamp);
                Assert.Equal((41.2, 63.0), (p.Average, p.Maximum));
                Assert.Null(p.Minimum);
                Assert.True(p.HasData);
            },
            p =>
            {
                Assert.Equal(Start.AddMinutes(1), p.TimeStamp);
                Assert.False(p.HasData);
                Assert.Null(p.Average);
                Assert.Null(p.Maximum);
            });
        var query2 = Assert.Single(arm.Requests).Query;
        Assert.Contains("api-version=2023-10-01", query2);
        Assert.Contains("metricnames=node_cpu_usage_percentage", query2);
        Assert.Contains("timespan=2025-01-01T00:00:00Z/2025-01-01T00:02:00Z", query2);
        Assert.Contains("interval=PT1M", query2);
        Assert.Contains("aggregation=average,maximum", query2);
    }

    [Fact]
    public void CountMetricsDefaultToCountAndGoInTheirOwnRequestWithTheSlashEscaped()
    {
        var arm = new FakeArm().On("GET", Insights + "/providers/Microsoft.Insights/metrics", r => FakeArm.Json(200, r.Query.Contains("requests%2Ffailed")
            ? """{"value":[{"name":{"value":"requests/failed"},"unit":"Count","errorCode":"Success","timeseries":[{"data":[{"timeStamp":"2025-01-01T00:00:00Z","count":7}]}]}]}"""
            : """{"value":[{"name":{"value":"requests/duration"},"unit":"MilliSeconds","errorCode":"Success","timeseries":[{"data":[{"timeStamp":"2025-01-01T00:00:00Z","average":180.5,"maximum":900}]}]}]}"""));
        var query = new MetricQuery(Insights, ["requests/failed", "requests/duration"], null, TimeSpan.FromMinutes(5), Start, Start.AddMinutes(5));

        var results = Run(arm, query);

        Assert.Equal(new[] { "requests/failed", "requests/duration" }, results.Select(r => r.Metric));
        Assert.Equal(7, results[0].Points.Single().Count);
        Assert.Equal(180.5, results[1].Points.Single().Average);
        Assert.Equal(2, arm.Requests.Count);
        Assert.Contains("metricnames=requests%2Ffailed&", arm.Requests[0].Uri.PathAndQuery);
        Assert.Contains("aggregation=count", arm.Requests[0].Query);
        Assert.Contains("interval=PT5M", arm.Requests[0].Query);
        Assert.Contains("aggregation=average,maximum", arm.Requests[1].Query);
    }

    [Fact]
    public void APerMetricErrorCodeFailsOnlyThatMetric()
    {
        var arm = new FakeArm().On("GET", Aks + "/providers/Microsoft.Insights/metrics", FakeArm.Json(200, """
            {"value":[
              {"name":{"value":"node_cpu_usage_percentage"},"unit":"Percent","errorCode":"Success","timeseries":[{"data":[{"timeStamp":"2025-01-01T00:00:00Z","average":12}]}]},
              {"name":{"value":"apiserver_current_inflight_requests"},"unit":"Count","errorCode":"Throttled","errorMessage":"Try again later.","timeseries":[]}]}
            """));
        var query = new MetricQuery(Aks, ["node_cpu_usage_percentage", "apiserver_current_inflight_requests", "kube_pod_status_ready"],
            [MetricAggregation.Average], TimeSpan.FromMinutes(1), Start, Start.AddMinutes(1));

        var results = Run(arm, query);

        Assert.Single(arm.Requests); // one aggregation set: one request
        Assert.Equal(12, results[0].Points.Single().Average);
        Assert.Equal("MetricUnavailable", results[1].Error!.ErrorId);
        Assert.Contains("Throttled", results[1].Error!.Message);
        Assert.Contains("Try again later.", results[1].Error!.Message);
        Assert.Equal("MetricUnavailable", results[2].Error!.ErrorId); // asked for, not returned
    }

    [Fact]
    public void AnUnknownMetricNameFailsAloneWithTheValidNamesWhileTheOthersAreStillRead()
    {
        const string unknown = "Failed to find metric configuration for provider: Microsoft.ContainerService, resource Type: managedClusters, metric: cpu, Valid metrics: node_cpu_usage_percentage";
        var arm = new FakeArm().On("GET", Aks + "/providers/Microsoft.Insights/metrics", r => r.Query.Contains("metricnames=cpu")
            || r.Query.Contains(",cpu")
            ? FakeArm.Error(400, "BadRequest", unknown)
            : FakeArm.Json(200, CpuJson));
        var query = new MetricQuery(Aks, ["node_cpu_usage_percentage", "cpu"], null, TimeSpan.FromMinutes(1), Start, Start.AddMinutes(2));

        var results = Run(arm, query);

        Assert.Equal(2, results[0].Points.Count);
        Assert.Equal("MetricUnavailable", results[1].Error!.ErrorId);
        Assert.Contains("Valid metrics: node_cpu_usage_percentage", results[1].Error!.Message);
        Assert.Equal(3, arm.Requests.Count); // the refused pair, then each metric alone
    }

    [Fact]
    public void AMissingResourceIsAzureResourceNotFound()
    {
        var arm = new FakeArm().On("GET", Aks + "/providers/Microsoft.Insights/metrics", FakeArm.Error(404, "ResourceNotFound", "The Resource was not found."));
        var query = new MetricQuery(Aks, ["node_cpu_usage_percentage"], null, TimeSpan.FromMinutes(1), Start, Start.AddMinutes(1));

        var ex = Assert.Throws<SeekapaException>(() => Run(arm, query));

        Assert.Equal("AzureResourceNotFound", ex.ErrorId);
    }

    [Theory]
    [InlineData(Aks, "node_cpu_usage_percentage", 120, 60, "InvalidInterval")]
    [InlineData(Aks, "node_cpu_usage_percentage", 60, -60, "InvalidTimeRange")]
    [InlineData(Aks, "a,b", 60, 60, "InvalidMetricName")]
    [InlineData("/subscriptions/x/resourceGroups/rg1", "node_cpu_usage_percentage", 60, 60, "InvalidResourceId")]
    public void BadQueriesAreRefusedBeforeAnyCall(string resourceId, string metric, int intervalSeconds, int windowSeconds, string errorId)
    {
        var ex = Assert.Throws<SeekapaException>(() =>
            new MetricQuery(resourceId, [metric], null, TimeSpan.FromSeconds(intervalSeconds), Start, Start.AddSeconds(windowSeconds)));

        Assert.Equal(errorId, ex.ErrorId);
    }

    [Theory]
    [InlineData(1, "PT1M")]
    [InlineData(5, "PT5M")]
    [InlineData(60, "PT1H")]
    [InlineData(1440, "P1D")]
    public void IntervalsAreWrittenInIso8601(int minutes, string iso) => Assert.Equal(iso, MetricQuery.ToIso(TimeSpan.FromMinutes(minutes)));
}
