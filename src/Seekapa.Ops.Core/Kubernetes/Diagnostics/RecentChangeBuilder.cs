using k8s.Models;
using Seekapa.Ops.Core.Kubernetes.Rollouts;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// The rollouts of one workload inside a window, from the objects that hold its revisions (no API calls).
/// </summary>
/// <remarks>
/// When did a revision become current? A new ReplicaSet is created by the rollout, so its creationTimestamp is the time.
/// A rollback does not create one: the controller re-uses the old ReplicaSet and bumps its revision annotation (the
/// old numbers go to revision-history), and Kubernetes records no time for that. For the revision the Deployment runs
/// now we use the Progressing condition's lastUpdateTime (updated as that rollout progresses: at or shortly after the
/// rollback, never before it). A re-used ReplicaSet that has since been superseded keeps its creation time, which is
/// usually outside the window. StatefulSets: the ControllerRevision's creationTimestamp.
/// </remarks>
public static class RecentChangeBuilder
{
    public const string ReplicaSetCreated = "ReplicaSetCreated";
    public const string ProgressingCondition = "ProgressingCondition";
    public const string ControllerRevisionCreated = "ControllerRevisionCreated";

    private sealed record Revision(int Number, DateTimeOffset? Created, IReadOnlyList<string> Images, string? ChangeCause, string ObjectName,
        bool Reused);

    public static IReadOnlyList<RecentChange> FromDeployment(V1Deployment deployment, IEnumerable<V1ReplicaSet> replicaSets,
        DateTimeOffset cutoff, DateTimeOffset now)
    {
        var byNumber = new SortedDictionary<int, (Revision Revision, V1ReplicaSet Rs)>();
        foreach (var rs in replicaSets)
        {
            // Like kubectl rollout history: an unparsable or missing (0) revision is not a rollout of this Deployment.
            if (RolloutAnnotations.RevisionOf(rs.Metadata) is not ({ } number and > 0))
            {
                continue;
            }

            var template = rs.Spec?.Template;
            byNumber[number] = (new Revision(number, Utc(rs.Metadata.CreationTimestamp), TemplateSummary.Images(template),
                RolloutHistoryBuilder.ChangeCause(rs.Metadata, template), rs.Metadata.Name,
                RolloutAnnotations.HistoryOf(rs.Metadata).Count > 0), rs);
        }

        if (byNumber.Count == 0)
        {
            return Array.Empty<RecentChange>();
        }

        // The controller gives the ReplicaSet of the current template the highest revision, and the Deployment the same number.
        var currentNumber = RolloutAnnotations.RevisionOf(deployment.Metadata) is { } annotated and > 0 && byNumber.ContainsKey(annotated)
            ? annotated
            : byNumber.Keys.Max();
        var (state, message) = RolloutStatusEvaluator.StateOf(deployment);
        var progressing = deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");

        var rows = new List<RecentChange>();
        Revision? previous = null;
        foreach (var (number, (revision, _)) in byNumber)
        {
            var isCurrent = number == currentNumber;
            var time = revision.Created;
            var source = ReplicaSetCreated;
            // A re-used ReplicaSet is older than a revision with a lower number, or carries revision-history.
            var reused = revision.Reused || (previous?.Created is { } prevCreated && revision.Created is { } created && created < prevCreated);
            if (isCurrent && reused && Utc(progressing?.LastUpdateTime) is { } updated && (time is null || updated > time))
            {
                time = updated;
                source = ProgressingCondition;
            }

            if (time is { } t && t >= cutoff)
            {
                rows.Add(new RecentChange
                {
                    Kind = WorkloadKind.Deployment,
                    Namespace = deployment.Metadata.NamespaceProperty ?? string.Empty,
                    Name = deployment.Metadata.Name ?? string.Empty,
                    Revision = number,
                    Time = t,
                    TimeSource = source,
                    Age = HumanDuration.Format(now - t),
                    ChangeCause = revision.ChangeCause,
                    ImagesBefore = previous?.Images ?? Array.Empty<string>(),
                    ImagesAfter = revision.Images,
                    PreviousRevision = previous?.Number,
                    IsCurrent = isCurrent,
                    RolloutState = isCurrent ? state : null,
                    RolloutMessage = isCurrent ? message : null,
                    ReplicaSet = revision.ObjectName,
                });
            }

            previous = revision;
        }

        return rows;
    }

    public static IReadOnlyList<RecentChange> FromStatefulSet(V1StatefulSet set, IEnumerable<V1ControllerRevision> revisions,
        DateTimeOffset cutoff, DateTimeOffset now)
    {
        var list = revisions.Where(r => r.Revision is > 0).ToList();
        if (list.Count == 0)
        {
            return Array.Empty<RecentChange>();
        }

        var updateRevision = set.Status?.UpdateRevision;
        if (string.IsNullOrEmpty(updateRevision) || list.All(r => r.Metadata.Name != updateRevision))
        {
            updateRevision = list.OrderBy(r => r.Revision).Last().Metadata.Name;
        }

        var evaluation = RolloutStatusEvaluator.Evaluate(set);
        var rows = new List<RecentChange>();
        IReadOnlyList<string>? previousImages = null;
        int? previousNumber = null;
        foreach (var cr in list.OrderBy(r => r.Revision))
        {
            var number = (int)cr.Revision!.Value;
            var template = RolloutHistoryBuilder.TemplateOf(cr);
            var images = TemplateSummary.Images(template);
            var isCurrent = cr.Metadata.Name == updateRevision;
            if (Utc(cr.Metadata.CreationTimestamp) is { } t && t >= cutoff)
            {
                rows.Add(new RecentChange
                {
                    Kind = WorkloadKind.StatefulSet,
                    Namespace = set.Metadata.NamespaceProperty ?? string.Empty,
                    Name = set.Metadata.Name ?? string.Empty,
                    Revision = number,
                    Time = t,
                    TimeSource = ControllerRevisionCreated,
                    Age = HumanDuration.Format(now - t),
                    ChangeCause = RolloutHistoryBuilder.ChangeCause(cr.Metadata, template),
                    ImagesBefore = previousImages ?? Array.Empty<string>(),
                    ImagesAfter = images,
                    PreviousRevision = previousNumber,
                    IsCurrent = isCurrent,
                    RolloutState = isCurrent ? evaluation.State : null,
                    RolloutMessage = !isCurrent ? null : string.IsNullOrEmpty(evaluation.Message) ? evaluation.Error?.Message : evaluation.Message,
                    ControllerRevision = cr.Metadata.Name,
                });
            }

            previousImages = images;
            previousNumber = number;
        }

        return rows;
    }

    /// <summary>Newest first; ties by namespace, name, then the higher revision first.</summary>
    public static IComparer<RecentChange> NewestFirst { get; } = Comparer<RecentChange>.Create((a, b) =>
    {
        var byTime = b.Time.CompareTo(a.Time);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNs = string.CompareOrdinal(a.Namespace, b.Namespace);
        if (byNs != 0)
        {
            return byNs;
        }

        var byName = string.CompareOrdinal(a.Name, b.Name);
        return byName != 0 ? byName : b.Revision.CompareTo(a.Revision);
    });

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t != default ? new DateTimeOffset(DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)) : null;
}
