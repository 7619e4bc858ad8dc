using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Seekapa.Ops.Core.Azure;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>One request the fake Resource Manager received.</summary>
public sealed record FakeArmRequest(string Method, Uri Uri, string? Authorization, string? Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Path => Uri.AbsolutePath;
    public string Query => Uri.Query;
    public bool IsWrite => Method is "PUT" or "PATCH" or "DELETE" or "POST";
}

/// <summary>An answer of the fake: status, JSON body and headers.</summary>
public sealed record FakeArmAnswer(int Status, string? Json, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Azure Resource Manager as the wire format in specs/azure-arm.md, behind the real ArmClient pipeline through its transport
/// hook (ArmClientOptions.Transport = HttpClientTransport over this handler). Routes are matched on method and a path regex
/// (newest route first, so a test can override a default); each route may answer a sequence (e.g. InProgress, then
/// Succeeded). Every request is logged so tests can assert that -WhatIf or a failed validation sent no write.
/// An unrouted request answers 501 with code FakeArmNoRoute, which fails the test loudly.
/// </summary>
public sealed class FakeArm : HttpMessageHandler
{
    public const string Token = "fake-arm-token-3f9c1e";
    public const string Subscription = "00000000-0000-0000-0000-00000000cafe";

    private readonly List<(string Method, Regex Path, Func<FakeArmRequest, FakeArmAnswer> Answer)> _routes = new();
    private readonly ConcurrentQueue<FakeArmRequest> _requests = new();

    public IReadOnlyList<FakeArmRequest> Requests => _requests.ToArray();

    public IReadOnlyList<FakeArmRequest> Writes => Requests.Where(r => r.IsWrite).ToArray();

    public FakeArm On(string method, string pathPattern, Func<FakeArmRequest, FakeArmAnswer> answer)
    {
        lock (_routes)
        {
            _routes.Insert(0, (method, new Regex("^" + pathPattern + "$", RegexOptions.IgnoreCase), answer));
        }

        return this;
    }

    public FakeArm On(string method, string pathPattern, params FakeArmAnswer[] sequence)
    {
        var next = 0;
        return On(method, pathPattern, _ => sequence[Math.Min(Interlocked.Increment(ref next) - 1, sequence.Length - 1)]);
    }

    public static FakeArmAnswer Json(int status, string json, params (string Name, string Value)[] headers) =>
        new(status, json, headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));

    public static FakeArmAnswer Error(int status, string code, string message, params (string Name, string Value)[] headers) =>
        Json(status, new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = code, ["message"] = message },
        }.ToJsonString(), headers);

    /// <summary>A session over this fake with a fixed token and fast retries (Retry.Delay 1 ms), as the spec advises.</summary>
    public AzureSession Session(AzureApiVersions? versions = null, Uri? resourceManagerUrl = null) =>
        new(new FakeTokenCredential(), AzureCloud.Resolve(null, resourceManagerUrl), Subscription, versions, options =>
        {
            options.Transport = new HttpClientTransport(new HttpClient(this, disposeHandler: false));
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
            options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new FakeArmRequest(request.Method.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            string.IsNullOrEmpty(body) ? null : body, headers);
        _requests.Enqueue(recorded);

        FakeArmAnswer answer;
        lock (_routes)
        {
            var route = _routes.FirstOrDefault(r => r.Method == recorded.Method && r.Path.IsMatch(recorded.Path));
            answer = route.Answer is null
                ? Error(501, "FakeArmNoRoute", $"No fake route for {recorded.Method} {recorded.Path}")
                : route.Answer(recorded);
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            Content = new StringContent(answer.Json ?? string.Empty, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>Answers every scope with the same fixed token and counts the requests, so tests can see caching and scopes.</summary>
    public sealed class FakeTokenCredential : TokenCredential
    {
        private readonly ConcurrentQueue<string> _scopes = new();

        public IReadOnlyList<string> Scopes => _scopes.ToArray();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                _scopes.Enqueue(scope);
            }

            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
