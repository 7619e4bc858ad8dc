using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// The fake Resource Manager's state: one subscription, its resources as ARM JSON keyed by resource id (case-insensitive,
/// as ARM ids are), the clock, and the sandbox's own address (so AKS credentials can point kubectl back at this sandbox).
/// </summary>
internal sealed class ArmWorld(string subscriptionId, string resourceGroup, TimeProvider time, Func<Uri> baseAddress)
{
    /// <summary>The sandbox's one subscription and resource group.</summary>
    public const string SandboxSubscriptionId = "00000000-0000-0000-0000-00000000cafe";
    public const string SandboxResourceGroup = "seekapa-rg";

    public string SubscriptionId { get; } = subscriptionId;

    /// <summary>The Entra tenant the subscription belongs to.</summary>
    public string TenantId { get; init; } = "00000000-0000-0000-0000-0000000000aa";

    /// <summary>The PEM of the CA that signed the sandbox's TLS certificate (AKS kubeconfigs carry it).</summary>
    public string CaPem { get; init; } = string.Empty;

    public string ResourceGroup { get; } = resourceGroup;

    public TimeProvider Time { get; } = time;

    /// <summary>https://127.0.0.1:PORT/ of this sandbox (known once it listens).</summary>
    public Uri BaseAddress => baseAddress();

    public ConcurrentDictionary<string, JsonObject> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string ResourceGroupId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}";

    public static async Task WriteJsonAsync(HttpContext context, int status, JsonNode? body, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (body is null)
        {
            context.Response.ContentLength = 0;
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    /// <summary>ARM's error envelope: {"error":{"code":"...","message":"..."}}.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
}
