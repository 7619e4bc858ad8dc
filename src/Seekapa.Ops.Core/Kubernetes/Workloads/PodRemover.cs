using System.Net;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>kubectl delete pod: DELETE with DeleteOptions, then a look at whether the pod is gone or terminating.</summary>
public sealed class PodRemover(ClusterSession session, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// The grace period sent: null leaves the pod's terminationGracePeriodSeconds; 0 is immediate deletion without
    /// waiting for the kubelet (kubectl --grace-period=0 --force); a negative one is refused before any call.
    /// </summary>
    public static long? EffectiveGracePeriod(long? requested)
    {
        if (requested is < 0)
        {
            throw new SeekapaException("InvalidGracePeriod", FailureCategory.InvalidArgument,
                $"-GracePeriod must be greater than or equal to 0, got {requested}.", requested);
        }

        // 0 is sent as 0: immediate deletion, what kubectl spells --grace-period=0 --force (kubectl turns a bare
        // --grace-period=0 into 1; here 0 means what it says, and -Force only skips the confirmation).
        return requested;
    }

    public async Task<PodRemoval> RemoveAsync(string ns, string name, long? gracePeriod, CancellationToken ct)
    {
        ResourceNames.ValidateNamespace(ns);
        ResourceNames.ValidateName(name, "pod");
        var options = new V1DeleteOptions { GracePeriodSeconds = gracePeriod };
        var deleted = await KubernetesErrors.Guard(session, "delete", "pods", ns, name,
            () => session.Client.CoreV1.DeleteNamespacedPodAsync(name, ns, body: options, gracePeriodSeconds: (int?)gracePeriod,
                cancellationToken: ct),
            PodNotFound(ns, name)).ConfigureAwait(false);

        // The response does not say reliably whether the pod is gone (a Status or the object with a deletionTimestamp),
        // so look: absent, or present under a new uid (a StatefulSet recreated it), means our pod is gone.
        var uid = deleted?.Metadata?.Uid;
        var current = await TryGetAsync(ns, name, ct).ConfigureAwait(false);
        var gone = current is null || (uid is not null && current.Metadata?.Uid != uid);
        return new PodRemoval
        {
            Namespace = ns,
            Name = name,
            Outcome = gone ? PodRemovalOutcome.Deleted : PodRemovalOutcome.Terminating,
            GracePeriod = gracePeriod,
            Uid = uid ?? current?.Metadata?.Uid,
            Time = _clock.GetUtcNow(),
        };
    }

    /// <summary>Watches the pod until it is gone (deleted, or replaced under a new uid), or fails with PodDeletionTimeout.</summary>
    public async Task<PodRemoval> WaitUntilGoneAsync(PodRemoval removal, TimeSpan timeout, CancellationToken ct)
    {
        if (removal.Outcome == PodRemovalOutcome.Deleted)
        {
            return removal;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var current = await TryGetAsync(removal.Namespace, removal.Name, deadline.Token).ConfigureAwait(false);
                if (IsGone(current, removal.Uid))
                {
                    break;
                }

                // A watch from the version just read sees the deletion as soon as it happens; if the server ends the
                // watch early, look again and resume.
                var gone = false;
                await foreach (var (type, pod) in session.Client.CoreV1.WatchListNamespacedPodAsync(removal.Namespace,
                                   fieldSelector: $"metadata.name={removal.Name}", resourceVersion: current!.Metadata.ResourceVersion,
                                   timeoutSeconds: (int)Math.Clamp(timeout.TotalSeconds, 1, 300), cancellationToken: deadline.Token)
                                   .ConfigureAwait(false))
                {
                    if (type == WatchEventType.Deleted || IsGone(pod, removal.Uid))
                    {
                        gone = true;
                        break;
                    }
                }

                if (gone)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SeekapaException("PodDeletionTimeout", FailureCategory.OperationTimeout,
                $"Pod '{removal.Name}' in namespace '{removal.Namespace}' was still terminating after {timeout.TotalSeconds:0} seconds.",
                $"{removal.Namespace}/{removal.Name}",
                "A finalizer or an unreachable node may hold it: look with Get-SeekapaPodHealth, or delete it with -Force.");
        }
        catch (Exception ex) when (KubernetesErrors.Translate(session, "watch", "pods", removal.Namespace, removal.Name, ex) is { } translated)
        {
            throw translated;
        }

        return new PodRemoval
        {
            Namespace = removal.Namespace,
            Name = removal.Name,
            Outcome = PodRemovalOutcome.Deleted,
            GracePeriod = removal.GracePeriod,
            Uid = removal.Uid,
            Time = _clock.GetUtcNow(),
        };
    }

    private static bool IsGone(V1Pod? pod, string? uid) => pod is null || (uid is not null && pod.Metadata?.Uid != uid);

    private async Task<V1Pod?> TryGetAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            return await KubernetesErrors.Guard(session, "get", "pods", ns, name,
                () => session.Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct), PodNotFound(ns, name)).ConfigureAwait(false);
        }
        catch (SeekapaException ex) when (ex.ErrorId == "PodNotFound")
        {
            return null;
        }
    }

    private static Func<HttpStatusCode, string, SeekapaException?> PodNotFound(string ns, string name) => (status, _) =>
        status == HttpStatusCode.NotFound
            ? new SeekapaException("PodNotFound", FailureCategory.ObjectNotFound,
                $"Pod '{name}' was not found in namespace '{ns}'.", $"{ns}/{name}",
                "It may already be gone (replaced by its controller): list the pods with Get-SeekapaPodHealth.")
            : null;
}
