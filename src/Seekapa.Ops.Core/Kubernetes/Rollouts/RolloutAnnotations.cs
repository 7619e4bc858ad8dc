using System.Globalization;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>The annotation and label keys the deployment controller and kubectl use for revisions.</summary>
public static class RolloutAnnotations
{
    public const string Revision = "deployment.kubernetes.io/revision";
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";
    public const string DeprecatedRollbackTo = "deprecated.deployment.rollback.to";
    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";
    public const string ChangeCause = "kubernetes.io/change-cause";
    public const string PodTemplateHash = "pod-template-hash";

    /// <summary>
    /// kubectl's annotationsToSkip: on rollback these keep the Deployment's own values and are never copied from the
    /// ReplicaSet; every other Deployment annotation is replaced by the ReplicaSet's.
    /// </summary>
    public static readonly IReadOnlySet<string> SkipOnRollback = new HashSet<string>(StringComparer.Ordinal)
    {
        LastAppliedConfiguration, Revision, RevisionHistory, DesiredReplicas, MaxReplicas, DeprecatedRollbackTo,
    };

    /// <summary>
    /// deploymentutil.Revision: a missing annotation is revision 0; an unparsable one is an error (null here), and kubectl
    /// skips such objects.
    /// </summary>
    public static int? RevisionOf(V1ObjectMeta? metadata)
    {
        if (metadata?.Annotations is null || !metadata.Annotations.TryGetValue(Revision, out var text))
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>The earlier revision numbers a re-used ReplicaSet had (comma list, oldest first).</summary>
    public static IReadOnlyList<int> HistoryOf(V1ObjectMeta? metadata)
    {
        if (metadata?.Annotations is null || !metadata.Annotations.TryGetValue(RevisionHistory, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return Array.Empty<int>();
        }

        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null)
            .Where(v => v is not null)
            .Select(v => v!.Value)
            .ToArray();
    }

    /// <summary>True when <paramref name="metadata"/> has an owner reference with controller=true and the given uid.</summary>
    public static bool IsControlledBy(V1ObjectMeta? metadata, string? ownerUid) =>
        !string.IsNullOrEmpty(ownerUid) &&
        metadata?.OwnerReferences?.Any(o => o.Controller == true && string.Equals(o.Uid, ownerUid, StringComparison.Ordinal)) == true;
}
