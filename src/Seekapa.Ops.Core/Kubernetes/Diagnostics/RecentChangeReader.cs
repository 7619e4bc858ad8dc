using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>What Get-SeekapaRecentChange asks for.</summary>
public sealed record RecentChangeQuery(string? Namespace, bool AllNamespaces, TimeSpan Since, NameFilter Names, int PageSize = 500)
{
    /// <summary>The default window: the last two hours.</summary>
    public static readonly TimeSpan DefaultSince = TimeSpan.FromHours(2);
}

/// <summary>
/// The rollouts of every Deployment and StatefulSet of a scope inside a window, newest first. Four paged lists per scope
/// (deployments, replicasets, statefulsets, controllerrevisions), never one call per workload; ReplicaSets and
/// ControllerRevisions are matched to their workload by the controller ownerReference's uid.
/// </summary>
public sealed class RecentChangeReader(ClusterSession session, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>Explicit names (no wildcards) that matched no Deployment or StatefulSet; filled by ReadAsync.</summary>
    public List<string> MissingNames { get; } = new();

    public async Task<IReadOnlyList<RecentChange>> ReadAsync(RecentChangeQuery query, CancellationToken ct)
    {
        if (query.Since < TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidDuration", FailureCategory.InvalidArgument,
                $"-Since must not be negative (got {GoDuration.Format(query.Since)}).", query.Since);
        }

        var ns = query.AllNamespaces ? null : query.Namespace ?? session.DefaultNamespace;
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        foreach (var name in query.Names.ExplicitNames)
        {
            ResourceNames.ValidateName(name, "workload");
        }

        // The four lists are independent: run them together, one round trip of latency instead of four.
        var apps = session.Client.AppsV1;
        var deploymentsTask = ListAsync("deployments", ns, query.PageSize, async (c, l) => ns is null
            ? Page(await apps.ListDeploymentForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false))
            : Page(await apps.ListNamespacedDeploymentAsync(ns, continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false)));
        var replicaSetsTask = ListAsync("replicasets", ns, query.PageSize, async (c, l) => ns is null
            ? Page(await apps.ListReplicaSetForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false))
            : Page(await apps.ListNamespacedReplicaSetAsync(ns, continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false)));
        var setsTask = ListAsync("statefulsets", ns, query.PageSize, async (c, l) => ns is null
            ? Page(await apps.ListStatefulSetForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false))
            : Page(await apps.ListNamespacedStatefulSetAsync(ns, continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false)));
        var revisionsTask = ListAsync("controllerrevisions", ns, query.PageSize, async (c, l) => ns is null
            ? Page(await apps.ListControllerRevisionForAllNamespacesAsync(continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false))
            : Page(await apps.ListNamespacedControllerRevisionAsync(ns, continueParameter: c, limit: l, cancellationToken: ct).ConfigureAwait(false)));

        var deployments = await deploymentsTask.ConfigureAwait(false);
        var replicaSets = await replicaSetsTask.ConfigureAwait(false);
        var sets = await setsTask.ConfigureAwait(false);
        var revisions = await revisionsTask.ConfigureAwait(false);

        var now = _clock();
        var changes = Build(deployments, replicaSets, sets, revisions, query.Names, now - query.Since, now, out var found);
        MissingNames.AddRange(query.Names.ExplicitNames.Where(n => !found.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
        return changes;
    }

    /// <summary>The changes from objects already listed (what ReadAsync does once the lists are in); sorted newest first.</summary>
    public static IReadOnlyList<RecentChange> Build(IEnumerable<V1Deployment> deployments, IEnumerable<V1ReplicaSet> replicaSets,
        IEnumerable<V1StatefulSet> sets, IEnumerable<V1ControllerRevision> revisions, NameFilter names, DateTimeOffset cutoff,
        DateTimeOffset now, out HashSet<string> found)
    {
        found = new HashSet<string>(StringComparer.Ordinal);
        var rsByOwner = ByControllerUid(replicaSets, rs => rs.Metadata);
        var crByOwner = ByControllerUid(revisions, cr => cr.Metadata);
        var changes = new List<RecentChange>();
        foreach (var d in deployments)
        {
            if (!names.Matches(d.Metadata?.Name ?? string.Empty))
            {
                continue;
            }

            found.Add(d.Metadata!.Name);
            var owned = d.Metadata.Uid is { } uid && rsByOwner.TryGetValue(uid, out var list) ? list : new List<V1ReplicaSet>();
            changes.AddRange(RecentChangeBuilder.FromDeployment(d, owned, cutoff, now));
        }

        foreach (var s in sets)
        {
            if (!names.Matches(s.Metadata?.Name ?? string.Empty))
            {
                continue;
            }

            found.Add(s.Metadata!.Name);
            var owned = s.Metadata.Uid is { } uid && crByOwner.TryGetValue(uid, out var list) ? list : new List<V1ControllerRevision>();
            changes.AddRange(RecentChangeBuilder.FromStatefulSet(s, owned, cutoff, now));
        }

        changes.Sort(RecentChangeBuilder.NewestFirst);
        return changes;
    }

    /// <summary>The error for an explicit -Name that is neither a Deployment nor a StatefulSet.</summary>
    public static SeekapaException NotFound(string name, string scope) =>
        new("WorkloadNotFound", FailureCategory.ObjectNotFound,
            $"No Deployment or StatefulSet named '{name}' was found in {scope}.", name,
            "List the workloads with Get-SeekapaDeployment, or use a wildcard such as -Name 'backend-*'.");

    private static Dictionary<string, List<T>> ByControllerUid<T>(IEnumerable<T> items, Func<T, V1ObjectMeta?> meta)
    {
        var map = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var controller = meta(item)?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (controller?.Uid is { Length: > 0 } uid)
            {
                if (!map.TryGetValue(uid, out var list))
                {
                    map[uid] = list = new List<T>();
                }

                list.Add(item);
            }
        }

        return map;
    }

    private static (IList<V1Deployment>, V1ListMeta?) Page(V1DeploymentList list) => (list.Items, list.Metadata);

    private static (IList<V1ReplicaSet>, V1ListMeta?) Page(V1ReplicaSetList list) => (list.Items, list.Metadata);

    private static (IList<V1StatefulSet>, V1ListMeta?) Page(V1StatefulSetList list) => (list.Items, list.Metadata);

    private static (IList<V1ControllerRevision>, V1ListMeta?) Page(V1ControllerRevisionList list) => (list.Items, list.Metadata);

    private async Task<List<T>> ListAsync<T>(string resource, string? ns, int pageSize,
        Func<string?, int, Task<(IList<T> Items, V1ListMeta? Meta)>> list)
    {
        var all = new List<T>();
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", resource, ns, null, () => list(continueToken, pageSize)).ConfigureAwait(false);
            all.AddRange(page.Items);
            continueToken = page.Meta?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return all;
    }
}
