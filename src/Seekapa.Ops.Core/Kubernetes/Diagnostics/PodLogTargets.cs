using System.Net;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>A pod named by the caller (possibly with wildcards), e.g. piped from Get-SeekapaPodHealth.</summary>
public sealed record PodLogName(string Namespace, string Name);

/// <summary>Which pods Get-SeekapaPodLog reads: exactly one of Names, Selector or Deployment.</summary>
public sealed record PodLogQuery
{
    public IReadOnlyList<PodLogName> Names { get; init; } = Array.Empty<PodLogName>();
    public LabelSelector? Selector { get; init; }
    public string? Deployment { get; init; }

    /// <summary>The namespace of -Selector and -Deployment; null with AllNamespaces.</summary>
    public string? Namespace { get; init; }
    public bool AllNamespaces { get; init; }

    /// <summary>Container names with wildcards; empty means every container (init containers first, as kubectl --all-containers).</summary>
    public IReadOnlyList<string> Containers { get; init; } = Array.Empty<string>();
}

/// <summary>The streams to read, in order (namespace, pod, container), and the pods that could not be resolved.</summary>
public sealed record PodLogPlan(IReadOnlyList<PodLogStream> Streams, IReadOnlyList<SeekapaException> Errors);

/// <summary>Resolves a <see cref="PodLogQuery"/> into the containers to read: one list call for a selector, one GET per explicit pod.</summary>
public sealed class PodLogTargetResolver(ClusterSession session)
{
    public async Task<PodLogPlan> ResolveAsync(PodLogQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<SeekapaException>();
        IEnumerable<V1Pod> pods;
        if (query.Deployment is { } deployment)
        {
            pods = await DeploymentPodsAsync(query.Namespace ?? session.DefaultNamespace, deployment, cancellationToken).ConfigureAwait(false);
        }
        else if (query.Selector is { } selector)
        {
            var ns = query.AllNamespaces ? null : query.Namespace ?? session.DefaultNamespace;
            pods = await ListAsync(ns, selector.Text, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            pods = await NamedPodsAsync(query.Names, errors, cancellationToken).ConfigureAwait(false);
        }

        var containers = new NameFilter(query.Containers);
        var streams = new List<PodLogStream>();
        foreach (var pod in pods.OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var all = (pod.Spec?.InitContainers ?? new List<V1Container>()).Concat(pod.Spec?.Containers ?? new List<V1Container>())
                .Select(c => c.Name).ToList();
            var ns = pod.Metadata.NamespaceProperty;
            var name = pod.Metadata.Name;
            streams.AddRange(all.Where(containers.Matches).Select(c => new PodLogStream(ns, name, c)));
            foreach (var missing in containers.ExplicitNames.Where(c => !all.Contains(c)).OrderBy(c => c, StringComparer.Ordinal))
            {
                errors.Add(new SeekapaException("ContainerNotFound", FailureCategory.ObjectNotFound,
                    $"container {missing} is not valid for pod {name} (namespace '{ns}'); its containers are: {string.Join(", ", all)}.",
                    $"{ns}/{name}/{missing}", "Use -Container with one of those names, or a wildcard such as -Container '*'."));
            }
        }

        return new PodLogPlan(streams, errors);
    }

    private async Task<List<V1Pod>> NamedPodsAsync(IReadOnlyList<PodLogName> names, List<SeekapaException> errors, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), V1Pod>();
        foreach (var group in names.GroupBy(n => n.Namespace))
        {
            ResourceNames.ValidateNamespace(group.Key);
            var filter = new NameFilter(group.Select(n => n.Name));
            if (group.Any(n => NameFilter.IsWildcard(n.Name)))
            {
                // One list serves every wildcard and explicit name of the namespace.
                foreach (var pod in await ListAsync(group.Key, null, ct).ConfigureAwait(false))
                {
                    if (filter.Matches(pod.Metadata.Name))
                    {
                        found[(group.Key, pod.Metadata.Name)] = pod;
                    }
                }

                AddMissing(group.Key, filter.ExplicitNames.Where(n => !found.ContainsKey((group.Key, n))), errors);
                continue;
            }

            // Explicit names only (the pipeline case): one GET each, a few at a time.
            using var gate = new SemaphoreSlim(8);
            var gets = filter.ExplicitNames.Select(async name =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    return (name, pod: await GetPodAsync(group.Key, name, ct).ConfigureAwait(false));
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            foreach (var (name, pod) in await Task.WhenAll(gets).ConfigureAwait(false))
            {
                if (pod is null)
                {
                    AddMissing(group.Key, new[] { name }, errors);
                }
                else
                {
                    found[(group.Key, name)] = pod;
                }
            }
        }

        return found.Values.ToList();
    }

    private static void AddMissing(string ns, IEnumerable<string> names, List<SeekapaException> errors)
    {
        foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
        {
            errors.Add(new SeekapaException("PodNotFound", FailureCategory.ObjectNotFound,
                $"Pod '{name}' was not found in namespace '{ns}'.", $"{ns}/{name}",
                "List the pods with Get-SeekapaPodHealth, or use a wildcard such as -Name 'backend-*'."));
        }
    }

    private async Task<V1Pod?> GetPodAsync(string ns, string name, CancellationToken ct)
    {
        if (!ResourceNames.IsValidName(name))
        {
            return null;
        }

        try
        {
            return await KubernetesErrors.Guard(session, "get", "pods", ns, name,
                () => session.Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct),
                (status, _) => status == HttpStatusCode.NotFound ? new SeekapaException("NotFound", FailureCategory.ObjectNotFound, name) : null)
                .ConfigureAwait(false);
        }
        catch (SeekapaException ex) when (ex.ErrorId == "NotFound")
        {
            return null;
        }
    }

    private async Task<List<V1Pod>> ListAsync(string? ns, string? selector, CancellationToken ct)
    {
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        var pods = new List<V1Pod>();
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", "pods", ns, null, () => ns is null
                ? session.Client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, labelSelector: selector, limit: 500,
                    cancellationToken: ct)
                : session.Client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: continueToken, labelSelector: selector, limit: 500,
                    cancellationToken: ct)).ConfigureAwait(false);
            pods.AddRange(page.Items);
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return pods;
    }

    /// <summary>The pods of every ReplicaSet the Deployment controls (old and new), found through its selector and owner references.</summary>
    private async Task<List<V1Pod>> DeploymentPodsAsync(string ns, string name, CancellationToken ct)
    {
        ResourceNames.ValidateNamespace(ns);
        ResourceNames.ValidateName(name, "deployment");
        var deployment = await KubernetesErrors.Guard(session, "get", "deployments", ns, name,
            () => session.Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct),
            (status, message) => status == HttpStatusCode.NotFound
                ? new SeekapaException("DeploymentNotFound", FailureCategory.ObjectNotFound,
                    $"Deployment '{name}' was not found in namespace '{ns}'.", $"{ns}/{name}", "List the deployments with Get-SeekapaDeployment.")
                : null).ConfigureAwait(false);
        var selector = SelectorText.Format(deployment.Spec?.Selector);
        if (selector is null)
        {
            return new List<V1Pod>();
        }

        var replicaSets = await KubernetesErrors.Guard(session, "list", "replicasets", ns, null,
            () => session.Client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: selector, cancellationToken: ct)).ConfigureAwait(false);
        var owned = replicaSets.Items
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == deployment.Metadata.Uid) == true)
            .Select(rs => rs.Metadata.Name)
            .ToHashSet(StringComparer.Ordinal);
        var pods = await ListAsync(ns, selector, ct).ConfigureAwait(false);
        // Pods that only share the labels (not created by this Deployment's ReplicaSets) are not its logs.
        return pods.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Kind == "ReplicaSet" && owned.Contains(o.Name)) == true)
            .ToList();
    }
}
