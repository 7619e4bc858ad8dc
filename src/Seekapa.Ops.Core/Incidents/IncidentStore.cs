using System.Diagnostics;
using System.Text.Json;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// One JSON document per incident in a directory. Writes are atomic (a temp file in the same directory, flushed, then
/// renamed over the old one), so a crash mid-write leaves the previous document. Read-modify-write runs under an
/// exclusive lock on "&lt;id&gt;.lock" (FileShare.None: an OS-level lock, so it holds across runspaces and processes).
/// Readers take no lock: a rename swaps the whole document at once. On Unix the folder is created 0700 and every file
/// 0600: incident records name people, systems and what went wrong, and are the owner's alone (as ~/.kube/config is).
/// </summary>
public sealed class IncidentStore : IIncidentStore
{
    public const string EnvironmentVariable = "SEEKAPA_INCIDENT_PATH";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public IncidentStore(string directory, TimeSpan? lockTimeout = null)
    {
        Directory = Path.GetFullPath(directory);
        LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(15);
    }

    public string Directory { get; }

    public TimeSpan LockTimeout { get; }

    public string Location => Directory;

    /// <summary>$env:SEEKAPA_INCIDENT_PATH, else LocalApplicationData/Seekapa.Ops/incidents.</summary>
    public static string DefaultDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData,
                Environment.SpecialFolderOption.Create), "Seekapa.Ops", "incidents")
            : configured;
    }

    public string PathOf(string id) => Path.Combine(Directory, Normalize(id) + ".json");

    public bool Exists(string id) => File.Exists(PathOf(id));

    /// <summary>
    /// Stores a new incident under the first free id of baseId, baseId-2, baseId-3, ...; each id is claimed under its
    /// lock (File.Move without overwrite only checks existence first on Unix, so it cannot arbitrate by itself), so two
    /// parallel starts with the same title get different ids.
    /// </summary>
    public Incident Create(Incident incident, string baseId)
    {
        CreateDirectory(Directory);
        foreach (var id in IncidentIds.Candidates(Normalize(baseId)))
        {
            var path = PathOf(id);
            if (File.Exists(path))
            {
                continue;
            }

            incident.Id = id;
            var temp = WriteTemp(incident, path);
            using (AcquireLock(path))
            {
                if (File.Exists(path))
                {
                    TryDelete(temp);
                    continue;
                }

                try
                {
                    Replace(temp, path);
                    return incident;
                }
                catch (Exception ex)
                {
                    TryDelete(temp);
                    throw IncidentErrors.StoreFailed(path, ex);
                }
            }
        }

        throw new UnreachableException();
    }

    public Incident Get(string id)
    {
        var path = PathOf(id);
        return Read(path) ?? throw IncidentErrors.NotFound(Normalize(id), Directory);
    }

    /// <summary>Every stored incident, newest first; a corrupt document is reported to onCorrupt and skipped.</summary>
    public IReadOnlyList<Incident> List(Action<Exception>? onCorrupt = null)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return Array.Empty<Incident>();
        }

        var incidents = new List<Incident>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                if (Read(path) is { } incident)
                {
                    incidents.Add(incident);
                }
            }
            catch (Errors.SeekapaException ex) when (ex.ErrorId == "IncidentStoreCorrupt" && onCorrupt is not null)
            {
                onCorrupt(ex);
            }
        }

        return incidents.OrderByDescending(i => i.Started).ThenByDescending(i => i.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads, changes and writes back one incident under its lock; returns the stored result.</summary>
    public Incident Update(string id, Action<Incident> change)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            throw IncidentErrors.NotFound(Normalize(id), Directory);
        }

        using (AcquireLock(path))
        {
            var incident = Read(path) ?? throw IncidentErrors.NotFound(Normalize(id), Directory);
            change(incident);
            var temp = WriteTemp(incident, path);
            try
            {
                Replace(temp, path);
            }
            catch (Exception ex)
            {
                TryDelete(temp);
                throw IncidentErrors.StoreFailed(path, ex);
            }

            return incident;
        }
    }

    /// <summary>The document text of an incident, exactly as stored.</summary>
    public static string Serialize(Incident incident) => IncidentStoreDocument.Serialize(incident);

    /// <summary>Creates the folder owner-only on Unix (its contents are then closed to others whatever the parents allow); an existing folder keeps the mode its owner gave it.</summary>
    internal static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }
    }

    /// <summary>Options for a file this store creates: owner read/write only on Unix.</summary>
    private static FileStreamOptions CreateOptions(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    private static Incident? Read(string path)
    {
        string text;
        try
        {
            // FileShare.Delete: a lockless reader must not make a writer's rename fail (Windows).
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return IncidentStoreDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw IncidentErrors.Corrupt(path, ex);
        }
    }

    /// <summary>Writes the document to a new temp file beside the target (same file system, so the rename is atomic).</summary>
    internal static string WriteTemp(Incident incident, string target)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using var stream = new FileStream(temp, CreateOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None));
            JsonSerializer.Serialize(stream, incident, IncidentStoreDocument.Json);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw IncidentErrors.StoreFailed(target, ex);
        }

        return temp;
    }

    /// <summary>The atomic rename; retried briefly because on Windows a reader from another process can hold the target open.</summary>
    private static void Replace(string temp, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temp, path, overwrite: true);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && attempt < 20)
            {
                Thread.Sleep(10 * attempt);
            }
        }
    }

    private FileStream AcquireLock(string path)
    {
        var lockPath = Path.ChangeExtension(path, ".lock");
        var clock = Stopwatch.StartNew();
        var delay = 2;
        while (true)
        {
            try
            {
                // Lock files are left in place: deleting one would let a waiter lock an unlinked inode.
                return new FileStream(lockPath, CreateOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                Thread.Sleep(Random.Shared.Next(1, delay + 1));
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException)
            {
                throw IncidentErrors.Busy(path, clock.Elapsed);
            }
        }
    }

    private static string Normalize(string id) => IncidentStoreDocument.Normalize(id);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temp file is ignored by List (it does not end in .json).
        }
    }
}
