using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Security;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Prometheus;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>
/// The runbook's `curl http://prometheus:9090/api/v1/query`: instant or range PromQL queries, one object per sample, each
/// label of the series added as a property of its own (so Format-Table status, instance, Value works).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SeekapaPrometheusQuery", HelpUri = HelpLinks.Cmdlets + "Invoke-SeekapaPrometheusQuery.md", DefaultParameterSetName = InstantSet)]
[OutputType(typeof(PrometheusSample))]
public sealed class InvokeSeekapaPrometheusQueryCommand : SeekapaCmdlet
{
    private const string InstantSet = "Instant";
    private const string RangeSet = "Range";
    private const string SinceSet = "Since";

    // A label with the name of a model property (value, timestamp, ...) stays in Labels only: it must not hide the property.
    private static readonly HashSet<string> Reserved = new(
        typeof(PrometheusSample).GetProperties().Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Query { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true)]
    [Alias("Url")]
    public Uri Endpoint { get; set; } = null!;

    [Parameter(ParameterSetName = InstantSet)]
    public DateTimeOffset? Time { get; set; }

    [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
    public DateTimeOffset Start { get; set; }

    // 'new': the parameter -End shares its name with SeekapaCmdlet.End(), which this cmdlet does not use.
    [Parameter(ParameterSetName = RangeSet)]
    public new DateTimeOffset? End { get; set; }

    [Parameter(ParameterSetName = SinceSet, Mandatory = true)]
    [DurationTransformation]
    public TimeSpan Since { get; set; }

    [Parameter(ParameterSetName = RangeSet)]
    [Parameter(ParameterSetName = SinceSet)]
    [DurationTransformation]
    public TimeSpan? Step { get; set; }

    [Parameter]
    public SecureString? BearerToken { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lets the bearer token or basic credentials go over plain http to another machine (refused by default).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureTransport { get; set; }

    private PrometheusClientOptions _options = null!;
    private (DateTimeOffset Start, DateTimeOffset End, TimeSpan Step)? _range;

    protected override void Begin()
    {
        if (ParameterSetName != InstantSet)
        {
            var end = ParameterSetName == SinceSet ? DateTimeOffset.UtcNow : End ?? DateTimeOffset.UtcNow;
            var start = ParameterSetName == SinceSet ? end - Since : Start;
            var step = Step ?? PrometheusClient.DefaultStep(start, end);
            PrometheusClient.ValidateRange(start, end, step);
            _range = (start, end, step);
        }

        _options = new PrometheusClientOptions
        {
            Endpoint = Endpoint,
            BearerToken = BearerToken is null ? null : new NetworkCredential(string.Empty, BearerToken).Password,
            Username = Credential?.UserName,
            Password = Credential?.GetNetworkCredential().Password,
            Timeout = Timeout,
            AllowInsecureTransport = AllowInsecureTransport,
        };
        PrometheusClient.Validate(_options);
        WriteDebug("Prometheus authentication: " +
                   (BearerToken is not null ? "bearer token" : Credential is not null ? $"basic, user '{Credential.UserName}'" :
                       !string.IsNullOrEmpty(Endpoint.UserInfo) ? "basic, from the URI" : "none"));
    }

    protected override void Process()
    {
        foreach (var query in Query)
        {
            try
            {
                // One client per pipeline item: with the parameter -End hiding End(), there is no end step to dispose a shared one in.
                using var client = new PrometheusClient(_options);
                PrometheusQueryResult result;
                if (_range is { } r)
                {
                    WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                        $"Range query {r.Start:u} .. {r.End:u}, step {r.Step}, at {client.Endpoint}: {query}"));
                    result = Await(client.QueryRangeAsync(query, r.Start, r.End, r.Step, CancellationToken));
                }
                else
                {
                    WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                        $"Instant query{(Time is { } t ? $" at {t:u}" : string.Empty)} at {client.Endpoint}: {query}"));
                    result = Await(client.QueryAsync(query, Time, CancellationToken));
                }

                foreach (var warning in result.Warnings)
                {
                    WriteWarning($"Prometheus: {warning}");
                }

                WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Samples.Count} sample(s) in {result.Samples.Select(s => s.Series).Distinct().Count()} series ({result.ResultType})."));
                foreach (var sample in result.Samples)
                {
                    WriteObject(WithLabelProperties(sample));
                }
            }
            catch (SeekapaException ex) when (!IsSetupError(ex))
            {
                WriteFailure(ex);
            }
        }
    }

    private static PSObject WithLabelProperties(PrometheusSample sample)
    {
        var wrapped = new PSObject(sample);
        foreach (var (name, value) in sample.Labels)
        {
            if (!Reserved.Contains(name))
            {
                wrapped.Properties.Add(new PSNoteProperty(name, value));
            }
        }

        return wrapped;
    }

    // Each of these fails every query of the pipeline the same way.
    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) ||
        ex.ErrorId is "InvalidEndpoint" or "InvalidTimeout" or "InvalidParameterCombination" or "InvalidTimeRange" or "InvalidStep"
            or "InvalidHeaderValue" or "InsecureTransport" or "InvalidCredential"
            or "PrometheusUnreachable" or "PrometheusAuthenticationFailed" or "PrometheusApiNotFound";
}
