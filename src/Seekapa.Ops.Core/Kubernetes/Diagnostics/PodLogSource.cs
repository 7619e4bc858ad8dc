using System.Net;
using k8s;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>Opens one container's log as a stream. The seam that lets tests count concurrent requests without a server.</summary>
public interface IPodLogSource
{
    Task<Stream> OpenAsync(PodLogStream target, PodLogOptions options, CancellationToken cancellationToken);
}

/// <summary>
/// GET pods/{name}/log through KubernetesClient. Always asks for timestamps so that every line has one; errors become
/// PodNotFound, ContainerNotFound, LogsUnavailable (the server's own reason) or Forbidden.
/// </summary>
public sealed class KubernetesPodLogSource(ClusterSession session) : IPodLogSource
{
    public async Task<Stream> OpenAsync(PodLogStream target, PodLogOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var response = await session.Client.CoreV1.ReadNamespacedPodLogWithHttpMessagesAsync(target.Pod, target.Namespace,
                container: target.Container, follow: options.Follow ? true : null, previous: options.Previous ? true : null,
                sinceSeconds: options.SinceSeconds is { } s ? (int)Math.Min(s, int.MaxValue) : null, tailLines: options.Tail,
                timestamps: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Body;
        }
        catch (Exception ex) when (KubernetesErrors.Translate(session, "get", "pods/log", target.Namespace, target.Pod, ex,
            (status, message) => Special(target, status, message)) is { } translated)
        {
            throw translated;
        }
    }

    private static SeekapaException? Special(PodLogStream target, HttpStatusCode status, string message)
    {
        var where = $"{target.Namespace}/{target.Pod}";
        switch (status)
        {
            case HttpStatusCode.NotFound:
                return new SeekapaException("PodNotFound", FailureCategory.ObjectNotFound,
                    $"Pod '{target.Pod}' was not found in namespace '{target.Namespace}': {message}", where,
                    "The pod may have been replaced; list the current pods with Get-SeekapaPodHealth.");
            case HttpStatusCode.BadRequest when message.Contains("is not valid for pod", StringComparison.Ordinal)
                                                || message.Contains("choose one of", StringComparison.Ordinal):
                return new SeekapaException("ContainerNotFound", FailureCategory.ObjectNotFound,
                    $"Cannot read the log of container '{target.Container}' of pod {where}: {message}", $"{where}/{target.Container}");
            case HttpStatusCode.BadRequest:
                return new SeekapaException("LogsUnavailable", FailureCategory.ResourceUnavailable,
                    $"The log of container '{target.Container}' of pod {where} is not available: {message}", $"{where}/{target.Container}",
                    message.Contains("previous terminated container", StringComparison.Ordinal)
                        ? "The container has not restarted: read its current log without -Previous."
                        : "The container has not started (or its node is gone); Get-SeekapaPodHealth and Get-SeekapaEvent say why.");
            default:
                return null;
        }
    }
}
