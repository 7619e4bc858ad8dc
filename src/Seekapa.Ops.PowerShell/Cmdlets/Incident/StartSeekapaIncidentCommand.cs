using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Integrations;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>
/// Declares an incident: stores the record and makes it the session's active incident; optionally creates its Slack
/// channel with the runbook's topic and acknowledges its PagerDuty incident. Input is checked before anything is stored or
/// sent; a Slack or PagerDuty failure afterwards is a non-terminating error and the incident is kept.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SeekapaIncident", HelpUri = HelpLinks.Cmdlets + "Start-SeekapaIncident.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class StartSeekapaIncidentCommand : IncidentStoreCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [SeverityTransformation]
    public IncidentSeverity Severity { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = string.Empty;

    [Parameter]
    public string? Service { get; set; }

    [Parameter]
    public string? Impact { get; set; }

    [Parameter]
    public string? Lead { get; set; }

    [Parameter]
    public SwitchParameter SlackChannel { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SlackChannelName { get; set; }

    [Parameter]
    public SecureString? SlackToken { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri SlackApiUrl { get; set; } = SlackClient.DefaultApiUrl;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PagerDutyIncidentId { get; set; }

    [Parameter]
    public SecureString? PagerDutyToken { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PagerDutyFrom { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri PagerDutyApiUrl { get; set; } = PagerDutyClient.DefaultApiUrl;

    /// <summary>Lets the Slack token and the PagerDuty key go over plain http to another machine (refused by default).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    protected override void End()
    {
        // Everything a user can get wrong is checked here, before the record exists or a request is sent: the texts, the
        // channel name, the tokens, the From address and both API URLs (even when unused, a bad one is a mistake to report).
        var title = IncidentLimits.Title(Title);
        var impact = IncidentLimits.Text(Impact, "-Impact");
        var serviceName = IncidentLimits.Text(Service, "-Service");
        var lead = IncidentLimits.Text(Lead, "-Lead");
        HttpInputs.ApiBaseUrl(SlackApiUrl, "-SlackApiUrl", "Slack Web", "SlackApiUrlInvalid");
        HttpInputs.ApiBaseUrl(PagerDutyApiUrl, "-PagerDutyApiUrl", "PagerDuty REST", "PagerDutyApiUrlInvalid");
        if (PagerDutyFrom is not null)
        {
            HttpInputs.EmailAddress(PagerDutyFrom, "-PagerDutyFrom", "PagerDutyFromInvalid");
        }

        var wantsChannel = SlackChannel || SlackChannelName is not null;
        var channelName = SlackChannelName is null ? null : SlackIncidentChannel.Validate(SlackChannelName);
        var slackToken = wantsChannel
            ? Secret(SlackToken, IntegrationErrors.SlackTokenVariable) ?? throw IntegrationErrors.SlackTokenMissing()
            : null;
        var pagerDutyId = PagerDutyIncidentId is null ? null : PagerDutyClient.ValidateIncidentId(PagerDutyIncidentId);
        var pagerDutyToken = pagerDutyId is null
            ? null
            : Secret(PagerDutyToken, IntegrationErrors.PagerDutyTokenVariable) ?? throw IntegrationErrors.PagerDutyTokenMissing();
        // The clients check their token, From and URL (transport included) as they are built: before the record exists.
        using var slack = slackToken is null ? null : new SlackClient(slackToken, SlackApiUrl, allowInsecureTransport: AllowInsecureTransport);
        using var pagerDuty = pagerDutyToken is null ? null : NewPagerDutyClient(pagerDutyToken, PagerDutyFrom, PagerDutyApiUrl, AllowInsecureTransport);

        var store = ResolveStore();
        if (!ShouldProcess($"{Severity.Label()} '{title}' in {store.Location}", Describe(wantsChannel, channelName, pagerDutyId)))
        {
            return;
        }

        var service = new IncidentService(store, SeverityPolicyCatalog.Load());
        var incident = service.Start(new IncidentStart(Severity, title, serviceName, impact, lead ?? Actor, pagerDutyId), Actor);
        Session.ActiveIncident = new ActiveIncident(incident.Id, store);
        WriteVerbose($"Incident {incident.Id} stored in {store.PathOf(incident.Id)}; it is now the session's active incident.");

        if (slack is not null)
        {
            CreateChannel(service, incident, channelName ?? SlackIncidentChannel.DefaultName(incident.Id), slack);
        }

        if (pagerDutyId is not null && pagerDuty is not null)
        {
            SetPagerDutyStatus(service, incident.Id, pagerDutyId, pagerDuty, resolve: false);
        }

        WriteObject(service.Store.Get(incident.Id));
    }

    private void CreateChannel(IncidentService service, Seekapa.Ops.Incident incident, string name, SlackClient slack)
    {
        SlackChannelInfo channel;
        try
        {
            channel = Await(slack.CreateChannelAsync(name, CancellationToken));
        }
        catch (SeekapaException ex)
        {
            StepFailed(service, incident.Id, "#" + name, "Create Slack channel", ex);
            return;
        }

        if (channel.Name != name)
        {
            WriteVerbose($"Slack channel #{name} was taken; created #{channel.Name} instead.");
        }

        var display = "#" + channel.Name;
        RecordOn(service, incident.Id, display, "Create Slack channel", "Created", after: channel.Id, alsoChange: record =>
        {
            record.Channel = display;
            record.SlackChannelId = channel.Id;
        });
        SetChannelTopic(service, incident, display, channel.Id, slack);
    }

    private static string Describe(bool wantsChannel, string? channelName, string? pagerDutyId)
    {
        var steps = new List<string> { "Start incident" };
        if (wantsChannel)
        {
            steps.Add($"create the Slack channel {(channelName is null ? "named after the incident id" : "#" + channelName)} and set its topic");
        }

        if (pagerDutyId is not null)
        {
            steps.Add($"acknowledge PagerDuty incident {pagerDutyId}");
        }

        return string.Join(", ", steps);
    }
}
