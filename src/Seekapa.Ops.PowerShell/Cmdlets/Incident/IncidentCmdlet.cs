using System.Management.Automation;
using System.Net;
using System.Security;
using Seekapa.Ops.Core.Changes;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Http;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Integrations;
using Seekapa.Ops.Core.Security;
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

    /// <summary>A token from its SecureString parameter, else from the environment variable; null when neither has one.</summary>
    protected static string? Secret(SecureString? given, string variable)
    {
        var value = given is null ? Environment.GetEnvironmentVariable(variable) : new NetworkCredential(string.Empty, given).Password;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>
    /// A PagerDuty client; From is -PagerDutyFrom, else $env:PAGERDUTY_FROM, checked (with the key and the URL) as it is
    /// built, so call it before changing anything.
    /// </summary>
    protected static PagerDutyClient NewPagerDutyClient(string token, string? from, Uri apiUrl, bool allowInsecureTransport) =>
        from is not null
            ? new PagerDutyClient(token, from, apiUrl, allowInsecureTransport: allowInsecureTransport)
            : new PagerDutyClient(token, Environment.GetEnvironmentVariable(IntegrationErrors.PagerDutyFromVariable), apiUrl,
                allowInsecureTransport: allowInsecureTransport, fromName: "$env:" + IntegrationErrors.PagerDutyFromVariable);

    /// <summary>
    /// Checks the Slack parameters of a later step before anything changes: the URL always; the token (given, else from
    /// the environment), and the transport it would use, when there is one. Sends nothing.
    /// </summary>
    protected static void CheckSlack(SecureString? token, Uri apiUrl, bool allowInsecureTransport)
    {
        HttpInputs.ApiBaseUrl(apiUrl, "-SlackApiUrl", "Slack Web", "SlackApiUrlInvalid");
        if (Secret(token, IntegrationErrors.SlackTokenVariable) is { } value)
        {
            SlackClient.Validate(value, apiUrl, allowInsecureTransport);
        }
    }

    /// <summary>The same for PagerDuty: URL, -PagerDutyFrom when given, and key, From and transport when there is a key.</summary>
    protected static void CheckPagerDuty(SecureString? token, string? from, Uri apiUrl, bool allowInsecureTransport)
    {
        HttpInputs.ApiBaseUrl(apiUrl, "-PagerDutyApiUrl", "PagerDuty REST", "PagerDutyApiUrlInvalid");
        if (from is not null)
        {
            HttpInputs.EmailAddress(from, "-PagerDutyFrom", "PagerDutyFromInvalid");
        }

        if (Secret(token, IntegrationErrors.PagerDutyTokenVariable) is { } value)
        {
            NewPagerDutyClient(value, from, apiUrl, allowInsecureTransport).Dispose();
        }
    }

    /// <summary>
    /// Records a Slack or PagerDuty step on the incident it was done for (not necessarily the session's active one, which
    /// RecordChange would use), mirrored to Verbose. A failure to append is a warning: the step itself was done.
    /// </summary>
    protected void RecordOn(IncidentService service, string id, string target, string action, string outcome, string? after = null,
        Action<Seekapa.Ops.Incident>? alsoChange = null)
    {
        var change = new ChangeRecord(DateTimeOffset.UtcNow, MyInvocation.MyCommand.Name, target, action, outcome, null, after);
        WriteVerbose(Redactor.Redact($"{action} {target}: {outcome}"));
        try
        {
            service.AppendChange(id, change, Actor, alsoChange);
        }
        catch (SeekapaException ex)
        {
            WriteWarning($"{action} {target} was done, but it could not be added to incident {id}: {Redactor.Redact(ex.Message)}");
        }
    }

    /// <summary>A Slack or PagerDuty step that failed: a non-terminating error, and a Failed entry in the timeline.</summary>
    protected void StepFailed(IncidentService service, string id, string target, string action, SeekapaException ex)
    {
        WriteFailure(ex);
        RecordOn(service, id, target, action, "Failed: " + ex.Message);
    }

    /// <summary>
    /// Sets the channel topic from the incident as stored now. Done after the record changed, so a failure is a
    /// non-terminating error that leaves the record as it is.
    /// </summary>
    protected void SetChannelTopic(IncidentService service, string id, SecureString? slackToken, Uri slackApiUrl, bool allowInsecureTransport)
    {
        var incident = service.Store.Get(id);
        if (incident.SlackChannelId is not { } channelId)
        {
            return;
        }

        var channel = incident.Channel ?? channelId;
        if (Secret(slackToken, IntegrationErrors.SlackTokenVariable) is not { } token)
        {
            StepFailed(service, id, channel, "Set Slack channel topic",
                IntegrationErrors.SlackTokenMissing($"Incident {id} was updated, but the topic of {channel} was not. "));
            return;
        }

        SlackClient client;
        try
        {
            client = new SlackClient(token, slackApiUrl, allowInsecureTransport: allowInsecureTransport);
        }
        catch (SeekapaException ex)
        {
            // Callers check with CheckSlack first; this only guards a token that changed in between.
            StepFailed(service, id, channel, "Set Slack channel topic", ex);
            return;
        }

        using (client)
        {
            SetChannelTopic(service, incident, channel, channelId, client);
        }
    }

    protected void SetChannelTopic(IncidentService service, Seekapa.Ops.Incident incident, string channel, string channelId, SlackClient client)
    {
        var topic = SlackIncidentChannel.Topic(incident);
        try
        {
            Await(client.SetTopicAsync(channelId, topic, CancellationToken));
        }
        catch (SeekapaException ex)
        {
            StepFailed(service, incident.Id, channel, "Set Slack channel topic", ex);
            return;
        }

        RecordOn(service, incident.Id, channel, "Set Slack channel topic", "Set", after: topic);
    }

    /// <summary>Acknowledges or resolves the incident's PagerDuty incident; a failure is a non-terminating error.</summary>
    protected void SetPagerDutyStatus(IncidentService service, string id, string pagerDutyId, PagerDutyClient client, bool resolve)
    {
        var action = resolve ? "Resolve PagerDuty incident" : "Acknowledge PagerDuty incident";
        PagerDutyIncidentState state;
        try
        {
            state = Await(resolve ? client.ResolveAsync(pagerDutyId, CancellationToken) : client.AcknowledgeAsync(pagerDutyId, CancellationToken));
        }
        catch (SeekapaException ex)
        {
            StepFailed(service, id, pagerDutyId, action, ex);
            return;
        }

        if (state.Attempts > 1)
        {
            WriteVerbose($"PagerDuty rate-limited the request; it went through on attempt {state.Attempts}.");
        }

        RecordOn(service, id, pagerDutyId, action, resolve ? "Resolved" : "Acknowledged", after: state.HtmlUrl);
    }

    protected override bool IsSetupError(SeekapaException ex) =>
        ex.ErrorId is "NoActiveIncident" or "SeverityPolicyInvalid" or "SeverityPolicyNotFound" or "SlackTokenMissing"
            or "PagerDutyTokenMissing" or "SlackChannelNameInvalid" or "PagerDutyIncidentIdInvalid" or "SlackApiUrlInvalid"
            or "PagerDutyApiUrlInvalid" or "PagerDutyFromInvalid" or "InvalidHeaderValue" or "InsecureTransport" or "TitleTooLong"
            or "InvalidTitle" or "TextTooLong"
        || base.IsSetupError(ex);
}
