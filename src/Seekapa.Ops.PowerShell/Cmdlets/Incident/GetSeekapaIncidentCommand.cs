using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Reads incidents from the store: the active one, by id, or a list (newest first).</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaIncident", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaIncident.md", DefaultParameterSetName = ListSet)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class GetSeekapaIncidentCommand : IncidentStoreCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";
    private const string ActiveSet = "Active";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ActiveSet)]
    public SwitchParameter Active { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public IncidentStatus[]? Status { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter All { get; set; }

    protected override void Process()
    {
        switch (ParameterSetName)
        {
            case ActiveSet:
                var (service, activeId) = Resolve(null);
                WriteObject(service.Store.Get(activeId));
                break;
            case IdSet:
                foreach (var id in Id)
                {
                    WriteById(id);
                }

                break;
            default:
                foreach (var incident in List())
                {
                    if (Status is { Length: > 0 } ? Status.Contains(incident.Status) : All || incident.Status != IncidentStatus.Resolved)
                    {
                        WriteObject(incident);
                    }
                }

                break;
        }
    }

    private void WriteById(string id)
    {
        if (WildcardPattern.ContainsWildcardCharacters(id))
        {
            var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
            foreach (var incident in List().Where(i => pattern.IsMatch(i.Id)))
            {
                WriteObject(incident);
            }

            return;
        }

        try
        {
            var (service, resolved) = Resolve(id);
            WriteObject(service.Store.Get(resolved));
        }
        catch (SeekapaException ex)
        {
            WriteFailure(ex);
        }
    }

    private IReadOnlyList<Seekapa.Ops.Incident> List() =>
        ResolveStore().List(ex => WriteError(ErrorRecords.From((SeekapaException)ex)));
}
