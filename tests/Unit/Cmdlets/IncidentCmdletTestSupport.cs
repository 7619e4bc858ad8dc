using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Tests.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>The incident cmdlet tests set $env:SEEKAPA_INCIDENT_PATH (process-wide), so they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class IncidentPathCollection
{
    public const string Name = "SEEKAPA_INCIDENT_PATH";
}

/// <summary>Points SEEKAPA_INCIDENT_PATH at a fresh temp directory for one test and restores it afterwards.</summary>
public sealed class IncidentPathScope : IDisposable
{
    private readonly string? _previous = Environment.GetEnvironmentVariable(IncidentStore.EnvironmentVariable);

    public IncidentPathScope() => Environment.SetEnvironmentVariable(IncidentStore.EnvironmentVariable, Directory.Path);

    public TempIncidentDirectory Directory { get; } = new();

    public IncidentStore Store => Directory.Store();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(IncidentStore.EnvironmentVariable, _previous);
        Directory.Dispose();
    }
}
