using System.Management.Automation;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Core.Azure.Metrics;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Azure;

/// <summary>
/// `az monitor metrics list` and the App Insights failed-requests check: one MetricPoint per metric and time stamp. A
/// metric Azure Monitor cannot serve is a non-terminating MetricUnavailable; the other metrics still come.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SeekapaAzureMetric", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaAzureMetric.md", DefaultParameterSetName = ResourceIdSet)]
[OutputType(typeof(MetricPoint))]
public sealed class GetSeekapaAzureMetricCommand : AzureCmdlet
{
    private const string ResourceIdSet = "ResourceId";
    private const string AksSet = "AksCluster";
    private const string AppInsightsSet = "AppInsights";
    private const string PostgresSet = "PostgresServer";

    /// <summary>The full resource id (pipe Get-SeekapaAksCluster or Get-SeekapaAzureDatabaseServer output).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ResourceId { get; set; }

    /// <summary>An AKS cluster name (with -ResourceGroupName).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AksSet)]
    [ValidateNotNullOrEmpty]
    public string? AksCluster { get; set; }

    /// <summary>An Application Insights component name (with -ResourceGroupName).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AppInsightsSet)]
    [ValidateNotNullOrEmpty]
    public string? AppInsights { get; set; }

    /// <summary>An Azure Database for PostgreSQL flexible server name (with -ResourceGroupName).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PostgresSet)]
    [ValidateNotNullOrEmpty]
    public string? PostgresServer { get; set; }

    /// <summary>The resource group of -AksCluster, -AppInsights or -PostgresServer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AksSet)]
    [Parameter(Mandatory = true, ParameterSetName = AppInsightsSet)]
    [Parameter(Mandatory = true, ParameterSetName = PostgresSet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>Metric names, e.g. node_cpu_usage_percentage, requests/failed.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Metric { get; set; } = [];

    /// <summary>Aggregations; default Count for .../count and .../failed metrics, else Average and Maximum.</summary>
    [Parameter]
    [ValidateSet("Average", "Minimum", "Maximum", "Total", "Count")]
    public string[]? Aggregation { get; set; }

    /// <summary>The time grain of each point (1m, 5m, 15m, 30m, 1h, 6h, 12h or 1d).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The window ending now (or at -EndTime); default one hour.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? Since { get; set; }

    /// <summary>The start of the window (instead of -Since). -Start is an alias, as in Get-AzMetric -StartTime.</summary>
    [Parameter]
    [Alias("Start")]
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>The end of the window; default now.</summary>
    [Parameter]
    [Alias("End")]
    public DateTimeOffset? EndTime { get; set; }

    protected override void Process()
    {
        // Everything is validated before the first request.
        if (Since is not null && StartTime is not null)
        {
            throw new SeekapaException("InvalidTimeRange", FailureCategory.InvalidArgument,
                "Give either -Since or -StartTime, not both.", null, "Use -Since 01:00:00 for the last hour, or -StartTime and -EndTime for a fixed window.");
        }

        var end = EndTime ?? DateTimeOffset.UtcNow;
        var start = StartTime ?? end - (Since ?? TimeSpan.FromHours(1));
        var aggregations = Aggregation?.Select(a => Enum.Parse<MetricAggregation>(a, ignoreCase: true)).ToList();
        var query = new MetricQuery(TargetResourceId(), Metric, aggregations, Interval, start, end);

        WriteVerbose($"Metrics {string.Join(", ", query.Metrics)} of {query.ResourceId} from {query.Start:u} to {query.End:u} every {query.IntervalIso}.");
        foreach (var result in Stream(AzureMetrics.QueryAsync(Azure, query, CancellationToken)))
        {
            if (result.Error is { } error)
            {
                WriteFailure(error);
                continue;
            }

            WriteVerbose($"{result.Metric}: {result.Points.Count} points, {result.Points.Count(p => !p.HasData)} without data.");
            foreach (var point in result.Points)
            {
                WriteObject(point);
            }
        }
    }

    private string TargetResourceId()
    {
        if (ParameterSetName == ResourceIdSet)
        {
            return AzureNames.ValidateResourceId(ResourceId!);
        }

        AzureNames.ValidateResourceGroup(ResourceGroupName!);
        var (name, provider, what) = ParameterSetName switch
        {
            AksSet => (AksCluster!, "Microsoft.ContainerService/managedClusters", "AKS cluster"),
            AppInsightsSet => (AppInsights!, "microsoft.insights/components", "Application Insights component"),
            _ => (PostgresServer!, "Microsoft.DBforPostgreSQL/flexibleServers", "PostgreSQL flexible server"),
        };
        AzureNames.ValidateResourceName(name, what);
        return $"{Azure.SubscriptionPath}/resourceGroups/{ResourceGroupName}/providers/{provider}/{name}";
    }
}
