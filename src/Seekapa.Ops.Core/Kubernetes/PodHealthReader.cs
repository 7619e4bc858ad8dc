using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>What Get-SeekapaPodHealth asks for.</summary>
public sealed record PodQuery(
    string? Namespace,
    bool AllNamespaces,
    LabelSelector? Selector,
    NameFilter Names,
    int PageSize = 500);

/// <summary>
/// Lists pods page by page (limit/continue) and yields PodHealth objects as each page arrives, so the first object is
/// out after one round trip and memory stays bounded by a page. Owners are resolved through one ReplicaSet list that runs
/// alongside the first page.
/// </summary>
public sealed class PodHealthReader
{
    private readonly ClusterSession _session;
    private readonly Func<DateTimeOffset> _clock;

    public PodHealthReader(ClusterSession session, Func<DateTimeOffset>? clock = null)
    {
        _session = session;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>Explicit names (no wildcards) that matched no pod; filled when the enumeration completes.</summary>
    public List<string> MissingNames { get; } = new();

    public async IAsyncEnumerable<PodHealth> ReadAsync(PodQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ns = query.AllNamespaces ? null : query.Namespace ?? _session.DefaultNamespace;
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        var fieldSelector = query.Names.SingleExplicitName is { } single ? $"metadata.name={single}" : null;
        var owners = new ReplicaSetOwners(_session, ns, cancellationToken);
        if (fieldSelector is null)
        {
            // Runs alongside the first pod page so owner resolution does not add a round trip before the first object.
            _ = owners.GetAsync();
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(_session, "list", "pods", ns, null, () => ns is null
                ? _session.Client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, fieldSelector: fieldSelector,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: cancellationToken)
                : _session.Client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: continueToken, fieldSelector: fieldSelector,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: cancellationToken)).ConfigureAwait(false);

            var now = _clock();
            Func<string, string, PodHealthBuilder.Owner?>? resolve = null;
            if (page.Items.Any(p => p.Metadata?.OwnerReferences?.Any(o => o.Kind == "ReplicaSet") == true))
            {
                resolve = await owners.GetAsync().ConfigureAwait(false);
            }

            foreach (var pod in page.Items)
            {
                total++;
                var name = pod.Metadata?.Name ?? string.Empty;
                if (!query.Names.Matches(name))
                {
                    continue;
                }

                found.Add(name);
                yield return PodHealthBuilder.Build(pod, now, resolve);
            }

            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (total == 0 && ns is not null && !await NamespaceExistsAsync(ns, cancellationToken).ConfigureAwait(false))
        {
            throw new SeekapaException("NamespaceNotFound", FailureCategory.ObjectNotFound,
                $"Namespace '{ns}' was not found on cluster '{_session.Connection.Context}'.", ns,
                "List the namespaces with kubectl get namespaces, or use -AllNamespaces.");
        }

        MissingNames.AddRange(query.Names.ExplicitNames.Where(n => !found.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
    }

    private async Task<bool> NamespaceExistsAsync(string ns, CancellationToken cancellationToken)
    {
        try
        {
            await _session.Client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // Not allowed to read namespaces (common for namespace-scoped users): an empty list is all we can say.
            return true;
        }
    }

    /// <summary>ReplicaSet -> controlling workload, listed once (paged) and only when a page needs it.</summary>
    private sealed class ReplicaSetOwners
    {
        private readonly ClusterSession _session;
        private readonly string? _namespace;
        private readonly CancellationToken _cancellationToken;
        private Task<Func<string, string, PodHealthBuilder.Owner?>>? _task;

        public ReplicaSetOwners(ClusterSession session, string? ns, CancellationToken cancellationToken)
        {
            _session = session;
            _namespace = ns;
            _cancellationToken = cancellationToken;
        }

        public Task<Func<string, string, PodHealthBuilder.Owner?>> GetAsync() => _task ??= LoadAsync();

        private async Task<Func<string, string, PodHealthBuilder.Owner?>> LoadAsync()
        {
            var map = new Dictionary<(string, string), PodHealthBuilder.Owner>();
            try
            {
                string? continueToken = null;
                do
                {
                    var page = _namespace is null
                        ? await _session.Client.AppsV1.ListReplicaSetForAllNamespacesAsync(continueParameter: continueToken, limit: 500,
                            cancellationToken: _cancellationToken).ConfigureAwait(false)
                        : await _session.Client.AppsV1.ListNamespacedReplicaSetAsync(_namespace, continueParameter: continueToken, limit: 500,
                            cancellationToken: _cancellationToken).ConfigureAwait(false);
                    foreach (var rs in page.Items)
                    {
                        var controller = rs.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
                        if (controller is not null)
                        {
                            map[(rs.Metadata!.NamespaceProperty, rs.Metadata.Name)] = new PodHealthBuilder.Owner(controller.Kind, controller.Name);
                        }
                    }

                    continueToken = page.Metadata?.ContinueProperty;
                }
                while (!string.IsNullOrEmpty(continueToken));
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // No right to list ReplicaSets (or not served): owners stay at the ReplicaSet level.
            }

            return (ns, name) => map.TryGetValue((ns, name), out var owner) ? owner : null;
        }
    }
}
