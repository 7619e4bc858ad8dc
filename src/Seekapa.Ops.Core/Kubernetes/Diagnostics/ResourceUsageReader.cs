using System.Net;
using System.Text.Json;
using k8s;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>What Get-SeekapaPodResourceUsage asks for.</summary>
public sealed record ResourceUsageQuery(string? Namespace, bool AllNamespaces, LabelSelector? Selector, NameFilter Names,
    ResourceUsageSort SortBy = ResourceUsageSort.Name, bool PerContainer = false, int PageSize = 500);

/// <summary>
/// kubectl top pod: one PodMetrics list (metrics.k8s.io/v1beta1) for the scope and, alongside it, one paged pod list
/// for the requests and limits, joined by namespace/name. Sorting needs every row, so the result is a list, not a stream.
/// </summary>
public sealed class ResourceUsageReader(ClusterSession session)
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";

    /// <summary>Explicit names (no wildcards) that have no metrics; filled by <see cref="ReadAsync"/>.</summary>
    public List<string> MissingNames { get; } = new();

    /// <summary>Pods of the scope (matching the filters) that exist but have no metrics yet; filled by <see cref="ReadAsync"/>.</summary>
    public int PodsWithoutMetrics { get; private set; }

    public async Task<IReadOnlyList<PodResourceUsage>> ReadAsync(ResourceUsageQuery query, CancellationToken ct)
    {
        var ns = query.AllNamespaces ? null : query.Namespace ?? session.DefaultNamespace;
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        foreach (var name in query.Names.ExplicitNames)
        {
            ResourceNames.ValidateName(name, "Pod");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var specsTask = ReadSpecsAsync(ns, query, linked.Token);
        IReadOnlyList<PodMetricsSample> samples;
        try
        {
            samples = await ReadMetricsAsync(ns, query.Selector, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            // The pod list is only useful with metrics: stop it and observe its outcome before reporting the failure.
            linked.Cancel();
            try
            {
                await specsTask.ConfigureAwait(false);
            }
            catch (Exception)
            {
            }

            throw;
        }

        var specs = await specsTask.ConfigureAwait(false);
        var selected = samples.Where(s => query.Names.Matches(s.Name)).ToList();
        var measured = new HashSet<(string, string)>(selected.Select(s => (s.Namespace, s.Name)));
        PodsWithoutMetrics = specs.Keys.Count(k => query.Names.Matches(k.Name) && !measured.Contains(k));
        var seen = new HashSet<string>(selected.Select(s => s.Name), StringComparer.Ordinal);
        MissingNames.AddRange(query.Names.ExplicitNames.Where(n => !seen.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
        return ResourceUsageCalculator.Build(selected, specs, query.SortBy, query.PerContainer);
    }

    private async Task<IReadOnlyList<PodMetricsSample>> ReadMetricsAsync(string? ns, LabelSelector? selector, CancellationToken ct)
    {
        var json = await KubernetesErrors.Guard(session, "list", "pods.metrics.k8s.io", ns, null, () => ns is null
            ? session.Client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(Group, Version, "pods",
                labelSelector: selector?.Text, cancellationToken: ct)
            : session.Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(Group, Version, ns, "pods",
                labelSelector: selector?.Text, cancellationToken: ct), Unavailable).ConfigureAwait(false);
        return PodMetricsParser.ParseList(json);
    }

    private async Task<Dictionary<(string Namespace, string Name), PodResources>> ReadSpecsAsync(string? ns, ResourceUsageQuery query, CancellationToken ct)
    {
        var specs = new Dictionary<(string, string), PodResources>();
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", "pods", ns, null, () => ns is null
                ? session.Client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: ct)
                : session.Client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: continueToken,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: ct)).ConfigureAwait(false);
            foreach (var pod in page.Items)
            {
                // Only running pods are measured; a finished pod would count as "without metrics" for ever.
                if (pod.Status?.Phase is "Succeeded" or "Failed")
                {
                    continue;
                }

                var resources = PodResources.FromPod(pod);
                specs[(resources.Namespace, resources.Name)] = resources;
            }

            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return specs;
    }

    /// <summary>A metrics group the server does not serve (404), or whose backend is down (503), is kubectl's "Metrics API not available".</summary>
    private SeekapaException? Unavailable(HttpStatusCode status, string serverMessage) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable
            ? MetricsApiUnavailable($"{(int)status} {status}: {serverMessage}")
            : null;

    public SeekapaException MetricsApiUnavailable(string detail) =>
        new("MetricsApiUnavailable", FailureCategory.ResourceUnavailable,
            $"Metrics API not available: the cluster '{session.Connection.Context}' does not serve {Group}/{Version} ({detail}).",
            $"{Group}/{Version}",
            "Install metrics-server (AKS has it by default; check `kubectl get apiservice v1beta1.metrics.k8s.io` and the metrics-server pods in kube-system).");

    /// <summary>The error for an explicit name that has no metrics (no such pod, or not running, or not measured yet).</summary>
    public static SeekapaException NotFound(string name, string scope, LabelSelector? selector) =>
        new("PodMetricsNotFound", FailureCategory.ObjectNotFound,
            $"No metrics for pod '{name}' in {scope}{(selector is null ? string.Empty : $" with selector '{selector}'")}: the pod does not exist, is not running, or metrics-server has not measured it yet (about one scrape interval after it starts).",
            name, "Check the pod with Get-SeekapaPodHealth; retry in a minute if it has just started.");
}
