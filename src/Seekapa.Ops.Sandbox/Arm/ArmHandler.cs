using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// The sandbox's fake Azure Resource Manager, served beside the Kubernetes API on the same HTTPS port: requests under
/// /subscriptions or /providers go to the resource providers in order. Like ARM it wants a bearer token (the sandbox's
/// admin token; 401 InvalidAuthenticationToken otherwise) and an api-version, answers 404 for another subscription or
/// resource group, and wraps every failure in ARM's {"error":{"code","message"}} envelope.
/// </summary>
internal sealed class ArmHandler
{
    private readonly ArmWorld _world;
    private readonly byte[] _token;
    private readonly IReadOnlyList<IArmRoutes> _routes;
    private readonly ILogger _logger;

    public ArmHandler(ArmWorld world, string adminToken, IReadOnlyList<IArmRoutes> routes, ILogger logger)
    {
        _world = world;
        _token = Encoding.UTF8.GetBytes(adminToken);
        _routes = routes;
        _logger = logger;
    }

    /// <summary>The providers the sandbox serves, in the order they are asked.</summary>
    public static ArmHandler Create(ArmWorld world, string adminToken, ILogger logger) => new(world, adminToken,
    [
        new SubscriptionRoutes(world),
        new AksRoutes(world, adminToken),
        new MetricsRoutes(world),
        new FlexibleServerRoutes(world),
    ], logger);

    public static bool IsArmRequest(HttpRequest request)
    {
        var path = request.Path.Value ?? string.Empty;
        return path.Equals("/subscriptions", StringComparison.OrdinalIgnoreCase)
               || path.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
               || path.StartsWith("/providers/", StringComparison.OrdinalIgnoreCase);
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            if (!Authenticated(context.Request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The access token is invalid.\"";
                await ArmWorld.WriteErrorAsync(context, 401, "InvalidAuthenticationToken",
                    "The access token is invalid.");
                return;
            }

            var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
            var query = context.Request.Query;
            if (string.IsNullOrEmpty(query["api-version"].FirstOrDefault()))
            {
                await ArmWorld.WriteErrorAsync(context, 400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
                return;
            }

            if (await WrongScopeAsync(context, path))
            {
                return;
            }

            JsonNode? body;
            try
            {
                body = await ReadBodyAsync(context);
            }
            catch (JsonException e)
            {
                await ArmWorld.WriteErrorAsync(context, 400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{e.Message}'.");
                return;
            }

            var request = new ArmRequest(context.Request.Method, path, query, body, _world);
            foreach (var routes in _routes)
            {
                if (await routes.TryHandleAsync(context, request))
                {
                    return;
                }
            }

            await ArmWorld.WriteErrorAsync(context, 404, "ResourceNotFound", $"The resource at '{path}' was not found.");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "ARM {Method} {Path} failed", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            await ArmWorld.WriteErrorAsync(context, 500, "InternalServerError", $"The server encountered an internal error: {e.Message}");
        }
    }

    private bool Authenticated(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), _token);
    }

    // Another subscription or resource group does not exist here, whatever the provider.
    private async Task<bool> WrongScopeAsync(HttpContext context, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            && !parts[1].Equals(_world.SubscriptionId, StringComparison.OrdinalIgnoreCase))
        {
            await ArmWorld.WriteErrorAsync(context, 404, "SubscriptionNotFound", $"The subscription '{parts[1]}' could not be found.");
            return true;
        }

        if (parts.Length >= 4 && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            && !parts[3].Equals(_world.ResourceGroup, StringComparison.OrdinalIgnoreCase))
        {
            await ArmWorld.WriteErrorAsync(context, 404, "ResourceGroupNotFound", $"Resource group '{parts[3]}' could not be found.");
            return true;
        }

        return false;
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}
