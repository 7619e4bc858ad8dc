using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using Seekapa.Ops.Sandbox;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The result of one kubectl run.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real kubectl against a sandbox. A missing kubectl fails the test with the command to install it.</summary>
public static class Kubectl
{
    public const string InstallHint = "kubectl is required for the sandbox acceptance tests and was not found on PATH: install it with `apt-get install -y kubectl` (or put kubectl 1.32 on PATH).";

    private static readonly Lazy<string?> Executable = new(() =>
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    });

    public static string ExecutablePath => Executable.Value ?? throw new Xunit.Sdk.XunitException(InstallHint);

    /// <summary>Runs kubectl with --kubeconfig and a private discovery cache; fails the test if it outlives <paramref name="timeout"/>.</summary>
    public static async Task<KubectlResult> RunAsync(SandboxServer server, string cacheDir, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var process = Start(server, cacheDir, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', args)} did not finish within {timeout ?? TimeSpan.FromSeconds(60)}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts kubectl without waiting (for -w); the caller reads its output and kills it.</summary>
    public static Process Start(SandboxServer server, string cacheDir, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add($"--kubeconfig={server.KubeconfigPath}");
        info.ArgumentList.Add($"--cache-dir={cacheDir}");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment.Remove("KUBECONFIG");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start kubectl");
    }

    public static Task<KubectlResult> RunAsync(SandboxServer server, string cacheDir, params string[] args) =>
        RunAsync(server, cacheDir, (IEnumerable<string>)args);
}

/// <summary>Clients for a sandbox: the real KubernetesClient from the written kubeconfig, and a raw HttpClient that trusts the sandbox CA.</summary>
public static class SandboxClients
{
    public static k8s.Kubernetes Client(SandboxServer server, string? context = null) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath, currentContext: context));

    public static HttpClient Http(SandboxServer server, string? token)
    {
        var ca = X509Certificate2.CreateFromPem(server.CaCertificatePem);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None &&
                           chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}

/// <summary>A sandbox with the 'unhealthy' scenario plus a private kubectl cache directory, shared by a test class.</summary>
public sealed class UnhealthySandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("seekapa-kubectl-cache-").FullName;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "unhealthy" });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(CacheDir, recursive: true);
    }

    public Task<KubectlResult> Kubectl(params string[] args) => Sandbox.Kubectl.RunAsync(Server, CacheDir, args);
}

/// <summary>1,200 generated pods over 3 namespaces: enough for several pages of 500.</summary>
public sealed class GeneratedSandboxFixture : IAsyncLifetime
{
    public const int PodCount = 1200;

    public SandboxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await SandboxServer.StartAsync(new SandboxOptions { Pods = PodCount, Namespaces = 3 });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A sandbox with the 'bad-deploy' scenario (crash-looping 2.14.1 pods) plus a private kubectl cache directory.</summary>
public sealed class BadDeploySandboxFixture : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;

    public string CacheDir { get; } = Directory.CreateTempSubdirectory("seekapa-kubectl-cache-").FullName;

    public async Task InitializeAsync() => Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bad-deploy" });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(CacheDir, recursive: true);
    }

    public Task<KubectlResult> Kubectl(params string[] args) => Sandbox.Kubectl.RunAsync(Server, CacheDir, args);
}

/// <summary>Raw HTTP helpers for text and JSON answers (logs are text/plain, errors are Status JSON).</summary>
public static class SandboxHttp
{
    public const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    public static async Task<(System.Net.HttpStatusCode Code, string Body, string? ContentType)> GetTextAsync(HttpClient client, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<(System.Net.HttpStatusCode Code, System.Text.Json.Nodes.JsonNode Body)> GetJsonAsync(HttpClient client, string path, string? accept = null)
    {
        var (code, body, _) = await GetTextAsync(client, path, accept);
        return (code, System.Text.Json.Nodes.JsonNode.Parse(body)!);
    }
}
