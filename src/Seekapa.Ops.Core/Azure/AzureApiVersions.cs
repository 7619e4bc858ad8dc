namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// The pinned api-versions (specs/azure-arm.md): unpinned, the SDK asks the provider and takes its newest, which may be a
/// preview with a different shape. Override one with Connect-SeekapaAzure -ApiVersion @{ 'Microsoft.Insights/metrics' = '...' }.
/// </summary>
public sealed class AzureApiVersions
{
    public const string ManagedClustersType = "Microsoft.ContainerService/managedClusters";
    public const string FlexibleServersType = "Microsoft.DBforPostgreSQL/flexibleServers";
    public const string FlexibleServerConfigurationsType = "Microsoft.DBforPostgreSQL/flexibleServers/configurations";
    public const string MetricsType = "Microsoft.Insights/metrics";
    public const string ComponentsType = "Microsoft.Insights/components";
    public const string SubscriptionsType = "Microsoft.Resources/subscriptions";

    private readonly Dictionary<string, string> _versions = new(StringComparer.OrdinalIgnoreCase)
    {
        [ManagedClustersType] = "2025-10-01",
        [FlexibleServersType] = "2024-08-01",
        [FlexibleServerConfigurationsType] = "2024-08-01",
        [MetricsType] = "2023-10-01",
        [ComponentsType] = "2020-02-02",
        [SubscriptionsType] = "2022-12-01",
    };

    public AzureApiVersions(IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        foreach (var (type, version) in overrides ?? Array.Empty<KeyValuePair<string, string>>())
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(version, @"^\d{4}-\d{2}-\d{2}(-preview)?$"))
            {
                throw new Errors.SeekapaException("ApiVersionInvalid", Errors.FailureCategory.InvalidArgument,
                    $"'{version}' is not an api-version (yyyy-MM-dd or yyyy-MM-dd-preview) for {type}.", type);
            }

            _versions[type] = version;
        }
    }

    public string ManagedClusters => this[ManagedClustersType];
    public string FlexibleServers => this[FlexibleServersType];
    public string FlexibleServerConfigurations => this[FlexibleServerConfigurationsType];
    public string Metrics => this[MetricsType];
    public string Components => this[ComponentsType];
    public string Subscriptions => this[SubscriptionsType];

    public string this[string resourceType] => _versions.TryGetValue(resourceType, out var v)
        ? v
        : throw new KeyNotFoundException($"No api-version is pinned for {resourceType}.");

    public IReadOnlyDictionary<string, string> All => _versions;
}
