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
/// A fake Slack Web API on 127.0.0.1 (random port): records every request (path, Authorization, body) and answers from a
/// queue of canned responses, then as Slack would: chat.postMessage and conversations.setTopic with ok, and
/// conversations.create with the new channel, or name_taken for a name in Channels (created ones are added).
/// </summary>
public sealed class SlackLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body, string? RetryAfter)> _answers = new();

    public sealed record Request(string Path, string? Authorization, string ContentType, string Body, DateTimeOffset At);

    private SlackLoopbackServer(WebApplication app) => _app = app;

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Existing channel names (without '#'): conversations.create answers name_taken for them.</summary>
    public ConcurrentDictionary<string, string> Channels { get; } = new(StringComparer.Ordinal);

    public Uri ApiUrl { get; private set; } = null!;

    public void Answer(int status, string body, string? retryAfter = null) => _answers.Enqueue((status, body, retryAfter));

    public static async Task<SlackLoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new SlackLoopbackServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            server.Requests.Enqueue(new Request(context.Request.Path.Value ?? string.Empty, context.Request.Headers.Authorization.ToString(),
                context.Request.ContentType ?? string.Empty, body, DateTimeOffset.UtcNow));
            var (status, answer, retryAfter) = server._answers.TryDequeue(out var canned)
                ? canned
                : (200, server.Default(context.Request.Path.Value ?? string.Empty, body), null);
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
        server.ApiUrl = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), "/api/");
        return server;
    }

    private string Default(string path, string body)
    {
        if (path.EndsWith("/conversations.create", StringComparison.Ordinal))
        {
            var name = JsonNode.Parse(body)?["name"]?.ToString() ?? string.Empty;
            var id = $"C{Channels.Count + 1:D10}";
            return Channels.TryAdd(name, id)
                ? new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = id, ["name"] = name, ["is_channel"] = true } }.ToJsonString()
                : """{"ok":false,"error":"name_taken"}""";
        }

        if (path.EndsWith("/conversations.setTopic", StringComparison.Ordinal))
        {
            var request = JsonNode.Parse(body);
            return new JsonObject
            {
                ["ok"] = true,
                ["channel"] = new JsonObject
                {
                    ["id"] = request?["channel"]?.ToString(),
                    ["topic"] = new JsonObject { ["value"] = request?["topic"]?.ToString() },
                },
            }.ToJsonString();
        }

        return """{"ok":true,"channel":"C0123456789","ts":"1705323720.000100"}""";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
