using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure;

/// <summary>One subscription as GET /subscriptions lists it.</summary>
public sealed record AzureSubscriptionInfo(string SubscriptionId, string? DisplayName, string? State, string? TenantId)
{
    public bool Enabled => string.Equals(State, "Enabled", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => DisplayName is null ? SubscriptionId : $"{DisplayName} ({SubscriptionId})";

    public static AzureSubscriptionInfo From(JsonNode node) => new(
        node["subscriptionId"]?.GetValue<string>() ?? AzureNames.NameOf(node["id"]?.GetValue<string>() ?? string.Empty),
        node["displayName"]?.GetValue<string>(), node["state"]?.GetValue<string>(), node["tenantId"]?.GetValue<string>());
}

/// <summary>
/// Picks the subscription Connect-SeekapaAzure works in: an id (checked with GET /subscriptions/{id}), a display name
/// (matched in the list), or nothing: the only enabled subscription the identity can see.
/// </summary>
public static class AzureSubscriptions
{
    public static async Task<AzureSubscriptionInfo> ResolveAsync(AzureSession session, string? requested, CancellationToken cancellationToken)
    {
        var version = session.ApiVersions.Subscriptions;
        if (!string.IsNullOrWhiteSpace(requested) && Guid.TryParse(requested, out var id))
        {
            try
            {
                var response = await session.SendAsync(RequestMethod.Get, $"/subscriptions/{id:D}?api-version={version}", null, cancellationToken)
                    .ConfigureAwait(false);
                return AzureSubscriptionInfo.From(response.Body ?? new JsonObject());
            }
            catch (SeekapaException ex) when (ex.InnerException is ArmRequestException { Status: 404 or 403 } arm)
            {
                throw new SeekapaException("SubscriptionNotFound", FailureCategory.ObjectNotFound,
                    $"Subscription '{requested}' was not found, or this identity has no access to it: {arm.ArmMessage}", requested,
                    "Check the id (az account list), or ask for a role assignment (Reader at least) on the subscription.", ex);
            }
        }

        var all = await ListAsync(session, cancellationToken).ConfigureAwait(false);
        string Listing(IEnumerable<AzureSubscriptionInfo> subs) =>
            string.Join(", ", subs.Select(s => s + (s.Enabled ? string.Empty : $" [{s.State}]")));

        if (!string.IsNullOrWhiteSpace(requested))
        {
            var named = all.Where(s => string.Equals(s.DisplayName, requested, StringComparison.OrdinalIgnoreCase)).ToList();
            return named.Count switch
            {
                1 => named[0],
                0 => throw new SeekapaException("SubscriptionNotFound", FailureCategory.ObjectNotFound,
                    $"No subscription named '{requested}' is visible to this identity. Visible: {(all.Count == 0 ? "none" : Listing(all))}.",
                    requested, "Pass -Subscription with one of the visible subscriptions' id or name."),
                _ => throw new SeekapaException("SubscriptionAmbiguous", FailureCategory.InvalidArgument,
                    $"Several subscriptions are named '{requested}': {Listing(named)}.", requested, "Pass -Subscription with the subscription id."),
            };
        }

        var enabled = all.Where(s => s.Enabled).ToList();
        return enabled.Count switch
        {
            1 => enabled[0],
            0 => throw new SeekapaException("SubscriptionNotFound", FailureCategory.ObjectNotFound,
                $"This identity sees no enabled subscription{(all.Count == 0 ? string.Empty : $" (visible: {Listing(all)})")}.", null,
                "Ask for a role assignment on the subscription, or pass -Tenant for the tenant that holds it."),
            _ => throw new SeekapaException("SubscriptionAmbiguous", FailureCategory.InvalidArgument,
                $"This identity sees {enabled.Count} enabled subscriptions; choose one with -Subscription: {Listing(enabled)}.", null,
                "Pass -Subscription with one of the listed ids or names."),
        };
    }

    /// <summary>Every subscription the identity can see (following nextLink).</summary>
    public static async Task<IReadOnlyList<AzureSubscriptionInfo>> ListAsync(AzureSession session, CancellationToken cancellationToken)
    {
        var list = new List<AzureSubscriptionInfo>();
        await foreach (var item in ArmPaging.ListAsync(session, $"/subscriptions?api-version={session.ApiVersions.Subscriptions}", cancellationToken)
            .ConfigureAwait(false))
        {
            list.Add(AzureSubscriptionInfo.From(item));
        }

        return list;
    }
}
