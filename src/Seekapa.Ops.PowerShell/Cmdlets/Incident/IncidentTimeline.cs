using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>The session's active incident: its id and the store it was started in (a folder or a cluster namespace).</summary>
internal sealed record ActiveIncident(string Id, IIncidentStore Store);

/// <summary>The automatic timeline: every ChangeRecord of the runspace goes to its active incident, if any.</summary>
internal static class IncidentTimeline
{
    public static void Append(RunspaceState state, ChangeRecord change)
    {
        if (state.ActiveIncident is { } active)
        {
            new IncidentService(active.Store).AppendChange(active.Id, change, state.ActorName);
        }
    }
}
