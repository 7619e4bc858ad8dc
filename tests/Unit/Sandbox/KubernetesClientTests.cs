using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The real KubernetesClient (built from the sandbox's kubeconfig) against the 'unhealthy' scenario.</summary>
public sealed class KubernetesClientTests : IClassFixture<UnhealthySandboxFixture>, IDisposable
{
    private const string Production = "seekapa-production";
    private readonly UnhealthySandboxFixture _sandbox;
    private readonly k8s.Kubernetes _client;

    public KubernetesClientTests(UnhealthySandboxFixture sandbox)
    {
        _sandbox = sandbox;
        _sandbox.Server.Faults.Clear();
        _client = SandboxClients.Client(sandbox.Server);
    }

    public void Dispose()
    {
        _sandbox.Server.Faults.Clear();
        _client.Dispose();
    }

    private async Task<List<string>> Names(string? labelSelector = null, string? fieldSelector = null, string? ns = Production)
    {
        var list = ns is null
            ? await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labelSelector, fieldSelector: fieldSelector)
            : await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, fieldSelector: fieldSelector);
        return list.Items.Select(p => p.Metadata.Name).ToList();
    }

    [Theory]
    [InlineData("app=redis", "redis-5b6c7d8f9c-t7q2v")]
    [InlineData("app==redis", "redis-5b6c7d8f9c-t7q2v")]
    [InlineData("app in (redis, postgres)", "postgres-0,redis-5b6c7d8f9c-t7q2v")]
    [InlineData("app=backend,pod-template-hash!=7c9b5d8f6b", "backend-deployment-5f8c9d7b4d-m2x8k")]
    [InlineData("app=backend,pod-template-hash notin (7c9b5d8f6b)", "backend-deployment-5f8c9d7b4d-m2x8k")]
    [InlineData("job-name", "db-backup-28915200-xk2lp")]
    [InlineData("tier=web,!job-name", "frontend-deployment-6d8f7b9c5b-hx7rk,frontend-deployment-6d8f7b9c5b-n5w2q,frontend-deployment-6d8f7b9c5b-wq7zr")]
    [InlineData("app=nothing-has-this", "")]
    public async Task LabelSelectors(string selector, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await Names(selector));
    }

    [Theory]
    [InlineData("app in (")]
    [InlineData("app=")]
    [InlineData("=x")]
    [InlineData("app notin x")]
    [InlineData("a b")]
    [InlineData("app=bad value!")]
    public async Task MalformedLabelSelectorsAreBadRequests(string selector)
    {
        if (selector == "app=")
        {
            // "app=" is valid: it matches an empty value.
            Assert.Empty(await Names(selector));
            return;
        }
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Names(selector));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal(400, (int?)status["code"]);
    }

    [Theory]
    [InlineData("metadata.name=postgres-0", "postgres-0")]
    [InlineData("status.phase=Pending", "notification-worker-9c8d6f7b5f-p4d7j,payments-api-8f5c7d9b6c-j2m6w,report-generator-6b9f7c8d4b-k7s5f,search-indexer-5d6f8b7c9d-v8n3c")]
    [InlineData("status.phase==Failed", "frontend-deployment-6d8f7b9c5b-wq7zr")]
    [InlineData("status.phase!=Running,status.phase!=Pending,status.phase!=Failed", "db-backup-28915200-xk2lp")]
    [InlineData("spec.nodeName=", "report-generator-6b9f7c8d4b-k7s5f")]
    [InlineData("spec.nodeName=aks-nodepool1-31718369-vmss000002,metadata.namespace=seekapa-production", "backend-deployment-5f8c9d7b4d-m2x8k,backend-deployment-7c9b5d8f6b-z2v9t,frontend-deployment-6d8f7b9c5b-n5w2q,payments-api-8f5c7d9b6c-j2m6w,redis-5b6c7d8f9c-t7q2v")]
    public async Task FieldSelectors(string selector, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await Names(fieldSelector: selector));
    }

    [Fact]
    public async Task FieldSelectorsAcrossNamespacesAndUnsupportedFields()
    {
        Assert.Equal(["coredns-6f9d8b7c4f-b8m4x", "coredns-6f9d8b7c4f-l2r9d", "kube-proxy-7xk2d", "kube-proxy-9q4mz", "kube-proxy-h2t8w", "metrics-server-5c7d9f8b6c-f4w8n"],
            await Names(fieldSelector: "metadata.namespace=kube-system", ns: null));
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Names(fieldSelector: "spec.containers=x"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
        Assert.Contains("field label not supported: spec.containers", e.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AListOfANamespaceThatDoesNotExistIsEmpty()
    {
        Assert.Empty(await Names(ns: "no-such-namespace"));
    }

    [Fact]
    public async Task WatchSeesAddedThenDeleted()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType Type, string Name)>();
        await using var stream = _client.CoreV1.WatchListNamespacedPodAsync(Production, labelSelector: "app=client-watch", cancellationToken: cts.Token)
            .GetAsyncEnumerator(cts.Token);

        var next = stream.MoveNextAsync().AsTask();
        await Task.Delay(200, cts.Token);
        Assert.False(next.IsCompleted, "no pod matches yet, so nothing is sent");

        var created = await _client.CoreV1.CreateNamespacedPodAsync(
            KubernetesJson.Deserialize<V1Pod>(KubectlAcceptanceTests.Probe("client-watch-1", "client-watch").ToJsonString()), Production, cancellationToken: cts.Token);
        Assert.True(await next);
        events.Add((stream.Current.Item1, stream.Current.Item2.Metadata.Name));

        var deleted = await _client.CoreV1.DeleteNamespacedPodAsync("client-watch-1", Production, cancellationToken: cts.Token);
        // The simulated kubelet may schedule and start the pod in between (MODIFIED); the watch must end with DELETED.
        do
        {
            Assert.True(await stream.MoveNextAsync());
        }
        while (stream.Current.Item1 == WatchEventType.Modified);
        events.Add((stream.Current.Item1, stream.Current.Item2.Metadata.Name));

        Assert.Equal([(WatchEventType.Added, "client-watch-1"), (WatchEventType.Deleted, "client-watch-1")], events);
        Assert.Equal(created.Metadata.Uid, deleted.Metadata.Uid);
        Assert.True(long.Parse(stream.Current.Item2.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task WatchFromAResourceVersionReplaysWhatHappenedSince()
    {
        var list = await _client.CoreV1.ListNamespacedPodAsync(Production, labelSelector: "app=client-resume");
        await _sandbox.Server.CreateAsync("pods", KubectlAcceptanceTests.Probe("client-resume-1", "client-resume"));
        await _sandbox.Server.DeleteAsync("pods", Production, "client-resume-1");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var types = new List<WatchEventType>();
        await foreach (var (type, pod) in _client.CoreV1.WatchListNamespacedPodAsync(Production, labelSelector: "app=client-resume",
            resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
        {
            Assert.Equal("client-resume-1", pod.Metadata.Name);
            types.Add(type);
            if (types.Count == 2)
            {
                break;
            }
        }
        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], types);
    }

    [Fact]
    public async Task WrongTokenIsUnauthorizedWithAStatusBody()
    {
        var kubeconfig = Path.Combine(_sandbox.CacheDir, "client-wrong-token.kubeconfig");
        var text = await File.ReadAllTextAsync(_sandbox.Server.KubeconfigPath);
        await File.WriteAllTextAsync(kubeconfig, text.Replace(_sandbox.Server.AdminToken, "wrong", StringComparison.Ordinal));
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync(Production));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        Assert.Equal(401, (int?)status["code"]);
    }

    [Fact]
    public async Task ViewerGetsTheExactForbiddenStatus()
    {
        using var viewer = SandboxClients.Client(_sandbox.Server, _sandbox.Server.ViewerContext);
        var pods = await viewer.CoreV1.ListNamespacedPodAsync(Production);
        Assert.NotEmpty(pods.Items);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => viewer.CoreV1.ListPodForAllNamespacesAsync());
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"pods"},"code":403}""",
            e.Response.Content);

        var named = await Assert.ThrowsAsync<HttpOperationException>(() => viewer.CoreV1.ReadNamespacedPodAsync("coredns-6f9d8b7c4f-b8m4x", "kube-system"));
        var status = JsonNode.Parse(named.Response.Content)!;
        Assert.Equal("pods \"coredns-6f9d8b7c4f-b8m4x\" is forbidden: User \"viewer\" cannot get resource \"pods\" in API group \"\" in the namespace \"kube-system\"", (string?)status["message"]);
        Assert.Equal("coredns-6f9d8b7c4f-b8m4x", (string?)status["details"]!["name"]);

        var delete = await Assert.ThrowsAsync<HttpOperationException>(() => viewer.CoreV1.DeleteNamespacedPodAsync("postgres-0", Production));
        Assert.Equal(HttpStatusCode.Forbidden, delete.Response.StatusCode);
        Assert.NotNull(await _sandbox.Server.GetAsync("pods", Production, "postgres-0"));

        var deployments = await Assert.ThrowsAsync<HttpOperationException>(() => viewer.AppsV1.ListNamespacedDeploymentAsync(Production));
        var d = JsonNode.Parse(deployments.Response.Content)!;
        Assert.Equal("deployments.apps is forbidden: User \"viewer\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"seekapa-production\"", (string?)d["message"]);
        Assert.Equal("apps", (string?)d["details"]!["group"]);
    }

    [Fact]
    public async Task ThrottlingFaultAnswers429WithRetryAfter()
    {
        var rule = _sandbox.Server.Faults.Throttle(1, TimeSpan.FromSeconds(3), pathPrefix: $"/api/v1/namespaces/{Production}/pods", method: "GET");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedPodAsync(Production));
        Assert.Equal((HttpStatusCode)429, e.Response.StatusCode);
        Assert.Equal(["3"], e.Response.Headers["Retry-After"]);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal(3, (int?)status["details"]!["retryAfterSeconds"]);
        Assert.Equal(1, rule.Hits);

        // Used up: the next request goes through, and other paths were never affected.
        Assert.NotEmpty((await _client.CoreV1.ListNamespacedPodAsync(Production)).Items);
    }

    [Fact]
    public async Task ServiceUnavailableFaultsAreCountedAndMatchedByPathAndMethod()
    {
        _sandbox.Server.Faults.Respond(503, count: 2, pathPrefix: "/api/v1/namespaces/kube-system/");
        await _client.CoreV1.ListNamespacedPodAsync(Production);
        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedPodAsync("kube-system"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Response.StatusCode);
            Assert.Equal("ServiceUnavailable", (string?)JsonNode.Parse(e.Response.Content)!["reason"]);
        }
        Assert.NotEmpty((await _client.CoreV1.ListNamespacedPodAsync("kube-system")).Items);

        _sandbox.Server.Faults.Respond(500, count: 1, method: "DELETE");
        await _client.CoreV1.ListNamespacedPodAsync(Production);
        var delete = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.DeleteNamespacedPodAsync("does-not-matter", Production));
        Assert.Equal(HttpStatusCode.InternalServerError, delete.Response.StatusCode);
    }

    [Fact]
    public async Task DroppedConnectionsAndLatency()
    {
        _sandbox.Server.Faults.DropConnections(1, pathPrefix: "/api/v1/namespaces/monitoring/pods");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _client.CoreV1.ListNamespacedPodAsync("monitoring"));
        Assert.NotEmpty((await _client.CoreV1.ListNamespacedPodAsync("monitoring")).Items);

        _sandbox.Server.Faults.Latency = TimeSpan.FromMilliseconds(300);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _client.CoreV1.ListNamespacedPodAsync("monitoring");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"latency applied, took {clock.Elapsed}");
    }

    [Fact]
    public async Task DroppedWatchesEndTheStream()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var errors = new List<Exception>();
        await using var stream = _client.CoreV1.WatchListNamespacedPodAsync(Production, labelSelector: "app=redis", onError: errors.Add, cancellationToken: cts.Token)
            .GetAsyncEnumerator(cts.Token);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(WatchEventType.Added, stream.Current.Item1);

        Assert.True(_sandbox.Server.Faults.DropWatches() >= 1);
        var ended = false;
        try
        {
            ended = !await stream.MoveNextAsync();
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            ended = true;
        }
        Assert.True(ended || errors.Count > 0, "the watch stream ended after the drop");
    }
}
