using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>Reads flexible servers (az postgres flexible-server show / list) and maps ARM's JSON to AzureDatabaseServer.</summary>
public sealed class FlexibleServerReader(AzureSession session)
{
    /// <summary>One server with its raw ARM JSON (restore copies its location and network block), or the 404 when it does not exist.</summary>
    public async Task<ServerLookup> LookupAsync(string resourceGroup, string name, CancellationToken cancellationToken)
    {
        var url = session.Url(FlexibleServerPaths.Server(session, resourceGroup, name));
        var response = await session.SendRawAsync(RequestMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return new ServerLookup(null, null, response);
        }

        if (!response.IsSuccess || response.Body is not JsonObject json)
        {
            throw AzureSession.ToException(response, RequestMethod.Get, url);
        }

        return new ServerLookup(Map(json), json, null);
    }

    public async Task<AzureDatabaseServer> GetAsync(string resourceGroup, string name, CancellationToken cancellationToken)
    {
        var lookup = await LookupAsync(resourceGroup, name, cancellationToken).ConfigureAwait(false);
        return lookup.Server ?? throw FlexibleServerErrors.ServerNotFound(session, resourceGroup, name, lookup.NotFound);
    }

    /// <summary>Every flexible server in the resource group, following nextLink; 404 means the resource group does not exist.</summary>
    public async IAsyncEnumerable<AzureDatabaseServer> ListAsync(string resourceGroup, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = session.Url(FlexibleServerPaths.ServersList(session, resourceGroup));
        while (true)
        {
            var response = await session.SendRawAsync(RequestMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
            if (response.Status == 404)
            {
                throw FlexibleServerErrors.ResourceGroupNotFound(session, resourceGroup, response);
            }

            if (!response.IsSuccess)
            {
                throw AzureSession.ToException(response, RequestMethod.Get, url);
            }

            foreach (var item in response.Body?["value"] as JsonArray ?? new JsonArray())
            {
                if (item is JsonObject server)
                {
                    yield return Map(server);
                }
            }

            if (response.Body?["nextLink"]?.GetValue<string>() is not { Length: > 0 } next)
            {
                yield break;
            }

            url = new Uri(next);
        }
    }

    public static AzureDatabaseServer Map(JsonObject json)
    {
        var id = Text(json["id"]) ?? string.Empty;
        var properties = json["properties"];
        var backup = properties?["backup"];
        var ha = properties?["highAvailability"];
        var network = properties?["network"];
        return new AzureDatabaseServer
        {
            Name = Text(json["name"]) ?? string.Empty,
            ResourceGroupName = Segment(id, "resourceGroups") ?? string.Empty,
            SubscriptionId = Segment(id, "subscriptions") ?? string.Empty,
            Location = Text(json["location"]) ?? string.Empty,
            State = Text(properties?["state"]),
            FullyQualifiedDomainName = Text(properties?["fullyQualifiedDomainName"]),
            Version = Text(properties?["version"]),
            Sku = Text(json["sku"]?["name"]),
            Tier = Text(json["sku"]?["tier"]),
            StorageSizeGB = Int(properties?["storage"]?["storageSizeGB"]),
            BackupRetentionDays = Int(backup?["backupRetentionDays"]),
            EarliestRestoreDate = Time(backup?["earliestRestoreDate"]),
            GeoRedundantBackup = Text(backup?["geoRedundantBackup"]),
            HighAvailabilityMode = Text(ha?["mode"]),
            HighAvailabilityState = Text(ha?["state"]),
            AvailabilityZone = Text(properties?["availabilityZone"]),
            PublicNetworkAccess = Text(network?["publicNetworkAccess"]),
            DelegatedSubnetResourceId = Text(network?["delegatedSubnetResourceId"]),
            PrivateDnsZoneResourceId = Text(network?["privateDnsZoneArmResourceId"]),
            ResourceId = id,
        };
    }

    /// <summary>The value after a segment of a resource id (…/resourceGroups/{rg}/…), case-insensitively as ARM ids are.</summary>
    public static string? Segment(string resourceId, string name)
    {
        var parts = resourceId.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (string.Equals(parts[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }

        return null;
    }

    internal static string? Text(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<string>(out var s) ? s : value.ToJsonString().Trim('"')
        : null;

    private static int? Int(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<int>(out var i) ? i
        : int.TryParse(Text(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
        : null;

    internal static DateTimeOffset? Time(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}

/// <summary>A server (and its JSON) or the 404 answer: its code tells a missing server from a missing resource group.</summary>
public sealed record ServerLookup(AzureDatabaseServer? Server, JsonObject? Json, ArmResponse? NotFound)
{
    public bool ResourceGroupMissing => string.Equals(NotFound?.Error().Code, "ResourceGroupNotFound", StringComparison.OrdinalIgnoreCase);
}
