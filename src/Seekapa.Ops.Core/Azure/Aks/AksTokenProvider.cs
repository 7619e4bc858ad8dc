using System.Net.Http.Headers;
using Azure;
using Azure.Core;
using Azure.Identity;
using k8s.Authentication;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Azure.Aks;

/// <summary>
/// Entra tokens for an AKS API server without kubelogin: the same TokenCredential that signs Resource Manager calls, for
/// the AKS server application's scope. KubernetesClient asks on every request, so the token is cached and refreshed at
/// RefreshOn, else five minutes before it expires, by one caller at a time.
/// </summary>
public sealed class AksTokenProvider : ITokenProvider
{
    /// <summary>The AKS AAD server application (the same in every tenant for managed Entra integration).</summary>
    public const string DefaultServerId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly TokenCredential _credential;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    public AksTokenProvider(TokenCredential credential, string serverId = DefaultServerId, TimeProvider? time = null)
    {
        _credential = credential;
        _time = time ?? TimeProvider.System;
        Scope = serverId + "/.default";
    }

    public string Scope { get; }

    /// <summary>The token in use, only so that redaction can scrub it.</summary>
    internal string? Current => _token?.Token;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        new("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed it while this one waited.
            if (Fresh() is { } refreshed)
            {
                return refreshed;
            }

            try
            {
                _token = await _credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CredentialUnavailableException or AuthenticationFailedException or RequestFailedException)
            {
                throw new SeekapaException("ClusterAuthenticationFailed", FailureCategory.AuthenticationError,
                    $"Could not get an Entra token for the AKS API server ({Scope}): {Redactor.Redact(ex.Message.Split('\n', 2)[0])}", Scope,
                    "Run Connect-SeekapaAzure again (the identity must be able to get tokens for AKS), then Connect-SeekapaCluster -ResourceGroupName -ClusterName.",
                    ex);
            }

            return _token.Value.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? Fresh()
    {
        var token = _token;
        if (token is not { } t)
        {
            return null;
        }

        var refreshAt = t.RefreshOn ?? t.ExpiresOn - RefreshMargin;
        return _time.GetUtcNow() < refreshAt ? t.Token : null;
    }
}
