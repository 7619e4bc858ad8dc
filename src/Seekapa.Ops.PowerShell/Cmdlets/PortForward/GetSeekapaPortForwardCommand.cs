using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.PowerShell.Infrastructure;

namespace Seekapa.Ops.PowerShell.Cmdlets.PortForward;

/// <summary>The port-forwards running in this runspace, with their connection counts and failed connections.</summary>
[Cmdlet(VerbsCommon.Get, "SeekapaPortForward", HelpUri = HelpLinks.Cmdlets + "Get-SeekapaPortForward.md")]
[OutputType(typeof(Ops.PortForward))]
public sealed class GetSeekapaPortForwardCommand : SeekapaCmdlet
{
    /// <summary>Only the forwards with these ids; an id that is not running is an error.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public int[]? Id { get; set; }

    /// <summary>Only the forwards whose target (service/redis-master, pod/x, ...) matches; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    public string? Target { get; set; }

    protected override void Process()
    {
        var all = RunspaceState.Current.PortForwards.All;
        var pattern = Target is null ? null : new WildcardPattern(Target, WildcardOptions.IgnoreCase);
        foreach (var forward in all.Where(f => (Id is null || Id.Contains(f.Id)) && (pattern is null || pattern.IsMatch(f.Target))))
        {
            WriteObject(forward);
        }
        foreach (var missing in (Id ?? []).Where(id => all.All(f => f.Id != id)))
        {
            WriteFailure(new SeekapaException("PortForwardNotFound", FailureCategory.ObjectNotFound,
                $"No port-forward with id {missing} is running in this session.", missing));
        }
    }
}
