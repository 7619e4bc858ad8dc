using k8s;
using System.Runtime.CompilerServices;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>What Get-SeekapaDeployment asks for.</summary>
public sealed record DeploymentQuery(string? Namespace, bool AllNamespaces, LabelSelector? Selector, NameFilter Names, int PageSize = 500);

/// <summary>Lists Deployments page by page (limit/continue) and yields them as each page arrives.</summary>
public sealed class DeploymentReader(ClusterSession session, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>Explicit names (no wildcards) that matched nothing; filled when the enumeration completes.</summary>
    public List<string> MissingNames { get; } = new();

    public async IAsyncEnumerable<Deployment> ReadAsync(DeploymentQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var ns = query.AllNamespaces ? null : query.Namespace ?? session.DefaultNamespace;
        if (ns is not null)
        {
            ResourceNames.ValidateNamespace(ns);
        }

        foreach (var name in query.Names.ExplicitNames)
        {
            ResourceNames.ValidateName(name, "Deployment");
        }

        var fieldSelector = query.Names.SingleExplicitName is { } single ? $"metadata.name={single}" : null;
        var found = new HashSet<string>(StringComparer.Ordinal);
        string? continueToken = null;
        do
        {
            var page = await KubernetesErrors.Guard(session, "list", "deployments", ns, null, () => ns is null
                ? session.Client.AppsV1.ListDeploymentForAllNamespacesAsync(continueParameter: continueToken, fieldSelector: fieldSelector,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: ct)
                : session.Client.AppsV1.ListNamespacedDeploymentAsync(ns, continueParameter: continueToken, fieldSelector: fieldSelector,
                    labelSelector: query.Selector?.Text, limit: query.PageSize, cancellationToken: ct)).ConfigureAwait(false);
            var now = _clock();
            foreach (var item in page.Items)
            {
                var name = item.Metadata?.Name ?? string.Empty;
                if (!query.Names.Matches(name))
                {
                    continue;
                }

                found.Add(name);
                yield return DeploymentBuilder.Build(item, now);
            }

            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        MissingNames.AddRange(query.Names.ExplicitNames.Where(n => !found.Contains(n)).OrderBy(n => n, StringComparer.Ordinal));
    }

    /// <summary>The error for an explicit name that matched nothing.</summary>
    public static SeekapaException NotFound(string name, string scope, LabelSelector? selector) =>
        new("DeploymentNotFound", FailureCategory.ObjectNotFound,
            $"Deployment '{name}' was not found in {scope}{(selector is null ? string.Empty : $" with selector '{selector}'")}.", name,
            "List the deployments with Get-SeekapaDeployment, or use a wildcard such as -Name 'backend-*'.");
}
