using System.Text;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Files;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Where Export-SeekapaPostmortem writes: the target is checked before anything is written (PostmortemPathInvalid for a
/// directory, PostmortemFileExists without -Force), then written owner-only and atomically (<see cref="OwnerOnlyFile"/>),
/// so a failure (PostmortemWriteFailed) leaves neither half a document nor a temp copy behind.
/// </summary>
public static class PostmortemFile
{
    /// <summary>Checks the full target path; sends nothing, writes nothing.</summary>
    public static void Check(string path, bool force)
    {
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new SeekapaException("PostmortemPathInvalid", FailureCategory.InvalidArgument,
                $"'{path}' is a directory: -Path names the post-mortem file to write. Nothing was written.", path,
                $"Give a file name, e.g. -Path {Path.Combine(path, "postmortem.md")}.");
        }

        if (File.Exists(path) && !force)
        {
            throw new SeekapaException("PostmortemFileExists", FailureCategory.ResourceExists,
                $"'{path}' already exists.", path, "Use -Force to overwrite it, or choose another -Path.");
        }
    }

    /// <summary>Writes the Markdown (UTF-8 without BOM), creating the folder when it is missing.</summary>
    public static void Write(string path, string markdown)
    {
        Check(path, force: true);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            OwnerOnlyFile.Write(path, new UTF8Encoding(false).GetBytes(markdown));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new SeekapaException("PostmortemWriteFailed", 
                ex is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ResourceUnavailable,
                $"The post-mortem could not be written to '{path}': {ex.Message} Nothing was left behind.", path,
                "Choose a -Path in a folder you can write to.", ex);
        }
    }
}
