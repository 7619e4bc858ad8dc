using System.Text;

namespace Seekapa.Ops.Sandbox.Hosting;

/// <summary>What goes into the sandbox's kubeconfig.</summary>
internal sealed record KubeconfigContent(
    string Server,
    string CaPem,
    string Context,
    string ViewerContext,
    string Namespace,
    string AdminToken,
    string ViewerToken);

/// <summary>
/// Writes the kubeconfig atomically (temp file + rename in the same directory), so a process polling for the file
/// never reads half of it; owner-only permissions because it holds bearer tokens.
/// </summary>
internal static class KubeconfigWriter
{
    public static string Render(KubeconfigContent c)
    {
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(c.CaPem));
        var admin = $"{c.Context}-admin";
        var viewer = c.ViewerContext;
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {Q(c.Context)}
              cluster:
                server: {Q(c.Server)}
                certificate-authority-data: {caData}
            contexts:
            - name: {Q(c.Context)}
              context:
                cluster: {Q(c.Context)}
                user: {Q(admin)}
                namespace: {Q(c.Namespace)}
            - name: {Q(viewer)}
              context:
                cluster: {Q(c.Context)}
                user: {Q(viewer)}
                namespace: {Q(Security.SandboxUser.ViewerNamespace)}
            current-context: {Q(c.Context)}
            preferences: {"{}"}
            users:
            - name: {Q(admin)}
              user:
                token: {Q(c.AdminToken)}
            - name: {Q(viewer)}
              user:
                token: {Q(c.ViewerToken)}

            """;
    }

    public static void Write(string path, KubeconfigContent content)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(Render(content));
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    // Double-quoted YAML scalars: names and namespaces come from options and must not break the document.
    private static string Q(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
