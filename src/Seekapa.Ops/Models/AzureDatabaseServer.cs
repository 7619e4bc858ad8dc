namespace Seekapa.Ops;

/// <summary>
/// An Azure Database for PostgreSQL flexible server, as Get-SeekapaAzureDatabaseServer shows it (az postgres flexible-server show).
/// FullyQualifiedDomainName binds to Set-SeekapaDatabaseEndpoint -Server; Name and ResourceGroupName to Restore-SeekapaDatabase.
/// </summary>
public sealed class AzureDatabaseServer
{
    public string Name { get; init; } = string.Empty;
    public string ResourceGroupName { get; init; } = string.Empty;
    public string SubscriptionId { get; init; } = string.Empty;
    public string Location { get; init; } = string.Empty;

    /// <summary>Ready, Provisioning (e.g. while a restore runs), Starting, Stopping, Stopped, Updating, Restarting, Disabled, Dropping, Inaccessible.</summary>
    public string? State { get; init; }

    public string? FullyQualifiedDomainName { get; init; }

    /// <summary>The PostgreSQL major version, e.g. "16".</summary>
    public string? Version { get; init; }

    /// <summary>The compute size, e.g. Standard_D4ds_v5.</summary>
    public string? Sku { get; init; }

    /// <summary>Burstable, GeneralPurpose or MemoryOptimized.</summary>
    public string? Tier { get; init; }

    public int? StorageSizeGB { get; init; }

    public int? BackupRetentionDays { get; init; }

    /// <summary>The oldest point in time a restore can go back to; the newest is now.</summary>
    public DateTimeOffset? EarliestRestoreDate { get; init; }

    /// <summary>Enabled or Disabled.</summary>
    public string? GeoRedundantBackup { get; init; }

    /// <summary>Disabled, SameZone or ZoneRedundant.</summary>
    public string? HighAvailabilityMode { get; init; }

    /// <summary>NotEnabled, CreatingStandby, ReplicatingData, FailingOver, Healthy, RemovingStandby.</summary>
    public string? HighAvailabilityState { get; init; }

    public string? AvailabilityZone { get; init; }

    /// <summary>Enabled (public access) or Disabled (private access through DelegatedSubnetResourceId).</summary>
    public string? PublicNetworkAccess { get; init; }

    public string? DelegatedSubnetResourceId { get; init; }

    public string? PrivateDnsZoneResourceId { get; init; }

    public string ResourceId { get; init; } = string.Empty;

    public override string ToString() => FullyQualifiedDomainName is null ? Name : $"{Name} ({FullyQualifiedDomainName})";
}
