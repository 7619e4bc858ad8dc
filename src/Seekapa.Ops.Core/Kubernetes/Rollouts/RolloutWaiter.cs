using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Kubernetes.Workloads;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>
/// kubectl rollout status: lists the one object (fieldSelector metadata.name), then WATCHES it from that list's
/// resourceVersion and evaluates kubectl's StatusViewer on every change until done, failed, deleted or timed out. A
/// watch that ends or drops is resumed from the last resourceVersion seen; a 410 Gone (history expired) re-lists.
/// Throttling, 5xx and dropped connections are retried with backoff until the timeout.
/// </summary>
public sealed class RolloutWaiter(ClusterSession session)
{
    /// <summary>The default -Timeout: 10 minutes, the default progressDeadlineSeconds (kubectl itself waits forever).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// For waits that follow our own change: the lastUpdateTime of the ProgressDeadlineExceeded condition the Deployment
    /// had before it (<see cref="RollbackPlan.DeadlineExceededAt"/>). That stale condition is not taken as the new
    /// rollout's failure; a deadline exceeded again later (a newer condition) still is.
    /// </summary>
    public DateTime? StaleDeadlineExceeded { get; init; }

    /// <summary>How long one watch request may stay open before we renew it (the server closes it at this point).</summary>
    public static TimeSpan WatchWindow { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Waits until the rollout of <paramref name="target"/> is complete and returns its status. <paramref name="revision"/>
    /// (Deployments only, like kubectl) fails with RevisionMismatch when the running revision differs. A zero or infinite
    /// <paramref name="timeout"/> waits until cancelled. Errors: DeploymentNotFound / StatefulSetNotFound, RolloutFailed
    /// (progress deadline exceeded, or the object was deleted), RolloutTimeout (with the last status), Forbidden, ...
    /// </summary>
    public Task<RolloutStatus> WaitAsync(WorkloadRef target, int? revision, TimeSpan timeout, IProgress<string>? progress, CancellationToken ct)
    {
        ResourceNames.ValidateNamespace(target.Namespace);
        ResourceNames.ValidateName(target.Name, target.Kind.ToString());
        var field = $"metadata.name={target.Name}";
        var client = session.Client.AppsV1;
        if (target.Kind == WorkloadKind.Deployment)
        {
            return WaitCoreAsync<V1Deployment>(target, timeout, progress, ct,
                async (token) =>
                {
                    var list = await client.ListNamespacedDeploymentAsync(target.Namespace, fieldSelector: field, cancellationToken: token).ConfigureAwait(false);
                    return (list.Items.FirstOrDefault(i => i.Metadata?.Name == target.Name), list.Metadata?.ResourceVersion);
                },
                (rv, seconds, onError, token) => client.WatchListNamespacedDeploymentAsync(target.Namespace, allowWatchBookmarks: true,
                    fieldSelector: field, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: token),
                d => RolloutStatusEvaluator.Evaluate(d, revision, StaleDeadlineExceeded),
                (d, evaluation, elapsed) => new RolloutStatus
                {
                    Kind = WorkloadKind.Deployment,
                    Namespace = target.Namespace,
                    Name = target.Name,
                    Revision = RolloutAnnotations.RevisionOf(d.Metadata),
                    Complete = evaluation.Done,
                    State = evaluation.State,
                    Message = evaluation.Message,
                    DesiredReplicas = d.Spec?.Replicas,
                    Replicas = d.Status?.Replicas ?? 0,
                    UpdatedReplicas = d.Status?.UpdatedReplicas ?? 0,
                    ReadyReplicas = d.Status?.ReadyReplicas ?? 0,
                    AvailableReplicas = d.Status?.AvailableReplicas ?? 0,
                    Elapsed = elapsed,
                });
        }

        return WaitCoreAsync<V1StatefulSet>(target, timeout, progress, ct,
            async (token) =>
            {
                var list = await client.ListNamespacedStatefulSetAsync(target.Namespace, fieldSelector: field, cancellationToken: token).ConfigureAwait(false);
                return (list.Items.FirstOrDefault(i => i.Metadata?.Name == target.Name), list.Metadata?.ResourceVersion);
            },
            (rv, seconds, onError, token) => client.WatchListNamespacedStatefulSetAsync(target.Namespace, allowWatchBookmarks: true,
                fieldSelector: field, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: token),
            RolloutStatusEvaluator.Evaluate,
            (s, evaluation, elapsed) => new RolloutStatus
            {
                Kind = WorkloadKind.StatefulSet,
                Namespace = target.Namespace,
                Name = target.Name,
                Complete = evaluation.Done,
                State = evaluation.State,
                Message = evaluation.Message,
                DesiredReplicas = s.Spec?.Replicas,
                Replicas = s.Status?.Replicas ?? 0,
                UpdatedReplicas = s.Status?.UpdatedReplicas ?? 0,
                ReadyReplicas = s.Status?.ReadyReplicas ?? 0,
                AvailableReplicas = s.Status?.AvailableReplicas ?? 0,
                CurrentRevisionName = s.Status?.CurrentRevision,
                UpdateRevisionName = s.Status?.UpdateRevision,
                Elapsed = elapsed,
            });
    }

    private async Task<RolloutStatus> WaitCoreAsync<T>(
        WorkloadRef target, TimeSpan timeout, IProgress<string>? progress, CancellationToken ct,
        Func<CancellationToken, Task<(T? Item, string? ResourceVersion)>> list,
        Func<string?, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, RolloutEvaluation> evaluate,
        Func<T, RolloutEvaluation, TimeSpan, RolloutStatus> toStatus)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var clock = Stopwatch.StartNew();
        var bounded = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan;
        using var deadline = bounded ? new CancellationTokenSource(timeout) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var token = linked.Token;
        var lastMessage = "Waiting for the first status...";
        string? lastError = null;
        string? resourceVersion = null;
        var failures = 0;

        RolloutStatus? Check(T item)
        {
            var evaluation = evaluate(item);
            if (evaluation.Message.Length > 0 && evaluation.Message != lastMessage)
            {
                lastMessage = evaluation.Message;
                progress?.Report(evaluation.Message);
            }

            if (evaluation.Error is { } error)
            {
                throw error;
            }

            return evaluation.Done ? toStatus(item, evaluation, clock.Elapsed) : null;
        }

        try
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                var opened = Stopwatch.StartNew();
                try
                {
                    if (resourceVersion is null)
                    {
                        var (item, listVersion) = await KubernetesErrors.Guard(session, "list", target.Resource, target.Namespace, target.Name,
                            () => list(token)).ConfigureAwait(false);
                        if (item is null)
                        {
                            throw WorkloadClient.NotFound(target)(HttpStatusCode.NotFound, string.Empty)!;
                        }

                        if (Check(item) is { } done)
                        {
                            return done;
                        }

                        resourceVersion = listVersion ?? item.Metadata.ResourceVersion;
                    }

                    var gone = false;
                    Exception? streamError = null;
                    var remaining = bounded ? timeout - clock.Elapsed : WatchWindow;
                    var seconds = (int)Math.Clamp(Math.Ceiling(Math.Min(remaining.TotalSeconds, WatchWindow.TotalSeconds)), 1, int.MaxValue);
                    await foreach (var (type, item) in watch(resourceVersion, seconds, e =>
                    {
                        if (e is KubernetesException { Status.Code: 410 })
                        {
                            gone = true;
                        }
                        else
                        {
                            streamError = e;
                        }
                    }, token).ConfigureAwait(false))
                    {
                        failures = 0;
                        switch (type)
                        {
                            case WatchEventType.Added or WatchEventType.Modified:
                                resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                                if (Check(item) is { } done)
                                {
                                    return done;
                                }

                                break;
                            case WatchEventType.Deleted:
                                throw new SeekapaException("RolloutFailed", FailureCategory.ObjectNotFound,
                                    $"{target} in namespace '{target.Namespace}' was deleted while waiting for its rollout (object has been deleted)",
                                    $"{target.Namespace}/{target.Name}");
                            case WatchEventType.Bookmark:
                                resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                                break;
                        }
                    }

                    if (gone)
                    {
                        // The server no longer has history back to our version: list again, as client-go's reflector does.
                        resourceVersion = null;
                    }
                    else if (streamError is not null && TlsFailures.IsTlsFailure(streamError))
                    {
                        throw KubernetesErrors.Translate(session, "watch", target.Resource, target.Namespace, target.Name, streamError) ?? streamError;
                    }
                    else if (streamError is not null)
                    {
                        lastError = streamError.Message;
                        await BackOffAsync(++failures, token).ConfigureAwait(false);
                    }
                    else if (opened.Elapsed < TimeSpan.FromSeconds(1))
                    {
                        // A stream that closes at once (a proxy cutting watches) must not become a busy loop.
                        await BackOffAsync(++failures, token).ConfigureAwait(false);
                    }
                }
                catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
                {
                    resourceVersion = null;
                }
                catch (Exception ex) when (!token.IsCancellationRequested && Transient(ex) is { } reason)
                {
                    lastError = reason;
                    await BackOffAsync(++failures, token).ConfigureAwait(false);
                }
                catch (HttpOperationException ex) when (KubernetesErrors.Translate(session, "watch", target.Resource, target.Namespace, target.Name, ex,
                    WorkloadClient.NotFound(target)) is { } translated)
                {
                    throw translated;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var waited = timeout.ToString(timeout.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
            throw new SeekapaException("RolloutTimeout", FailureCategory.OperationTimeout,
                $"Timed out after {waited} waiting for the rollout of {target} in namespace '{target.Namespace}'. Last status: {lastMessage}" +
                (lastError is null ? string.Empty : $" (last connection problem: {lastError})"),
                $"{target.Namespace}/{target.Name}",
                "Wait longer (-Timeout), or look at the new pods with Get-SeekapaPodHealth -Unhealthy.");
        }
    }

    /// <summary>Failures worth waiting out: the connection, throttling, 5xx. Null for the rest.</summary>
    private string? Transient(Exception ex)
    {
        // A rejected certificate stays rejected: fail now rather than after -Timeout.
        if (TlsFailures.IsTlsFailure(ex))
        {
            return null;
        }

        switch (ex)
        {
            case SeekapaException s when s.ErrorId is "ClusterUnreachable" or "ClusterError" or "TooManyRequests":
                return s.Message;
            case HttpOperationException http when http.Response is { } r && ((int)r.StatusCode == 429 || (int)r.StatusCode >= 500):
                return $"{(int)r.StatusCode} {r.StatusCode}";
            case HttpRequestException or IOException or TimeoutException:
                return ex.Message;
            default:
                return null;
        }
    }

    private static Task BackOffAsync(int failures, CancellationToken token)
    {
        var ms = Math.Min(100 * Math.Pow(2, Math.Min(failures, 10) - 1), 2000);
        return Task.Delay(TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2), token);
    }
}
