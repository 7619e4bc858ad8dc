using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>
/// Base of the incident cmdlets: the store ($env:SEEKAPA_INCIDENT_PATH or the user's data folder), the actor, and
/// -Incident resolution (an Incident object or an id; otherwise the session's active incident).
/// </summary>
public abstract class IncidentCmdlet : SeekapaCmdlet
{
    internal static RunspaceState Session => RunspaceState.Current;

    protected static string Actor => Session.ActorName;

    protected static IncidentStore DefaultStore() => new(IncidentStore.DefaultDirectory());

    /// <summary>The service for an incident given as an object or id, else the active one (NoActiveIncident without one).</summary>
    protected static (IncidentService Service, string Id) Resolve(object? incident)
    {
        var value = incident is PSObject wrapped ? wrapped.BaseObject : incident;
        var id = value switch
        {
            null => null,
            Seekapa.Ops.Incident record => record.Id,
            string text when !string.IsNullOrWhiteSpace(text) => text.Trim().ToLowerInvariant(),
            _ => throw new SeekapaException("InvalidIncidentId", FailureCategory.InvalidArgument,
                $"-Incident takes an incident object or an incident id, not a {value.GetType().Name}.", value),
        };

        var active = Session.ActiveIncident;
        if (id is null)
        {
            return active is null ? throw IncidentErrors.NoActiveIncident() : (ServiceAt(active.StoreDirectory), active.Id);
        }

        // The active incident lives where it was started, even if $env:SEEKAPA_INCIDENT_PATH changed since.
        return active is not null && active.Id == id ? (ServiceAt(active.StoreDirectory), id) : (new IncidentService(DefaultStore()), id);
    }

    protected static IncidentService ServiceAt(string directory) => new(new IncidentStore(directory));

    protected override bool IsSetupError(SeekapaException ex) =>
        ex.ErrorId is "NoActiveIncident" or "SeverityPolicyInvalid" or "SeverityPolicyNotFound" || base.IsSetupError(ex);
}
