using System.Text.Json.Nodes;
using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>
/// Edits a workload's pod template under optimistic concurrency: read, plan, one strategic merge patch carrying the
/// resourceVersion that was read; a 409 (someone changed the object meanwhile) re-reads and re-plans. Nothing is sent
/// when the plan finds the template already as requested.
/// </summary>
public sealed class WorkloadEditor(WorkloadClient client, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public Task<WorkloadChange> RestartAsync(WorkloadRef target, CancellationToken ct) =>
        EditTemplateAsync(target, WorkloadAction.Restart, state => RestartPlanner.Plan(state, _clock.GetLocalNow()), ct);

    public Task<WorkloadChange> SetResourcesAsync(WorkloadRef target, ContainerSelection containers, ResourceEdit edit, CancellationToken ct) =>
        EditTemplateAsync(target, WorkloadAction.SetResources, state => ResourcePlanner.Plan(state, containers, edit), ct);

    public Task<WorkloadChange> SetEnvAsync(WorkloadRef target, ContainerSelection containers, EnvEdit edit, CancellationToken ct) =>
        EditTemplateAsync(target, WorkloadAction.SetEnv, state => EnvPlanner.Plan(state, containers, edit), ct);

    public Task<WorkloadChange> EditTemplateAsync(WorkloadRef target, WorkloadAction action, Func<WorkloadState, TemplatePlan> plan,
        CancellationToken ct) =>
        WorkloadClient.WithConflictRetryAsync(async _ =>
        {
            var state = await WorkloadState.ReadAsync(client, target, ct).ConfigureAwait(false);
            var planned = plan(state);
            if (planned.SpecPatch is null)
            {
                return Result(target, action, ChangeOutcome.Unchanged, planned, state.Metadata);
            }

            var document = TemplatePlan.WithPrecondition(state.ResourceVersion, planned.SpecPatch);
            var patched = await client.PatchAsync(target, StrategicMerge(document), dryRun: false, ct).ConfigureAwait(false);
            return Result(target, action, ChangeOutcome.Changed, planned, patched.Metadata);
        }, ct);

    public static V1Patch StrategicMerge(JsonObject document) =>
        new(document.ToJsonString(), V1Patch.PatchType.StrategicMergePatch);

    private WorkloadChange Result(WorkloadRef target, WorkloadAction action, ChangeOutcome outcome, TemplatePlan plan, V1ObjectMeta? meta) =>
        new()
        {
            Kind = target.Kind,
            Namespace = target.Namespace,
            Name = target.Name,
            Action = action,
            Outcome = outcome,
            Before = plan.Before,
            After = plan.After,
            Changes = plan.Changes,
            ResourceVersion = meta?.ResourceVersion,
            Generation = meta?.Generation,
            Time = _clock.GetUtcNow(),
        };
}
