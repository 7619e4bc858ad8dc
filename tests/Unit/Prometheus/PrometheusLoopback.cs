using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Seekapa.Ops.Tests.Prometheus;

/// <summary>
/// Stands in for what a real Prometheus 2.42 cannot do here: an authenticating proxy in front of it, and API warnings.
/// /api/v1/query answers only requests carrying <see cref="ExpectedAuthorization"/>; anything else gets a 401 whose body
/// echoes the Authorization header, as careless proxies do, so that redaction is tested on a hostile answer. Successful
/// answers are shaped as the API documents them, with a warning and a label named "value".
/// </summary>
public sealed class PrometheusLoopback : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PrometheusLoopback(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The Authorization header the fake accepts, e.g. "Bearer tok" or "Basic dXNlcjpwYXNz".</summary>
    public string? ExpectedAuthorization { get; set; }

    /// <summary>Every Authorization header received, in order (empty when a request had none).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Authorizations { get; } = new();

    public static async Task<PrometheusLoopback> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        PrometheusLoopback? self = null;
        app.MapGet("/api/v1/query", (HttpRequest request) =>
        {
            var authorization = request.Headers.Authorization.ToString();
            self!.Authorizations.Enqueue(authorization);
            if (self.ExpectedAuthorization is { } expected && authorization != expected)
            {
                return Results.Text($"401 Unauthorized: invalid credentials '{authorization}'", "text/plain", statusCode: 401);
            }

            return Results.Text("""
                {"status":"success","warnings":["the result is partial: one remote store did not answer"],
                 "data":{"resultType":"vector","result":[
                   {"metric":{"__name__":"http_requests_total","status":"500","value":"clashes"},"value":[1700000000,"42"]}]}}
                """, "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new PrometheusLoopback(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
