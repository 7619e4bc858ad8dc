namespace Seekapa.Ops;

/// <summary>
/// The result of Restore-SeekapaDatabase: the new server created by a point-in-time restore and where its operation stands.
/// Name, ResourceGroupName and FullyQualifiedDomainName bind by property name to the next step (Set-SeekapaDatabaseEndpoint).
/// </summary>
public sealed class DatabaseRestore
{
    /// <summary>The new (target) server.</summary>
    public string Name { get; init; } = string.Empty;

    public string ResourceGroupName { get; init; } = string.Empty;

    public string Location { get; init; } = string.Empty;

    /// <summary>The new server's state (Provisioning while the restore runs, Ready when it is done).</summary>
    public string? State { get; init; }

    /// <summary>Known once the server exists; null while the operation has not created it yet.</summary>
    public string? FullyQualifiedDomainName { get; init; }

    /// <summary>The source server's name.</summary>
    public string RestoredFrom { get; init; } = string.Empty;

    public string SourceResourceGroupName { get; init; } = string.Empty;

    public string SourceServerResourceId { get; init; } = string.Empty;

    /// <summary>The point in time restored, in UTC.</summary>
    public DateTimeOffset PointInTime { get; init; }

    /// <summary>The long-running operation's status: InProgress (without -Wait, or a -Timeout), Succeeded.</summary>
    public string OperationStatus { get; init; } = string.Empty;

    public DateTimeOffset StartTime { get; init; }

    /// <summary>How long the restore took (with -Wait), or has run so far.</summary>
    public TimeSpan Duration { get; init; }

    public string ResourceId { get; init; } = string.Empty;

    public override string ToString() => $"{Name} restored from {RestoredFrom} at {PointInTime:yyyy-MM-ddTHH:mm:ssZ}: {OperationStatus}";
}
