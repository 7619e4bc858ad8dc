using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Integrations;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>
/// Resolves an incident: root cause, resolution, follow-ups; clears it as the session's active incident. Then resolves its
/// PagerDuty incident and sets its Slack channel topic to Resolved; those failing leave the record resolved (non-terminating).
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SeekapaIncident", HelpUri = HelpLinks.Cmdlets + "Stop-SeekapaIncident.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class StopSeekapaIncidentCommand : IncidentStoreCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    [Alias("Id")]
    public object? Incident { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string RootCause { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Resolution { get; set; } = string.Empty;

    [Parameter]
    public string[]? FollowUp { get; set; }

    [Parameter]
    public SecureString? PagerDutyToken { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PagerDutyFrom { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri PagerDutyApiUrl { get; set; } = PagerDutyClient.DefaultApiUrl;

    [Parameter]
    public SecureString? SlackToken { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri SlackApiUrl { get; set; } = SlackClient.DefaultApiUrl;

    /// <summary>Lets the Slack token and the PagerDuty key go over plain http to another machine (refused by default).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    protected override void Begin()
    {
        // Checked before any incident is resolved: a bad URL, From or token would otherwise fail after the record changed.
        IncidentLimits.Text(RootCause, "-RootCause");
        IncidentLimits.Text(Resolution, "-Resolution");
        IncidentLimits.Texts(FollowUp, "-FollowUp");
        CheckPagerDuty(PagerDutyToken, PagerDutyFrom, PagerDutyApiUrl, AllowInsecureTransport);
        CheckSlack(SlackToken, SlackApiUrl, AllowInsecureTransport);
    }

    protected override void Process()
    {
        var (service, id) = Resolve(Incident);
        if (!ShouldProcess(id, "Resolve incident"))
        {
            return;
        }

        var resolved = service.Resolve(id, RootCause, Resolution, FollowUp, Actor);
        if (Session.ActiveIncident?.Id == resolved.Id)
        {
            Session.ActiveIncident = null;
        }

        if (resolved.PagerDutyIncidentId is { } pagerDutyId)
        {
            ResolvePagerDuty(service, resolved.Id, pagerDutyId);
        }

        SetChannelTopic(service, resolved.Id, SlackToken, SlackApiUrl, AllowInsecureTransport);
        WriteObject(service.Store.Get(resolved.Id));
    }

    private void ResolvePagerDuty(IncidentService service, string id, string pagerDutyId)
    {
        if (Secret(PagerDutyToken, IntegrationErrors.PagerDutyTokenVariable) is not { } token)
        {
            StepFailed(service, id, pagerDutyId, "Resolve PagerDuty incident",
                IntegrationErrors.PagerDutyTokenMissing($"Incident {id} was resolved, but PagerDuty incident {pagerDutyId} was not. "));
            return;
        }

        using var client = NewPagerDutyClient(token, PagerDutyFrom, PagerDutyApiUrl, AllowInsecureTransport);
        SetPagerDutyStatus(service, id, pagerDutyId, client, resolve: true);
    }
}
