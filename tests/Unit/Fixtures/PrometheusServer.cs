using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seekapa.Ops.Tests.Fixtures;

/// <summary>
/// A real prometheus (the Debian package) on 127.0.0.1 and a free port, scraping itself every second so that queries
/// have data; started on first use (ready once `up` has a sample), stopped when the test run ends.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private static readonly Lazy<PrometheusServer> LazyShared = new(StartShared);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly GuardedProcess _process;

    private PrometheusServer(GuardedProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public static PrometheusServer Shared => LazyShared.Value;

    /// <summary>The base URI, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    private static PrometheusServer StartShared()
    {
        var server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    private static PrometheusServer Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("seekapa-prometheus-").FullName;
            var port = RedisServer.FreePort();
            File.WriteAllText(Path.Combine(directory, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:{port}']
                """);
            var process = GuardedProcess.Start("prometheus",
            [
                $"--config.file={Path.Combine(directory, "prometheus.yml")}",
                $"--web.listen-address=127.0.0.1:{port}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                "--web.enable-lifecycle",
            ], directory);
            var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}/"));
            if (server.WaitUntilReady(TimeSpan.FromSeconds(60)))
            {
                return server;
            }

            var output = process.Output;
            process.Dispose();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"prometheus did not become ready on 127.0.0.1:{port}: {output}");
            }
        }
    }

    /// <summary>/-/ready answers 200 and the first scrape has landed (`up` has a sample).</summary>
    private bool WaitUntilReady(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !_process.HasExited)
        {
            try
            {
                using var ready = Http.GetAsync(new Uri(Url, "-/ready")).GetAwaiter().GetResult();
                if (ready.IsSuccessStatusCode && InstantValue("up") is not null)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Thread.Sleep(200);
        }

        return false;
    }

    /// <summary>Waits until `up` has at least <paramref name="scrapes"/> samples, so range queries and rate() have data.</summary>
    public void WaitForScrapes(int scrapes)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (InstantValue("count_over_time(up[10m])") >= scrapes)
            {
                return;
            }

            Thread.Sleep(250);
        }

        throw new TimeoutException($"prometheus did not record {scrapes} scrapes within a minute: {_process.Output}");
    }

    /// <summary>The value of the first sample of an instant query, straight from the API (the test's own view); null when empty.</summary>
    public double? InstantValue(string query)
    {
        var response = Http.GetFromJsonAsync<JsonElement>(new Uri(Url, "api/v1/query?query=" + Uri.EscapeDataString(query))).GetAwaiter().GetResult();
        var result = response.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0
            ? null
            : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Stops prometheus; the guarded process removes its directory (configuration and TSDB).</summary>
    public void Dispose() => _process.Dispose();
}
