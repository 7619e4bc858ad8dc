using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Seekapa.Ops.Core.Azure;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Tests.Sandbox;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>Unsigned JWTs with chosen claims (Resource Manager verifies tokens; the module only reads them).</summary>
public static class TestJwt
{
    public static string Create(JsonObject claims)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(claims.ToJsonString())}.c2lnbmF0dXJl";
    }

    public static string User(string upn = "oncall@seekapa.example", string tenant = "11111111-2222-3333-4444-555555555555",
        DateTimeOffset? expires = null) => Create(new JsonObject
        {
            ["aud"] = "https://management.azure.com/",
            ["tid"] = tenant,
            ["upn"] = upn,
            ["exp"] = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeSeconds(),
        });
}

/// <summary>A credential that counts its calls per scope and hands out tokens with the lifetime a test chooses.</summary>
public sealed class CountingCredential(TimeProvider time, TimeSpan lifetime, TimeSpan? refreshIn = null) : TokenCredential
{
    private int _calls;
    private readonly ConcurrentQueue<string> _scopes = new();

    public int Calls => _calls;

    public IReadOnlyList<string> Scopes => _scopes.ToArray();

    /// <summary>When set, every call fails with this.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Lets a test hold callers inside GetTokenAsync (to prove they are serialised).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _calls);
        foreach (var scope in requestContext.Scopes)
        {
            _scopes.Enqueue(scope);
        }

        if (Gate is { } gate)
        {
            await gate.Task.ConfigureAwait(false);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        var now = time.GetUtcNow();
        return new AccessToken($"token-{n}", now + lifetime, refreshIn is { } r ? now + r : null);
    }
}

/// <summary>An Azure session over the sandbox's fake Resource Manager, over real HTTPS that trusts only the sandbox CA.</summary>
public static class SandboxArm
{
    /// <summary>The transport hook that makes a session reach the sandbox (its CA trusted, nothing else changed).</summary>
    public static Action<global::Azure.ResourceManager.ArmClientOptions> Transport(SandboxServer server) => options =>
    {
        options.Transport = new HttpClientTransport(SandboxClients.Http(server, null));
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
    };

    public static AzureSession Session(SandboxServer server, TokenCredential? credential = null) =>
        new(credential ?? new Core.Azure.Credentials.StaticTokenCredential(server.AdminToken, DateTimeOffset.UtcNow.AddHours(1),
            AzureCloud.Resolve(null, server.BaseAddress).ArmScope),
            AzureCloud.Resolve(null, server.BaseAddress), server.ArmSubscriptionId, null, Transport(server));
}
