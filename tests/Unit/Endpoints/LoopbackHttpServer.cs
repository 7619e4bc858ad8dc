using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Seekapa.Ops.Tests.Endpoints;

/// <summary>
/// A Kestrel server on 127.0.0.1 (random port) with the endpoints the health-check tests need; HTTPS with a
/// self-signed certificate when asked. /health 200 with a JSON body, /fail 503, /slow?ms=N, /redirect 302,
/// /header (200 only with X-Api-Key), /big (the marker after 100 KiB), /reset (aborts the connection), /head (counts methods).
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, Uri baseAddress, X509Certificate2? certificate)
    {
        _app = app;
        BaseAddress = baseAddress;
        Certificate = certificate;
    }

    public Uri BaseAddress { get; }
    public X509Certificate2? Certificate { get; }

    public Uri At(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public static async Task<LoopbackHttpServer> StartAsync(bool https = false, bool expired = false)
    {
        var certificate = https ? SelfSigned(expired) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("""{"status":"ok","db":"connected"}""", "application/json"));
        app.MapGet("/fail", () => Results.Text("""{"status":"down"}""", "application/json", statusCode: 503));
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(ms, ct);
            return Results.Text("slow but ok");
        });
        app.MapGet("/redirect", () => Results.Redirect("/login"));
        app.MapGet("/header", (HttpRequest r) => r.Headers["X-Api-Key"] == "s3cr3t-value" ? Results.Text("ok") : Results.StatusCode(401));
        app.MapGet("/big", () => Results.Text(new string('x', 100 * 1024) + "MARKER"));
        app.MapGet("/reset", (HttpContext c) => c.Abort());
        app.MapMethods("/head", new[] { "GET", "HEAD" }, (HttpRequest r) => Results.Text(r.Method));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackHttpServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), certificate);
    }

    /// <summary>A port on 127.0.0.1 where nothing listens (bound, then released).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static X509Certificate2 SelfSigned(bool expired)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var cert = expired
            ? request.CreateSelfSigned(now.AddDays(-30), now.AddDays(-1))
            : request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        // Round-trip through PFX so that Kestrel gets a certificate whose private key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }
}
