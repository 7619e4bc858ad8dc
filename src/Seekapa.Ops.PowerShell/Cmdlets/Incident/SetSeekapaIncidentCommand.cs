using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Integrations;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>
/// Changes an incident's status, severity, lead, impact or next update; each change is a timeline entry. When the status or
/// lead changes and the incident has a Slack channel, the channel topic follows.
/// </summary>
[Cmdlet(VerbsCommon.Set, "SeekapaIncident", HelpUri = HelpLinks.Cmdlets + "Set-SeekapaIncident.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Seekapa.Ops.Incident))]
public sealed class SetSeekapaIncidentCommand : IncidentStoreCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("Id")]
    public object? Incident { get; set; }

    [Parameter]
    public IncidentStatus? Status { get; set; }

    [Parameter]
    [SeverityTransformation]
    public IncidentSeverity? Severity { get; set; }

    [Parameter]
    public string? Lead { get; set; }

    [Parameter]
    public string? Impact { get; set; }

    [Parameter]
    public DateTime? NextUpdate { get; set; }

    [Parameter]
    public SecureString? SlackToken { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri SlackApiUrl { get; set; } = SlackClient.DefaultApiUrl;

    /// <summary>Lets the Slack token go over plain http to another machine (refused by default).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    protected override void Begin()
    {
        // Checked before any incident changes: the topic update comes after the record changed.
        IncidentLimits.Text(Lead, "-Lead");
        IncidentLimits.Text(Impact, "-Impact");
        CheckSlack(SlackToken, SlackApiUrl, AllowInsecureTransport);
    }

    protected override void Process()
    {
        var (service, id) = Resolve(Incident);
        var changes = string.Join(", ", new[]
        {
            Status is { } s ? $"status {s}" : null,
            Severity is { } v ? $"severity {v.Label()}" : null,
            Lead is null ? null : $"lead {Lead}",
            Impact is null ? null : "impact",
            NextUpdate is { } n ? $"next update {n.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" : null,
        }.Where(c => c is not null));
        if (!ShouldProcess(id, changes.Length == 0 ? "Set incident (no change given)" : $"Set {changes}"))
        {
            return;
        }

        var next = NextUpdate is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : (DateTimeOffset?)null;
        var before = service.Store.Get(id);
        var updated = service.Update(id, new IncidentUpdate(Status, Severity, Lead, Impact, next), Actor);
        if (updated.SlackChannelId is not null && SlackIncidentChannel.Topic(updated) != SlackIncidentChannel.Topic(before))
        {
            SetChannelTopic(service, id, SlackToken, SlackApiUrl, AllowInsecureTransport);
            updated = service.Store.Get(id);
        }

        WriteObject(updated);
    }
}
