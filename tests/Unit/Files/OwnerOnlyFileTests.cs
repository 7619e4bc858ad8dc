using Seekapa.Ops.Core.Files;
using Xunit;

namespace Seekapa.Ops.Tests.Files;

/// <summary>Review finding 8 (T15): a failed write left a world-readable temp copy of the post-mortem next to the target.</summary>
public sealed class OwnerOnlyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "seekapa-owner-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AWriteIsOwnerOnlyAndReplacesAnOlderLooserFile()
    {
        var path = Path.Combine(_dir, "pm.md");
        File.WriteAllText(path, "old");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        }

        OwnerOnlyFile.Write(path, "new"u8);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(_dir));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void WhenTheRenameFailsTheTempCopyIsRemovedAndTheErrorThrown()
    {
        // A non-empty directory where the file should go: the temp file is written, then the rename fails.
        var target = Path.Combine(_dir, "pm.md");
        Directory.CreateDirectory(Path.Combine(target, "child"));

        Assert.ThrowsAny<IOException>(() => OwnerOnlyFile.Write(target, "secret post-mortem"u8));

        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(_dir));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }
}
