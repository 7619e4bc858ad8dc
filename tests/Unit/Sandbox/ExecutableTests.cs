using System.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The sandbox as an executable: ready line, kubeconfig on disk, clean exit on SIGTERM.</summary>
public sealed class ExecutableTests
{
    private static string SandboxDll =>
        Path.Combine(AppContext.BaseDirectory, "Seekapa.Ops.Sandbox.dll") is var path && File.Exists(path)
            ? path
            : throw new Xunit.Sdk.XunitException($"Seekapa.Ops.Sandbox.dll not found next to the tests in {AppContext.BaseDirectory}");

    [Fact]
    public async Task StartsPrintsTheReadyLineServesKubectlAndExitsZeroOnSigterm()
    {
        var dir = Directory.CreateTempSubdirectory("seekapa-sandbox-exe-");
        var kubeconfig = Path.Combine(dir.FullName, "sub", "config");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { SandboxDll, "--kubeconfig", kubeconfig, "--scenario", "healthy", "--pods", "50", "--namespaces", "2" })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var ready = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Matches(@"^sandbox ready https://127\.0\.0\.1:\d+ kubeconfig " + System.Text.RegularExpressions.Regex.Escape(kubeconfig) + "$", ready ?? await process.StandardError.ReadToEndAsync());
            Assert.Contains("current-context: \"seekapa-sandbox\"", await File.ReadAllTextAsync(kubeconfig), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));
            }

            var cache = Path.Combine(dir.FullName, "cache");
            var pods = await RunKubectl(kubeconfig, cache, "get", "pods", "-n", "ns-1", "--no-headers");
            Assert.Equal(20, pods.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            var backend = await RunKubectl(kubeconfig, cache, "get", "pods", "-l", "app=backend", "--no-headers");
            Assert.Equal(3, backend.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BadArgumentsExitWithUsage()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(SandboxDll);
        info.ArgumentList.Add("--pods");
        info.ArgumentList.Add("many");
        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--pods: \"many\" is not a non-negative number", stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    private static async Task<string> RunKubectl(string kubeconfig, string cache, params string[] args)
    {
        var info = new ProcessStartInfo(Kubectl.ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add($"--kubeconfig={kubeconfig}");
        info.ArgumentList.Add($"--cache-dir={cache}");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }
}
