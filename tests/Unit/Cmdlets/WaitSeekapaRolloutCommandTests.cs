using System.Management.Automation;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class WaitSeekapaRolloutCommandTests(RolloutSandbox sandbox) : RolloutCmdletTestBase(sandbox), IClassFixture<RolloutSandbox>
{
    [Fact]
    public async Task ReturnsTheStatusAndMirrorsProgressToVerbose()
    {
        var name = RolloutSandbox.UniqueName("ws");
        await Sandbox.CreateDeploymentAsync(name, "registry/backend:1", replicas: 3);
        var result = Run($"Wait-SeekapaRollout {name} -Namespace $ns -Kubeconfig $kc -Timeout 00:00:30 -Verbose 4>&1");
        Assert.Empty(result.Errors);
        var status = Single<RolloutStatus>(result);
        Assert.True(status.Complete);
        Assert.Equal($"deployment \"{name}\" successfully rolled out", status.Message);
        Assert.Equal(3, status.AvailableReplicas);
        Assert.Equal(status.Message, Verbose(result).Last());
    }

    [Fact]
    public async Task CrashingImageIsRolloutFailed()
    {
        var name = RolloutSandbox.UniqueName("wc");
        await Sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, replicas: 1, progressDeadlineSeconds: 1);
        var result = Run($"Wait-SeekapaRollout {name} -Namespace $ns -Kubeconfig $kc -Timeout 00:00:30");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("RolloutFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith($"deployment \"{name}\" exceeded its progress deadline", error.ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutIsRolloutTimeoutAndRevisionMismatchIsAnError()
    {
        var name = RolloutSandbox.UniqueName("wt");
        await Sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, replicas: 1);
        // A plain number is seconds (PowerShell alone would read it as ticks).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timeout = Run($"Wait-SeekapaRollout {name} -Namespace $ns -Kubeconfig $kc -Timeout 1");
        var error = Assert.Single(timeout.Errors);
        Assert.StartsWith("RolloutTimeout,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.StartsWith("Timed out after 0:01 waiting for the rollout of deployment/", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("Last status: Waiting for deployment", error.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1));

        var mismatch = Run($"Wait-SeekapaRollout {name} -Namespace $ns -Kubeconfig $kc -Revision 7 -Timeout 00:00:10");
        Assert.StartsWith("RevisionMismatch,", Assert.Single(mismatch.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);

        var negative = Run($"Wait-SeekapaRollout {name} -Namespace $ns -Kubeconfig $kc -Timeout -00:00:01");
        Assert.StartsWith("InvalidTimeout,", Assert.Single(negative.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesProgressWithOneActivityAndCompletesIt()
    {
        var name = RolloutSandbox.UniqueName("wp");
        await Sandbox.CreateDeploymentAsync(name, "registry/backend:1", replicas: 2);
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(CmdletHostState());
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Wait-SeekapaRollout {name} -Namespace {RolloutSandbox.Ns} -Kubeconfig '{Sandbox.Kubeconfig}' -Timeout 00:00:30");
        var output = ps.Invoke();
        Assert.Single(output);
        var progress = ps.Streams.Progress.ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(progress[0].ActivityId, p.ActivityId));
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
        Assert.Contains(progress, p => p.StatusDescription == $"deployment \"{name}\" successfully rolled out");
        Assert.Contains($"deployment/{name}", progress[0].Activity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlCStopsTheWaitWithinASecond()
    {
        var name = RolloutSandbox.UniqueName("wx");
        await Sandbox.CreateDeploymentAsync(name, RolloutSandbox.CrashingImage, replicas: 1);
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.AddScript($"Wait-SeekapaRollout {name} -Namespace {RolloutSandbox.Ns} -Kubeconfig '{Sandbox.Kubeconfig}' -Timeout 00:05:00");
        ps.Runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(CmdletHostState());
        ps.Runspace.Open();
        var invocation = ps.BeginInvoke();
        await Task.Delay(1000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(invocation.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"stopped after {clock.Elapsed}");
        ps.Runspace.Dispose();
    }

    private static System.Management.Automation.Runspaces.InitialSessionState CmdletHostState()
    {
        var state = System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2();
        foreach (var type in typeof(Seekapa.Ops.PowerShell.Cmdlets.SeekapaCmdlet).Assembly.GetTypes())
        {
            if (type.GetCustomAttributes(typeof(CmdletAttribute), false).FirstOrDefault() is CmdletAttribute attribute)
            {
                state.Commands.Add(new System.Management.Automation.Runspaces.SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
            }
        }

        return state;
    }
}
