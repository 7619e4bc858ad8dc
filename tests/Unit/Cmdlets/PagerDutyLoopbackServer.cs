using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>
/// A fake PagerDuty REST API v2 on 127.0.0.1 (random port) for PUT /incidents/{id}. It records every request and answers
/// from a queue of canned responses, then as PagerDuty does: 401 for another key, 400 "Requester User Not Found" without
/// a From of a known user, 404 for an unknown incident, else the incident with the requested status.
/// </summary>
public sealed class PagerDutyLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly ConcurrentQueue<(int Status, string Body, string? RetryAfter)> _answers = new();

    public sealed record Request(string Method, string Path, string? Authorization, string? Accept, string? ContentType, string? From,
        string Body, DateTimeOffset At);

    private PagerDutyLoopbackServer(WebApplication app, string apiKey)
    {
        _app = app;
        _apiKey = apiKey;
    }

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>The account's incidents: id to status (triggered, acknowledged, resolved).</summary>
    public ConcurrentDictionary<string, string> Incidents { get; } = new(StringComparer.Ordinal);

    /// <summary>The account's users' login emails: the only valid From values.</summary>
    public ConcurrentDictionary<string, bool> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Uri ApiUrl { get; private set; } = null!;

    public void Answer(int status, string body, string? retryAfter = null) => _answers.Enqueue((status, body, retryAfter));

    public static async Task<PagerDutyLoopbackServer> StartAsync(string apiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new PagerDutyLoopbackServer(app, apiKey);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers;
            var request = new Request(context.Request.Method, context.Request.Path.Value ?? string.Empty, Header(headers.Authorization),
                Header(headers.Accept), Header(headers.ContentType), Header(headers["From"]), body, DateTimeOffset.UtcNow);
            server.Requests.Enqueue(request);
            var (status, answer, retryAfter) = server._answers.TryDequeue(out var canned) ? canned : server.Default(request);
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.ApiUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    private static string? Header(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    private (int, string, string?) Default(Request request)
    {
        if (request.Authorization != "Token token=" + _apiKey)
        {
            return (401, """{"error":{"message":"Authentication failed","code":2006}}""", null);
        }

        const string prefix = "/incidents/";
        var id = request.Path.StartsWith(prefix, StringComparison.Ordinal) ? request.Path[prefix.Length..] : string.Empty;
        if (request.Method != "PUT" || !Incidents.ContainsKey(id))
        {
            return (404, """{"error":{"message":"Not Found","code":2100}}""", null);
        }

        if (request.From is null || !Users.ContainsKey(request.From))
        {
            return (400, """{"error":{"message":"Invalid Input Provided","code":2001,"errors":["Requester User Not Found"]}}""", null);
        }

        var status = JsonNode.Parse(request.Body)?["incident"]?["status"]?.ToString() ?? "triggered";
        Incidents[id] = status;
        var incident = new JsonObject
        {
            ["incident"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = "incident",
                ["status"] = status,
                ["html_url"] = $"https://seekapa.pagerduty.com/incidents/{id}",
            },
        };
        return (200, incident.ToJsonString(), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
