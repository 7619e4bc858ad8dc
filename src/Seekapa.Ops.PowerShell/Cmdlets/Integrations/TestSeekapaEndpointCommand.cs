using System.Collections;
using System.Management.Automation;
using Seekapa.Ops.Core.Endpoints;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Integrations;

/// <summary>The runbook's /health checks: many URIs in parallel, each a result (never an exception for network trouble).</summary>
[Cmdlet(VerbsDiagnostic.Test, "SeekapaEndpoint", HelpUri = HelpLinks.Cmdlets + "Test-SeekapaEndpoint.md")]
[OutputType(typeof(EndpointCheck))]
public sealed class TestSeekapaEndpointCommand : SeekapaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    public Uri[] Uri { get; set; } = Array.Empty<Uri>();

    [Parameter]
    [ValidateRange(100, 599)]
    public int[]? ExpectedStatus { get; set; }

    [Parameter]
    public string? BodyPattern { get; set; }

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 16;

    [Parameter]
    [ValidateSet("GET", "HEAD", IgnoreCase = true)]
    public string Method { get; set; } = "GET";

    [Parameter]
    public Hashtable? Header { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    private EndpointChecker? _checker;
    private EndpointCheckBatch? _batch;

    protected override void Begin()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Header ?? new Hashtable())
        {
            headers[entry.Key.ToString() ?? string.Empty] = LanguagePrimitives.ConvertTo<string>(entry.Value is PSObject p ? p.BaseObject : entry.Value) ?? string.Empty;
        }

        var options = new EndpointCheckOptions
        {
            ExpectedStatus = ExpectedStatus,
            BodyPattern = BodyPattern is null ? null : EndpointCheckOptions.ParsePattern(BodyPattern),
            Timeout = Timeout,
            ThrottleLimit = ThrottleLimit,
            Method = Method.ToUpperInvariant(),
            Headers = headers,
            SkipCertificateCheck = SkipCertificateCheck,
        };
        if (SkipCertificateCheck)
        {
            WriteVerbose("-SkipCertificateCheck: server certificates are NOT validated.");
        }

        _checker = new EndpointChecker(options);
        _batch = _checker.StartBatch(CancellationToken);
    }

    protected override void Process()
    {
        foreach (var uri in Uri)
        {
            try
            {
                _batch!.Add(uri);
                WriteVerbose($"{Method.ToUpperInvariant()} {EndpointChecker.Display(uri)}");
            }
            catch (SeekapaException ex)
            {
                WriteFailure(ex);
            }
        }

        // Results that finished while input was still arriving go out now.
        while (_batch!.TryRead(out var done))
        {
            WriteObject(done);
        }
    }

    protected override void End()
    {
        try
        {
            foreach (var result in Stream(_batch!.ReadRemainingAsync()))
            {
                WriteObject(result);
            }
        }
        finally
        {
            _checker?.Dispose();
            _checker = null;
        }
    }

    // Invalid options make every check fail the same way: stop before any request.
    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) ||
        ex.ErrorId is "InvalidPattern" or "InvalidParameterCombination" or "InvalidTimeout" or "InvalidMethod" or "InvalidThrottleLimit" or "InvalidStatusCode"
            or "InvalidHeaderName" or "InvalidHeaderValue";
}
