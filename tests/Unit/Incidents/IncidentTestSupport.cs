using Seekapa.Ops.Core.Incidents;

namespace Seekapa.Ops.Tests.Incidents;

/// <summary>A fresh store directory under the temp folder per test, removed afterwards (never the user's data folder).</summary>
public sealed class TempIncidentDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "seekapa-incidents-" + Guid.NewGuid().ToString("N"));

    public IncidentStore Store(TimeSpan? lockTimeout = null) => new(Path, lockTimeout);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>A clock the tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
