using System.Management.Automation.Runspaces;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class IncidentStoreTests : IDisposable
{
    private readonly TempIncidentDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero));

    private IncidentService Service(IncidentStore? store = null) => new(store ?? _dir.Store(), clock: _clock);

    [Fact]
    public void AStartedIncidentIsStoredAsOneJsonDocumentAndReadsBack()
    {
        var started = Service().Start(new IncidentStart(IncidentSeverity.SEV2, "API 5xx spike", "API", "5% of requests fail", "alice"), "alice");

        Assert.Equal(new[] { "sev-2-20240115-api-5xx-spike.json" }, Directory.GetFiles(_dir.Path, "*.json").Select(Path.GetFileName));
        var read = _dir.Store().Get(started.Id);
        Assert.Equal(IncidentStatus.Investigating, read.Status);
        Assert.Equal(_clock.Now, read.Started);
        Assert.Equal(_clock.Now.AddMinutes(15), read.AcknowledgeBy);
        Assert.Equal(("API", "5% of requests fail", "alice"), (read.Service, read.Impact, read.Lead));
        Assert.Equal(IncidentEntryKind.Declared, Assert.Single(read.Timeline).Kind);
        Assert.Contains("\"severity\": \"SEV2\"", File.ReadAllText(_dir.Store().PathOf(started.Id)), StringComparison.Ordinal);
    }

    [Fact]
    public void AWriteKilledBeforeTheRenameLeavesTheOldDocument()
    {
        var store = _dir.Store();
        var incident = Service(store).Start(new IncidentStart(IncidentSeverity.SEV3, "Slow queries"), "alice");
        var path = store.PathOf(incident.Id);
        var before = File.ReadAllBytes(path);

        // What a crash between "write the temp file" and "rename it" leaves behind: a finished temp, never moved.
        incident.Title = "changed but never committed";
        var temp = IncidentStore.WriteTemp(incident, path);

        Assert.True(File.Exists(temp));
        Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(temp));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal("Slow queries", store.Get(incident.Id).Title);
        Assert.Single(store.List()); // the stray temp is not an incident

        // A torn temp (half a document) does not matter either: readers never look at it.
        File.WriteAllText(temp, "{\"id\": \"sev-3-");
        Service(store).AddNote(incident.Id, "still fine", "alice");
        Assert.Equal(2, store.Get(incident.Id).Timeline.Count);
    }

    [Fact]
    public void ACorruptDocumentIsIncidentStoreCorruptNamingTheFileAndStaysUntouched()
    {
        var store = _dir.Store();
        var incident = Service(store).Start(new IncidentStart(IncidentSeverity.SEV1, "Database corruption"), "alice");
        var path = store.PathOf(incident.Id);
        File.WriteAllText(path, "{ \"id\": \"sev-1-20240115-database-corruption\", \"timeline\": [ {");
        var corrupt = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        var onGet = Assert.Throws<SeekapaException>(() => store.Get(incident.Id));
        var onNote = Assert.Throws<SeekapaException>(() => Service(store).AddNote(incident.Id, "lost?", "alice"));
        var reported = new List<Exception>();
        var listed = store.List(reported.Add);

        Assert.Equal("IncidentStoreCorrupt", onGet.ErrorId);
        Assert.Contains(path, onGet.Message, StringComparison.Ordinal);
        Assert.Equal("IncidentStoreCorrupt", onNote.ErrorId);
        Assert.Empty(listed);
        Assert.Single(reported);
        Assert.Equal(corrupt, File.ReadAllBytes(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void AnUnknownIdIsIncidentNotFoundAndABadIdIsRefused()
    {
        Assert.Equal("IncidentNotFound", Assert.Throws<SeekapaException>(() => _dir.Store().Get("sev-1-20240101-nope")).ErrorId);
        Assert.Equal("IncidentNotFound", Assert.Throws<SeekapaException>(() => Service().AddNote("sev-1-20240101-nope", "x", "a")).ErrorId);
        Assert.Equal("InvalidIncidentId", Assert.Throws<SeekapaException>(() => _dir.Store().Get("../../etc/passwd")).ErrorId);
    }

    [Fact]
    public void AHeldLockIsWaitedForThenIncidentStoreBusy()
    {
        var store = _dir.Store(TimeSpan.FromMilliseconds(300));
        var incident = Service(store).Start(new IncidentStart(IncidentSeverity.SEV3, "Locked"), "alice");
        var lockPath = Path.ChangeExtension(store.PathOf(incident.Id), ".lock");

        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var busy = Assert.Throws<SeekapaException>(() => Service(store).AddNote(incident.Id, "blocked", "alice"));
            Assert.Equal("IncidentStoreBusy", busy.ErrorId);
        }

        Service(store).AddNote(incident.Id, "after release", "alice");
        Assert.Equal(2, store.Get(incident.Id).Timeline.Count);
    }

    [Fact]
    public void EightParallelWritersLoseNoEntry()
    {
        var incident = Service().Start(new IncidentStart(IncidentSeverity.SEV2, "Parallel"), "alice");

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, writer =>
        {
            var service = Service(); // a store object per writer, as separate runspaces or processes would have
            for (var n = 0; n < 25; n++)
            {
                if (n % 5 == 0)
                {
                    service.AppendChange(incident.Id, new ChangeRecord(DateTimeOffset.UtcNow, "Set-SeekapaWorkloadScale", $"w{writer}", "Scale", "Changed"), "bot");
                }
                else
                {
                    service.AddNote(incident.Id, $"writer {writer} note {n}", "alice");
                }
            }
        });

        var timeline = _dir.Store().Get(incident.Id).Timeline;
        Assert.Equal(1 + 200, timeline.Count);
        Assert.Equal(160, timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Text).Distinct().Count());
        Assert.Equal(40, timeline.Count(e => e.Kind == IncidentEntryKind.Action));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void EightRunspacesAppendingTwentyFiveNotesEachGiveTwoHundredEntries()
    {
        var incident = Service().Start(new IncidentStart(IncidentSeverity.SEV2, "Runspaces"), "alice");
        var script = """
            param($Directory, $Id, $Writer)
            $service = [Seekapa.Ops.Core.Incidents.IncidentService]::new([Seekapa.Ops.Core.Incidents.IncidentStore]::new($Directory, $null), $null, $null)
            foreach ($n in 1..25) { $null = $service.AddNote($Id, "runspace $Writer note $n", 'alice') }
            """;

        using var pool = RunspaceFactory.CreateRunspacePool(8, 8);
        pool.Open();
        var runs = Enumerable.Range(0, 8).Select(writer =>
        {
            var ps = System.Management.Automation.PowerShell.Create();
            ps.RunspacePool = pool;
            ps.AddScript(script).AddArgument(_dir.Path).AddArgument(incident.Id).AddArgument(writer);
            return (ps, handle: ps.BeginInvoke());
        }).ToList();
        foreach (var (ps, handle) in runs)
        {
            ps.EndInvoke(handle);
            Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error));
            ps.Dispose();
        }

        var notes = _dir.Store().Get(incident.Id).Timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Text).ToList();
        Assert.Equal(200, notes.Count);
        Assert.Equal(200, notes.Distinct().Count());
    }

    [Fact]
    public void OnUnixTheStoreFolderIsCreatedOwnerOnlyAndSoIsEveryFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows: the user's profile ACLs apply; there are no mode bits to assert.
        }

        var folder = Path.Combine(_dir.Path, "nested", "incidents");
        var store = new IncidentStore(folder);
        var incident = Service(store).Start(new IncidentStart(IncidentSeverity.SEV2, "Private"), "alice");
        Service(store).AddNote(incident.Id, "rewritten by rename", "alice");

        const UnixFileMode ownerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode ownerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnlyFolder, File.GetUnixFileMode(folder));
        Assert.Equal(ownerOnlyFile, File.GetUnixFileMode(store.PathOf(incident.Id)));
        Assert.Equal(ownerOnlyFile, File.GetUnixFileMode(Path.ChangeExtension(store.PathOf(incident.Id), ".lock")));
    }

    [Fact]
    public void ListIsNewestFirst()
    {
        var service = Service();
        service.Start(new IncidentStart(IncidentSeverity.SEV3, "first"), "a");
        _clock.Advance(TimeSpan.FromHours(1));
        service.Start(new IncidentStart(IncidentSeverity.SEV1, "second"), "a");
        _clock.Advance(TimeSpan.FromDays(1));
        service.Start(new IncidentStart(IncidentSeverity.SEV2, "third"), "a");

        Assert.Equal(new[] { "third", "second", "first" }, _dir.Store().List().Select(i => i.Title));
    }

    public void Dispose() => _dir.Dispose();
}
