using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>The incident document both stores keep: the same JSON in a file or in a ConfigMap's data key.</summary>
internal static class IncidentStoreDocument
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(Incident incident) => JsonSerializer.Serialize(incident, Json);

    /// <summary>Parses a stored document; JsonException when it is not an incident document.</summary>
    public static Incident Parse(string text)
    {
        var incident = JsonSerializer.Deserialize<Incident>(text, Json);
        if (incident is null || string.IsNullOrEmpty(incident.Id))
        {
            throw new JsonException("the document has no incident id.");
        }

        incident.FollowUps ??= new List<string>();
        incident.Timeline ??= new List<IncidentTimelineEntry>();
        return incident;
    }

    /// <summary>Ids name files and ConfigMaps: lowercase [a-z0-9-] (see <see cref="IncidentIds.IsValid"/>).</summary>
    public static string Normalize(string id)
    {
        var normalized = id.Trim().ToLowerInvariant();
        return IncidentIds.IsValid(normalized) ? normalized : throw IncidentErrors.InvalidId(id);
    }
}
