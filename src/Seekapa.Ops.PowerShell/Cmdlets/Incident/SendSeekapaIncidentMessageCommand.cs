using System.Management.Automation;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Seekapa.Ops.Core.Integrations;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.PowerShell.Cmdlets.Incident;

/// <summary>Posts an incident message (or free text) to Slack with chat.postMessage and records it in the incident timeline.</summary>
[Cmdlet(VerbsCommunications.Send, "SeekapaIncidentMessage", HelpUri = HelpLinks.Cmdlets + "Send-SeekapaIncidentMessage.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
    DefaultParameterSetName = MessageSet)]
[OutputType(typeof(SlackMessageResult))]
public sealed class SendSeekapaIncidentMessageCommand : IncidentCmdlet
{
    private const string MessageSet = "Message";
    private const string TextSet = "Text";

    private SlackClient? _client;

    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0, ParameterSetName = MessageSet)]
    public IncidentMessage? Message { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = TextSet)]
    [ValidateNotNullOrEmpty]
    public string Text { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Channel { get; set; }

    [Parameter]
    public SecureString? SlackToken { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri SlackApiUrl { get; set; } = SlackClient.DefaultApiUrl;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ThreadTs { get; set; }

    /// <summary>Lets the Slack token go over plain http to another machine (refused by default).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    protected override void Begin()
    {
        if (ParameterSetName == TextSet)
        {
            IncidentLimits.Text(Text, "-Text");
        }

        var token = Secret(SlackToken, IntegrationErrors.SlackTokenVariable) ?? throw IntegrationErrors.SlackTokenMissing();
        _client = new SlackClient(token, SlackApiUrl, allowInsecureTransport: AllowInsecureTransport);
    }

    protected override void Process()
    {
        var kind = Message?.Kind.ToString() ?? "Message";
        // Shown and recorded by name; posted to the channel id when the incident has one (it survives a rename).
        var (channel, postTo) = Channel is { } given ? (given, given)
            : Message is { } formatted ? (formatted.Channel, formatted.ChannelId ?? formatted.Channel)
            : ActiveChannel();
        var post = Message is { } message
            ? new SlackPost(postTo, message.Text, message.SlackBlocksJson, ThreadTs)
            : new SlackPost(postTo, Redactor.Redact(Text), null, ThreadTs);
        if (!ShouldProcess(channel, $"Post the {kind} message to Slack"))
        {
            return;
        }

        var answer = Await(_client!.PostMessageAsync(post, CancellationToken));
        if (answer.Attempts > 1)
        {
            WriteVerbose($"Slack rate-limited the message; sent on attempt {answer.Attempts}.");
        }

        RecordChange(channel, kind, "Sent", after: answer.Ts);
        WriteObject(new SlackMessageResult
        {
            Channel = channel,
            ChannelId = answer.ChannelId,
            Ts = answer.Ts,
            Ok = answer.Ok,
            Kind = kind,
            IncidentId = Message?.IncidentId,
            Attempts = answer.Attempts,
        });
    }

    protected override void End() => _client?.Dispose();

    /// <summary>For -Text without -Channel: the active incident's channel, its name and where to post.</summary>
    private static (string Name, string PostTo) ActiveChannel()
    {
        if (Session.ActiveIncident is { } active)
        {
            var incident = active.Store.Get(active.Id);
            var name = IncidentMessageFormatter.ChannelOf(incident);
            return (name, incident.SlackChannelId ?? name);
        }

        throw new SeekapaException("SlackChannelMissing", FailureCategory.InvalidArgument,
            "No channel: give -Channel, or start an incident so that its channel is used.", null);
    }

    protected override bool IsSetupError(SeekapaException ex) =>
        ex.ErrorId is "SlackChannelMissing" || base.IsSetupError(ex);
}
