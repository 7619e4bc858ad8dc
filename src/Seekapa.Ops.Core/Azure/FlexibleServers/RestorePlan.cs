using System.Globalization;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>What Restore-SeekapaDatabase was asked for; TargetResourceGroupName defaults to the source's.</summary>
public sealed record RestoreRequest(string ResourceGroupName, string ServerName, DateTimeOffset PointInTime, string TargetServerName,
    string? TargetResourceGroupName = null);

/// <summary>A validated point-in-time restore: the source as read, the target, and the exact PUT body to send.</summary>
public sealed class RestorePlan
{
    public required AzureDatabaseServer Source { get; init; }
    public required string TargetResourceGroup { get; init; }
    public required string TargetName { get; init; }

    /// <summary>The point in time, in UTC.</summary>
    public required DateTimeOffset PointInTime { get; init; }

    public required string TargetResourceId { get; init; }

    /// <summary>{"location":...,"properties":{"createMode":"PointInTimeRestore","sourceServerResourceId":...,"pointInTimeUTC":...,"network":...}}</summary>
    public required JsonObject Body { get; init; }

    public string Location => Source.Location;

    public string PointInTimeText => FormatUtc(PointInTime);

    /// <summary>The network the new server gets (the source's, copied as az does).</summary>
    public string NetworkText => Source.DelegatedSubnetResourceId is { } subnet
        ? $"private access in subnet {subnet}"
        : Source.PublicNetworkAccess is { } access ? $"public network access {access}" : "the default network";

    public string Describe() =>
        $"Restore flexible server '{Source.Name}' (resource group '{Source.ResourceGroupName}') as it was at {PointInTimeText} " +
        $"into a NEW server '{TargetName}' in resource group '{TargetResourceGroup}', region {Location}, {NetworkText}. " +
        $"The source is not changed.";

    /// <summary>ISO 8601 in UTC with a 'Z', as ARM's pointInTimeUTC expects; fractions of a second only when present.</summary>
    public static string FormatUtc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The answer to the restore PUT and the result as it stands right after it.</summary>
public sealed record RestoreStarted(ArmResponse Response, DatabaseRestore Result);
