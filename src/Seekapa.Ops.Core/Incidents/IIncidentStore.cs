namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Where incident records live: a folder on this machine (<see cref="IncidentStore"/>, the default) or ConfigMaps in a
/// cluster namespace (<see cref="KubernetesIncidentStore"/>), shared by every machine that can reach the cluster. Both give
/// the same guarantees: a new id is claimed once, an update is a read-modify-write that never loses a concurrent one,
/// and a record that is not a valid incident document is reported (IncidentStoreCorrupt) and never overwritten.
/// </summary>
public interface IIncidentStore
{
    /// <summary>Where the store is, as the user gave it: a folder path or kubernetes://namespace?context=...</summary>
    string Location { get; }

    /// <summary>Where one incident's record is (a file path, or namespace/configmaps/name), for messages.</summary>
    string PathOf(string id);

    /// <summary>Stores a new incident under the first free id of baseId, baseId-2, ...; sets and returns its Id.</summary>
    Incident Create(Incident incident, string baseId);

    /// <summary>One incident; IncidentNotFound when there is none.</summary>
    Incident Get(string id);

    /// <summary>Every stored incident, newest first; a corrupt record is reported to onCorrupt and skipped.</summary>
    IReadOnlyList<Incident> List(Action<Exception>? onCorrupt = null);

    /// <summary>Reads, changes and writes back one incident without losing a concurrent change; returns the stored result.</summary>
    Incident Update(string id, Action<Incident> change);
}
