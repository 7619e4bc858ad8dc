using Azure.ResourceManager;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>Where and how to connect, as Connect-SeekapaAzure was told.</summary>
public sealed record AzureSignInOptions(AzureCloud Cloud, AzureApiVersions ApiVersions, string? Tenant, string? Subscription,
    Action<ArmClientOptions>? ConfigureArm = null);

/// <summary>A verified session and what the caller should be told about it.</summary>
public sealed record AzureSignInResult(AzureSession Session, AzureConnection Connection, AzureSubscriptionInfo Subscription);

/// <summary>
/// Completes a sign-in once a credential has produced its first Resource Manager token: who the token names (tenant and
/// account from its claims), which subscription (resolved against Resource Manager, which also proves the token is
/// accepted), and the session attached to the returned connection.
/// </summary>
public static class AzureSignIn
{
    public static async Task<AzureSignInResult> CompleteAsync(SignedInCredential signedIn, AzureSignInOptions options,
        CancellationToken cancellationToken)
    {
        var claims = JwtClaims.TryRead(signedIn.Token.Token);
        var requested = options.Subscription?.Trim();
        var byId = requested is { Length: > 0 } && Guid.TryParse(requested, out _);

        // With an id the session is built for it at once; otherwise a subscription-less session lists them first.
        var probe = new AzureSession(signedIn.Credential, options.Cloud, byId ? requested! : string.Empty, options.ApiVersions, options.ConfigureArm);
        var subscription = await AzureSubscriptions.ResolveAsync(probe, requested, cancellationToken).ConfigureAwait(false);
        var session = string.Equals(probe.SubscriptionId, subscription.SubscriptionId, StringComparison.OrdinalIgnoreCase)
            ? probe
            : new AzureSession(signedIn.Credential, options.Cloud, subscription.SubscriptionId, options.ApiVersions, options.ConfigureArm);

        var tenant = claims?.TenantId ?? options.Tenant ?? subscription.TenantId ?? "unknown";
        var account = claims?.Account ?? (signedIn.Mode == AzureAuthMode.AccessToken ? "access token" : signedIn.Mode.ToString());
        var connection = session.Attach(new AzureConnection(tenant, subscription.SubscriptionId, subscription.DisplayName, account,
            signedIn.Mode, options.Cloud.Name, options.Cloud.ResourceManagerUrl));
        return new AzureSignInResult(session, connection, subscription);
    }
}
