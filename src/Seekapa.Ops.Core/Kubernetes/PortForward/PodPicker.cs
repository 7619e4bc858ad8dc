using System.Globalization;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.Core.Kubernetes.PortForward;

/// <summary>The pod and pod port a connection goes to.</summary>
public sealed record ForwardEndpoint(string Pod, string Uid, int Port);

/// <summary>
/// Resolves a forward's target to one running, ready pod and its port, by kubectl's rules (polymorphichelpers
/// AttachablePodForObject, portforward translateServicePortToTargetPort): a service's selector picks the pod and the
/// service port maps to its targetPort (a named targetPort through the pod's container ports); a deployment or
/// statefulset's selector picks the pod; a port name is looked up in the pod's container ports. Unlike kubectl, a port
/// number the pod's containers do not declare is refused up front (when they declare any), so that a typo opens nothing.
/// </summary>
public sealed class PodPicker(ClusterSession session)
{
    public async Task<ForwardEndpoint> ResolveAsync(string ns, ForwardTarget target, PortSpec port, CancellationToken ct)
    {
        switch (target.Kind)
        {
            case ForwardKind.Pod:
            {
                var pod = await Guard("get", "pods", ns, target.Name,
                    () => session.Client.CoreV1.ReadNamespacedPodAsync(target.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                if (pod.Status?.Phase != "Running" || pod.Metadata.DeletionTimestamp is not null)
                {
                    throw new SeekapaException("PodNotRunning", FailureCategory.ResourceUnavailable,
                        $"Unable to forward port because pod '{target.Name}' in namespace '{ns}' is not running. Current status={(pod.Metadata.DeletionTimestamp is null ? pod.Status?.Phase : "Terminating")}.",
                        target.ToString(), "Wait until the pod runs (Get-SeekapaPodHealth), or forward to its service or workload instead.");
                }
                return new ForwardEndpoint(pod.Metadata.Name, pod.Metadata.Uid, PodPort(pod, port));
            }
            case ForwardKind.Service:
            {
                var service = await Guard("get", "services", ns, target.Name,
                    () => session.Client.CoreV1.ReadNamespacedServiceAsync(target.Name, ns, cancellationToken: ct)).ConfigureAwait(false);
                if (service.Spec?.Selector is not { Count: > 0 } selector)
                {
                    throw new SeekapaException("ServiceWithoutSelector", FailureCategory.InvalidArgument,
                        $"Service '{target.Name}' in namespace '{ns}' is defined without a selector: it has no pods to forward to.", target.ToString());
                }
                var servicePort = (service.Spec.Ports ?? []).FirstOrDefault(p =>
                        port.RemotePort is { } n ? p.Port == n : string.Equals(p.Name, port.RemoteName, StringComparison.Ordinal))
                    ?? throw new SeekapaException("PortNotExposed", FailureCategory.InvalidArgument,
                        $"Service '{target.Name}' in namespace '{ns}' does not have a service port {port.Remote} (it has {Describe(service.Spec.Ports)}).",
                        target.ToString());
                var pod = await PickAsync(ns, target, string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")), ct)
                    .ConfigureAwait(false);
                return new ForwardEndpoint(pod.Metadata.Name, pod.Metadata.Uid, TargetPort(pod, servicePort, target));
            }
            default:
            {
                V1LabelSelector? selector = target.Kind == ForwardKind.Deployment
                    ? (await Guard("get", "deployments", ns, target.Name,
                        () => session.Client.AppsV1.ReadNamespacedDeploymentAsync(target.Name, ns, cancellationToken: ct)).ConfigureAwait(false)).Spec?.Selector
                    : (await Guard("get", "statefulsets", ns, target.Name,
                        () => session.Client.AppsV1.ReadNamespacedStatefulSetAsync(target.Name, ns, cancellationToken: ct)).ConfigureAwait(false)).Spec?.Selector;
                var text = SelectorText.Format(selector) ?? throw new SeekapaException("InvalidTarget", FailureCategory.InvalidData,
                    $"{target} in namespace '{ns}' has an empty selector: it selects no pods to forward to.", target.ToString());
                var pod = await PickAsync(ns, target, text, ct).ConfigureAwait(false);
                return new ForwardEndpoint(pod.Metadata.Name, pod.Metadata.Uid, PodPort(pod, port));
            }
        }
    }

    /// <summary>True while the pod that a connection went to still exists as the same object (same uid) and runs.</summary>
    public async Task<bool> StillRunningAsync(string ns, ForwardEndpoint endpoint, CancellationToken ct)
    {
        try
        {
            var pod = await session.Client.CoreV1.ReadNamespacedPodAsync(endpoint.Pod, ns, cancellationToken: ct).ConfigureAwait(false);
            return pod.Metadata.Uid == endpoint.Uid && pod.Status?.Phase == "Running" && pod.Metadata.DeletionTimestamp is null;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<V1Pod> PickAsync(string ns, ForwardTarget target, string selector, CancellationToken ct)
    {
        var pods = await Guard("list", "pods", ns, null,
            () => session.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct)).ConfigureAwait(false);
        // kubectl's choice (podutils.ActivePods, most active first): ready longest, then fewest restarts, then oldest.
        var ready = pods.Items.Where(IsReady)
            .OrderBy(p => ReadySince(p) ?? DateTime.MaxValue)
            .ThenBy(p => (p.Status?.ContainerStatuses ?? []).Sum(c => c.RestartCount))
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return ready ?? throw new SeekapaException("NoReadyPod", FailureCategory.ResourceUnavailable,
            pods.Items.Count == 0
                ? $"{target} in namespace '{ns}' selects no pods ({selector}): there is nothing to forward to."
                : $"None of the {pods.Items.Count} pod(s) of {target} in namespace '{ns}' is running and ready ({string.Join(", ", pods.Items.Select(p => $"{p.Metadata.Name}: {p.Status?.Phase}"))}).",
            target.ToString(), "Check the pods with Get-SeekapaPodHealth; forward again once one is ready.");
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Status?.Phase == "Running" && pod.Metadata.DeletionTimestamp is null &&
        (pod.Status.Conditions ?? []).Any(c => c.Type == "Ready" && c.Status == "True");

    private static DateTime? ReadySince(V1Pod pod) =>
        (pod.Status?.Conditions ?? []).FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    /// <summary>A pod port by number or container port name.</summary>
    private static int PodPort(V1Pod pod, PortSpec port)
    {
        var declared = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).ToList();
        if (port.RemoteName is { } name)
        {
            return declared.FirstOrDefault(p => p.Name == name)?.ContainerPort ?? throw new SeekapaException("PortNotExposed",
                FailureCategory.InvalidArgument, $"Pod '{pod.Metadata.Name}' does not have a named port '{name}' (it has {Describe(declared)}).",
                $"pod/{pod.Metadata.Name}");
        }
        var number = port.RemotePort!.Value;
        if (declared.Count > 0 && declared.All(p => p.ContainerPort != number))
        {
            throw new SeekapaException("PortNotExposed", FailureCategory.InvalidArgument,
                $"Pod '{pod.Metadata.Name}' does not expose port {number} (its containers declare {Describe(declared)}).", $"pod/{pod.Metadata.Name}");
        }
        return number;
    }

    /// <summary>translateServicePortToTargetPort: a number is used as is (none: the service port); a name is the pod's container port of that name.</summary>
    private static int TargetPort(V1Pod pod, V1ServicePort servicePort, ForwardTarget target)
    {
        var targetPort = servicePort.TargetPort?.Value;
        if (string.IsNullOrEmpty(targetPort))
        {
            return servicePort.Port;
        }
        if (int.TryParse(targetPort, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number == 0 ? servicePort.Port : number;
        }
        var declared = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).ToList();
        return declared.FirstOrDefault(p => p.Name == targetPort)?.ContainerPort ?? throw new SeekapaException("PortNotExposed",
            FailureCategory.InvalidData,
            $"{target} port {servicePort.Port} targets the named port '{targetPort}', which pod '{pod.Metadata.Name}' does not have (it has {Describe(declared)}).",
            target.ToString());
    }

    private static string Describe(IEnumerable<V1ContainerPort>? ports)
    {
        var list = (ports ?? []).Select(p => p.Name is { Length: > 0 } n ? $"{p.ContainerPort} ({n})" : p.ContainerPort.ToString(CultureInfo.InvariantCulture)).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Describe(IEnumerable<V1ServicePort>? ports)
    {
        var list = (ports ?? []).Select(p => p.Name is { Length: > 0 } n ? $"{p.Port} ({n})" : p.Port.ToString(CultureInfo.InvariantCulture)).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private Task<T> Guard<T>(string verb, string resource, string ns, string? name, Func<Task<T>> call) =>
        KubernetesErrors.Guard(session, verb, resource, ns, name, call);
}
