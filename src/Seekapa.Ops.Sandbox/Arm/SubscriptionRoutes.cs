using System.Text.Json.Nodes;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>GET /subscriptions and /subscriptions/{id}: the sandbox's one enabled subscription.</summary>
internal sealed class SubscriptionRoutes(ArmWorld world) : IArmRoutes
{
    public const string DisplayName = "Seekapa Sandbox";

    public async Task<bool> TryHandleAsync(HttpContext context, ArmRequest request)
    {
        if (request.Method != HttpMethods.Get)
        {
            return false;
        }

        if (request.Path.Equals("/subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            await ArmWorld.WriteJsonAsync(context, 200, new JsonObject
            {
                ["value"] = new JsonArray(Subscription()),
                ["count"] = new JsonObject { ["type"] = "Total", ["value"] = 1 },
            });
            return true;
        }

        // ArmHandler has already answered 404 for any other subscription id.
        if (request.Path.Equals($"/subscriptions/{world.SubscriptionId}", StringComparison.OrdinalIgnoreCase))
        {
            await ArmWorld.WriteJsonAsync(context, 200, Subscription());
            return true;
        }

        return false;
    }

    private JsonObject Subscription() => new()
    {
        ["id"] = $"/subscriptions/{world.SubscriptionId}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = world.SubscriptionId,
        ["tenantId"] = world.TenantId,
        ["displayName"] = DisplayName,
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };
}
