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
/// Base of the incident cmdlets: the store, the actor, and -Incident resolution (an Incident object or an id; otherwise
/// the session's active incident, in the store it was started in).
/// </summary>
public abstract class IncidentCmdlet : SeekapaCmdlet
{
    internal static RunspaceState Session => RunspaceState.Current;

    protected static string Actor => Session.ActorName;

    /// <summary>The store the caller named (-Store on the cmdlets that have it); null means the default.</summary>
    protected virtual string? RequestedStore => null;

    /// <summary>
    /// The store of this command: -Store, else $env:SEEKAPA_INCIDENT_STORE, else the folder $env:SEEKAPA_INCIDENT_PATH or
    /// the user's data folder. kubernetes://&lt;namespace&gt;[?context=&lt;name&gt;] is ConfigMaps in that namespace, reached
    /// through the module's one connection resolution (the runspace default connection, else the kubeconfig).
    /// </summary>
    protected IIncidentStore ResolveStore()
    {
        var location = RequestedStore is { } given ? IncidentStoreLocation.Parse(given) : IncidentStoreLocation.Default();
        if (!location.InCluster)
        {
            // A relative -Store is relative to the PowerShell location, as every path parameter is.
            var directory = RequestedStore is null ? location.Directory! : GetUnresolvedProviderPathFromPSPath(location.Directory!);
            return new IncidentStore(directory);
        }

        var session = ClusterCmdlet.ResolveSession(null, null, location.Context, allowInsecureTransport: false, WriteVerbose, WriteWarning);
        return new KubernetesIncidentStore(session, location.Namespace!);
    }

    /// <summary>The service for an incident given as an object or id, else the active one (NoActiveIncident without one).</summary>
    protected (IncidentService Service, string Id) Resolve(object? incident)
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
            return active is null ? throw IncidentErrors.NoActiveIncident() : (new IncidentService(active.Store), active.Id);
        }

        // The active incident lives where it was started, even if $env:SEEKAPA_INCIDENT_STORE changed since; -Store wins.
        return active is not null && active.Id == id && RequestedStore is null
            ? (new IncidentService(active.Store), id)
            : (new IncidentService(ResolveStore()), id);
    }

    /// <summary>A token from its SecureString parameter, else from the environment variable; null when neither has one.</summary>
    protected static string? Secret(SecureString? given, string variable)
    {
        var value = given is null ? Environment.GetEnvironmentVariable(variable) : new NetworkCredential(string.Empty, given).Password;
        // A token from the environment is as secret as one from a parameter: the runspace masks it from now on.
        RunspaceState.Current.Secrets.Add(value);
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
        ex.ErrorId is "NoActiveIncident" or "IncidentStoreInvalid" or "IncidentStoreNamespaceNotFound" or "SeverityPolicyInvalid" or "SeverityPolicyNotFound" or "SlackTokenMissing"
            or "PagerDutyTokenMissing" or "SlackChannelNameInvalid" or "PagerDutyIncidentIdInvalid" or "SlackApiUrlInvalid"
            or "PagerDutyApiUrlInvalid" or "PagerDutyFromInvalid" or "InvalidHeaderValue" or "InsecureTransport" or "TitleTooLong"
            or "InvalidTitle" or "TextTooLong"
        || base.IsSetupError(ex);
}

/// <summary>An incident cmdlet that reads or writes the store: it takes -Store.</summary>
public abstract class IncidentStoreCmdlet : IncidentCmdlet
{
    /// <summary>
    /// Where incidents are kept for this command: a folder, or kubernetes://&lt;namespace&gt;[?context=&lt;name&gt;]. Default
    /// $env:SEEKAPA_INCIDENT_STORE, else $env:SEEKAPA_INCIDENT_PATH, else the user's data folder.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    protected override string? RequestedStore => Store;
}
