using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

/// <summary>The automatic timeline, fed by a real mutating cmdlet against the in-process sandbox.</summary>
[Collection(IncidentPathCollection.Name)]
public sealed class IncidentTimelineCmdletTests(WorkloadSandbox sandbox) : WorkloadCmdletTestBase(sandbox), IDisposable
{
    private readonly IncidentPathScope _scope = new();

    private Incident StartIncident()
    {
        var result = Run("Start-SeekapaIncident SEV2 'Latency'");
        Assert.Empty(result.Errors);
        return (Incident)Assert.Single(result.Output).BaseObject;
    }

    [Fact]
    public async Task AScaleIsRecordedInTheActiveIncident()
    {
        var name = WorkloadSandbox.UniqueName("inc");
        await Sandbox.CreateBackendAsync(name, replicas: 3);
        var incident = StartIncident();

        SingleChange(Run($"Set-SeekapaWorkloadScale {name} 5 -Namespace {Ns} -Kubeconfig $kc"));

        var entry = Assert.Single(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Equal("Set-SeekapaWorkloadScale", entry.Cmdlet);
        Assert.Equal($"{Ns}/deployment/{name}", entry.Target);
        Assert.Equal(("Scale", "Changed", "replicas 3", "replicas 5"), (entry.Action, entry.Outcome, entry.Before, entry.After));
        Assert.Equal(Environment.UserName, entry.Actor);
        Assert.True(DateTimeOffset.UtcNow - entry.Time < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WhatIfAndNoActiveIncidentRecordNothing()
    {
        var name = WorkloadSandbox.UniqueName("inc");
        await Sandbox.CreateBackendAsync(name, replicas: 3);

        SingleChange(Run($"Set-SeekapaWorkloadScale {name} 4 -Namespace {Ns} -Kubeconfig $kc")); // no incident yet
        var incident = StartIncident();
        var whatIf = Run($"Set-SeekapaWorkloadScale {name} 6 -Namespace {Ns} -Kubeconfig $kc -WhatIf");

        Assert.Empty(whatIf.Errors);
        Assert.DoesNotContain(_scope.Store.Get(incident.Id).Timeline, e => e.Kind == IncidentEntryKind.Action);
        Assert.Single(_scope.Store.List());
    }

    [Fact]
    public async Task AFailedAppendIsAWarningAndTheCmdletStillSucceeds()
    {
        var name = WorkloadSandbox.UniqueName("inc");
        await Sandbox.CreateBackendAsync(name, replicas: 3);
        var incident = StartIncident();
        File.WriteAllText(_scope.Store.PathOf(incident.Id), "{ broken");

        var result = Run($"Set-SeekapaWorkloadScale {name} 7 -Namespace {Ns} -Kubeconfig $kc 3>&1");

        Assert.Empty(result.Errors);
        var warning = Assert.IsType<WarningRecord>(Assert.Single(result.Output, o => o.BaseObject is WarningRecord).BaseObject);
        Assert.Contains("could not be added to the incident timeline", warning.Message, StringComparison.Ordinal);
        Assert.Contains(incident.Id, warning.Message, StringComparison.Ordinal);
        Assert.Single(result.Output, o => o.BaseObject is WorkloadChange);
        Assert.Equal(7, (int)(await Sandbox.GetDeploymentAsync(name))["spec"]!["replicas"]!);
    }

    void IDisposable.Dispose()
    {
        Dispose();
        _scope.Dispose();
    }
}
