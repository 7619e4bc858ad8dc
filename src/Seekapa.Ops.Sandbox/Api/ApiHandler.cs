using Seekapa.Ops.Sandbox.Security;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// The request pipeline, in the API server's order: authenticate, injected faults, resolve what the URL addresses,
/// authorize, then serve (discovery, OpenAPI, or the generic resource handlers). Failures become Status bodies.
/// </summary>
internal sealed class ApiHandler(
    Authenticator authenticator,
    Faults faults,
    DiscoveryEndpoints discovery,
    ResourceEndpoints resources,
    ILogger<ApiHandler> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var user = authenticator.Authenticate(context.Request) ?? throw ApiException.Unauthorized();
            if (await ApplyFaultsAsync(context))
            {
                return;
            }
            var info = RequestInfo.Resolve(context.Request);
            Authorizer.Authorize(user, info);
            if (info.IsResourceRequest)
            {
                await resources.HandleAsync(context, info);
                return;
            }
            if (info.Verb is not ("get" or "head"))
            {
                throw ApiException.MethodNotAllowed();
            }
            if (!await discovery.TryHandleAsync(context, info) && !await OpenApiEndpoints.TryHandleAsync(context, info) &&
                !await HealthAsync(context, info))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            }
        }
        catch (ApiException e)
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            await StatusWriter.WriteAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            await StatusWriter.WriteAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {e.Message}"));
        }
    }

    /// <returns>True when a fault has answered (or dropped) the request.</returns>
    private async Task<bool> ApplyFaultsAsync(HttpContext context)
    {
        var (delay, rule) = faults.Evaluate(context.Request.Method, context.Request.Path.Value ?? "/");
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        if (rule is null)
        {
            return false;
        }
        if (rule.Drop)
        {
            context.Abort();
            return true;
        }
        var code = rule.StatusCode!.Value;
        var retry = rule.RetryAfter is { } r ? (int?)Math.Max(1, (int)Math.Ceiling(r.TotalSeconds)) : null;
        var (reason, message) = code switch
        {
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            500 => ("InternalError", "Internal error occurred: injected fault"),
            503 => ("ServiceUnavailable", "The server is currently unable to handle the request"),
            504 => ("Timeout", "The server was unable to return a response in the time allotted, but may still be processing the request"),
            409 => ("Conflict", "Operation cannot be fulfilled: injected conflict"),
            _ => ("", "injected fault"),
        };
        await StatusWriter.WriteAsync(context, new ApiException(code, reason, message, new StatusDetails(RetryAfterSeconds: retry)));
        return true;
    }

    private static async Task<bool> HealthAsync(HttpContext context, RequestInfo info)
    {
        if (info.Path.TrimEnd('/') is not ("/healthz" or "/livez" or "/readyz"))
        {
            return false;
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("ok", context.RequestAborted);
        return true;
    }
}
