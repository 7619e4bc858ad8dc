using System.Globalization;
using k8s.Models;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>
/// kubectl scale through the /scale subresource. Without a precondition: a merge patch {"spec":{"replicas":N}}.
/// With -CurrentReplicas: GET the Scale, check it, PUT it back with its resourceVersion, so the check still holds when
/// the write lands; a 409 re-reads and re-checks.
/// </summary>
public sealed class WorkloadScaler(WorkloadClient client, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public static void ValidateReplicas(int replicas, string parameter = "-Replicas")
    {
        if (replicas < 0)
        {
            throw new SeekapaException("InvalidReplicas", FailureCategory.InvalidArgument,
                $"{parameter} must be greater than or equal to 0, got {replicas}.", replicas);
        }
    }

    /// <summary>kubectl's precondition check: "Expected replicas to be M, was K".</summary>
    public static void CheckPrecondition(WorkloadRef target, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new SeekapaException("ScalePreconditionFailed", FailureCategory.InvalidOperation,
                $"Expected replicas to be {expected}, was {actual}", $"{target.Namespace}/{target.Name}",
                "Someone else scaled it since you looked: check the current replica count and run the command again.");
        }
    }

    public Task<WorkloadChange> ScaleAsync(WorkloadRef target, int replicas, int? currentReplicas, CancellationToken ct)
    {
        ValidateReplicas(replicas);
        if (currentReplicas is { } expectedCurrent)
        {
            ValidateReplicas(expectedCurrent, "-CurrentReplicas");
        }

        return WorkloadClient.WithConflictRetryAsync(async _ =>
        {
            var scale = await client.GetScaleAsync(target, ct).ConfigureAwait(false);
            var actual = scale.Spec?.Replicas ?? 0;
            if (currentReplicas is { } expected)
            {
                CheckPrecondition(target, expected, actual);
            }

            if (actual == replicas)
            {
                return Result(target, ChangeOutcome.Unchanged, actual, actual, scale.Metadata);
            }

            V1Scale written;
            if (currentReplicas is null)
            {
                written = await client.PatchScaleAsync(target, replicas, ct).ConfigureAwait(false);
            }
            else
            {
                scale.Spec ??= new V1ScaleSpec();
                scale.Spec.Replicas = replicas;
                written = await client.ReplaceScaleAsync(target, scale, ct).ConfigureAwait(false);
            }

            return Result(target, ChangeOutcome.Changed, actual, written.Spec?.Replicas ?? replicas, written.Metadata);
        }, ct);
    }

    private WorkloadChange Result(WorkloadRef target, ChangeOutcome outcome, int before, int after, V1ObjectMeta? meta) =>
        new()
        {
            Kind = target.Kind,
            Namespace = target.Namespace,
            Name = target.Name,
            Action = WorkloadAction.Scale,
            Outcome = outcome,
            Before = "replicas " + before.ToString(CultureInfo.InvariantCulture),
            After = "replicas " + after.ToString(CultureInfo.InvariantCulture),
            Changes = outcome == ChangeOutcome.Changed
                ? new[] { string.Create(CultureInfo.InvariantCulture, $"replicas {before} -> {after}") }
                : Array.Empty<string>(),
            ResourceVersion = meta?.ResourceVersion,
            Time = _clock.GetUtcNow(),
        };
}
