using System.Globalization;
using System.Text.Json.Nodes;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>kubectl rollout restart: a new restartedAt annotation on the pod template makes the controller replace every pod.</summary>
public static class RestartPlanner
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>
    /// kubectl writes time.Now().Format(time.RFC3339): local time to the second with its offset, "Z" when the offset is zero.
    /// </summary>
    public static string FormatTimestamp(DateTimeOffset now)
    {
        var seconds = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, now.Offset);
        var text = seconds.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (seconds.Offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        var offset = seconds.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        offset = offset.Duration();
        return $"{text}{sign}{offset.Hours:00}:{offset.Minutes:00}";
    }

    /// <summary>kubectl's refusal to restart a paused deployment (DeploymentPaused), also checked before changes that end in a restart.</summary>
    public static void EnsureRestartable(WorkloadState state)
    {
        if (state.Paused)
        {
            throw new SeekapaException("DeploymentPaused", FailureCategory.InvalidOperation,
                "can't restart paused deployment (run rollout resume first)", $"{state.Target.Namespace}/{state.Target.Name}",
                $"Resume the rollout first (kubectl rollout resume {state.Target}), then restart.");
        }
    }

    public static TemplatePlan Plan(WorkloadState state, DateTimeOffset now)
    {
        EnsureRestartable(state);
        var previous = state.Template.Metadata?.Annotations is { } annotations &&
                       annotations.TryGetValue(RestartedAtAnnotation, out var value) ? value : null;
        var timestamp = FormatTimestamp(now);
        var before = $"restartedAt {previous ?? "<none>"}";
        if (previous == timestamp)
        {
            return TemplatePlan.Unchanged(before);
        }

        var patch = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject { [RestartedAtAnnotation] = timestamp },
                },
            },
        };
        var after = $"restartedAt {timestamp}";
        return new TemplatePlan(patch, new[] { $"{before} -> {timestamp}" }, before, after);
    }
}
