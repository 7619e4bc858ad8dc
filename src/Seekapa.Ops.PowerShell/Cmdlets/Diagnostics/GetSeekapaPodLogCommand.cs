using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Seekapa.Ops.PowerShell.Completers;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.Diagnostics;

/// <summary>
/// kubectl logs for many pods at once, with grep built in. Piped pods are collected in Process and read together in
/// End: the concurrency bound and the -Follow stream count apply to the whole set, and only names are held meanwhile.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SeekapaPodLog", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaPodLog.md", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(LogLine))]
public sealed class GetSeekapaPodLogCommand : ClusterCmdlet
{
    private const string ByNameSet = "ByName";
    private const string BySelectorSet = "BySelector";
    private const string ByDeploymentSet = "ByDeployment";

    private readonly List<PodLogName> _names = new();
    private PodLogOptions _options = new();
    private LabelSelector? _selector;

    /// <summary>Pod names; wildcards allowed. Binds from the Name property of piped objects (Get-SeekapaPodHealth).</summary>
    [Parameter(ParameterSetName = ByNameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the connection's namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>A label selector (kubectl logs -l).</summary>
    [Parameter(ParameterSetName = BySelectorSet, Mandatory = true)]
    [Alias("l")]
    public string? Selector { get; set; }

    /// <summary>With -Selector: pods of every namespace.</summary>
    [Parameter(ParameterSetName = BySelectorSet)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The pods of this Deployment's ReplicaSets.</summary>
    [Parameter(ParameterSetName = ByDeploymentSet, Mandatory = true)]
    public string? Deployment { get; set; }

    /// <summary>Container names, wildcards allowed; default every container.</summary>
    [Parameter]
    [SupportsWildcards]
    [Alias("c")]
    public string[]? Container { get; set; }

    /// <summary>Only the last N lines of each container.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Tail { get; set; }

    /// <summary>Only lines newer than this (a TimeSpan or seconds).</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Since { get; set; }

    /// <summary>The previous (crashed) instance of each container.</summary>
    [Parameter]
    public SwitchParameter Previous { get; set; }

    /// <summary>Show the timestamp at the start of each Line.</summary>
    [Parameter]
    public SwitchParameter Timestamps { get; set; }

    /// <summary>A regular expression: only matching lines are emitted.</summary>
    [Parameter]
    public string? Pattern { get; set; }

    /// <summary>Keep streaming new lines until Ctrl+C or -Timeout.</summary>
    [Parameter]
    [Alias("f")]
    public SwitchParameter Follow { get; set; }

    /// <summary>Stop after this long (a TimeSpan or seconds); 0 means no limit.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Log requests in flight at most.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int ThrottleLimit { get; set; } = PodLogOptions.DefaultThrottleLimit;

    protected override void Begin()
    {
        // Everything that can be wrong with the arguments fails here, before any call.
        _options = new PodLogOptions
        {
            Tail = Tail,
            Since = Since,
            Previous = Previous,
            Timestamps = Timestamps,
            Pattern = PodLogOptions.CompilePattern(Pattern),
            Follow = Follow,
            Timeout = Timeout,
            ThrottleLimit = ThrottleLimit,
        };
        _options.Validate();
        if (ParameterSetName == BySelectorSet)
        {
            _selector = LabelSelector.Parse(Selector!);
        }

        if (Namespace is not null && MyInvocation.BoundParameters.ContainsKey(nameof(Namespace)) && !AllNamespaces)
        {
            ResourceNames.ValidateNamespace(Namespace);
        }
    }

    protected override void Process()
    {
        if (ParameterSetName != ByNameSet)
        {
            return;
        }

        var ns = string.IsNullOrEmpty(Namespace) ? Session.DefaultNamespace : Namespace;
        foreach (var name in Name ?? Array.Empty<string>())
        {
            _names.Add(new PodLogName(ns, name));
        }
    }

    protected override void End()
    {
        if (ParameterSetName == ByNameSet && _names.Count == 0)
        {
            return;
        }

        var query = new PodLogQuery
        {
            Names = _names,
            Selector = _selector,
            Deployment = ParameterSetName == ByDeploymentSet ? Deployment : null,
            Namespace = string.IsNullOrEmpty(Namespace) ? null : Namespace,
            AllNamespaces = AllNamespaces,
            Containers = Container ?? Array.Empty<string>(),
        };
        var plan = Await(new PodLogTargetResolver(Session).ResolveAsync(query, CancellationToken));
        foreach (var error in plan.Errors)
        {
            WriteFailure(error);
        }

        WriteVerbose($"Reading {plan.Streams.Count} container log(s) of {plan.Streams.Select(s => (s.Namespace, s.Pod)).Distinct().Count()} pod(s), at most {ThrottleLimit} at a time.");
        var reader = new PodLogReader(new KubernetesPodLogSource(Session));
        foreach (var entry in Stream(reader.ReadAsync(plan.Streams, _options, CancellationToken)))
        {
            if (entry.Error is { } error)
            {
                WriteFailure(error);
            }
            else
            {
                WriteObject(entry.Line);
            }
        }

        if (reader.TimedOut)
        {
            var message = $"Stopped reading after -Timeout {Timeout}.";
            if (Follow)
            {
                WriteVerbose(message);
            }
            else
            {
                WriteWarning(message + " The output is incomplete.");
            }
        }
    }

    protected override bool IsSetupError(SeekapaException ex) => base.IsSetupError(ex) || ex.ErrorId is
        "InvalidPattern" or "InvalidSince" or "InvalidTimeout" or "InvalidTail" or "InvalidThrottleLimit" or "InvalidSelector"
        or "InvalidNamespace" or "FollowLimitExceeded";
}
