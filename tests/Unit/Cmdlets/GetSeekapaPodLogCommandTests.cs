using System.Management.Automation;
using Seekapa.Ops.Tests.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Cmdlets;

public sealed class GetSeekapaPodLogCommandTests(PodLogSandbox sandbox) : IClassFixture<PodLogSandbox>, IDisposable
{
    private const string Id = "Seekapa.Ops.PowerShell.Cmdlets.Diagnostics.GetSeekapaPodLogCommand";
    private readonly CmdletHost _host = new();

    private CmdletHost.Result Run(string script) =>
        _host.Invoke(script, new Dictionary<string, object?> { ["kc"] = sandbox.Kubeconfig });

    private static List<LogLine> Lines(CmdletHost.Result result) => result.Output.Select(o => (LogLine)o.BaseObject).ToList();

    public void Dispose() => _host.Dispose();

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    [Fact]
    public void TheRunbooksGrepAcrossTheBackendPods()
    {
        var result = Run("Get-SeekapaPodLog -Selector app=backend -Namespace seekapa-production -Tail 100 -Pattern 'ERROR' -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var lines = Lines(result);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains("ERROR", l.Line, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.InRange(l.LineNumber, 1, 100));
        Assert.Subset(PodLogSandbox.Crashing.Concat(PodLogSandbox.Running).ToHashSet(), lines.Select(l => l.Pod).ToHashSet());
    }

    [Fact]
    public void UnhealthyPodsPipedFromGetSeekapaPodHealthGiveTheirCrashedContainersLogs()
    {
        var result = Run("Get-SeekapaPodHealth -Namespace seekapa-production -Unhealthy -Kubeconfig $kc | Get-SeekapaPodLog -Previous -Tail 3 -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var lines = Lines(result);
        Assert.Equal(PodLogSandbox.Crashing, lines.Select(l => l.Pod).Distinct());
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal("seekapa-production", l.Namespace));
    }

    [Fact]
    public void TheDefaultViewIsKubectlsPrefixForm()
    {
        // Only the LogLine views of the module's format file, so that this test is about them alone.
        var document = System.Xml.Linq.XDocument.Load(Path.Combine(RepoRoot(), "module", "Seekapa.Ops.Format.ps1xml"));
        System.Xml.Linq.Extensions.Remove(document.Descendants("View")
            .Where(v => (string?)v.Element("ViewSelectedBy")?.Element("TypeName") != "Seekapa.Ops.LogLine").ToList());
        var format = Path.Combine(Path.GetTempPath(), $"seekapa-logline-{Guid.NewGuid():N}.format.ps1xml");
        document.Save(format);
        var text = Run($"Update-FormatData -PrependPath '{format}'; " +
                       $"Get-SeekapaPodLog {PodLogSandbox.Running[0]} -Namespace seekapa-production -Tail 2 -Kubeconfig $kc | Out-String -Width 500");
        File.Delete(format);
        Assert.Empty(text.Errors);
        var shown = ((string)Assert.Single(text.Output).BaseObject).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, shown.Length);
        Assert.All(shown, l => Assert.StartsWith($"[pod/{PodLogSandbox.Running[0]}/backend] ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void APodThatCannotBeReadIsANonTerminatingErrorAndTheOthersContinue()
    {
        var result = Run($"Get-SeekapaPodLog no-such-pod, {PodLogSandbox.Running[0]} -Namespace seekapa-production -Tail 1 -Kubeconfig $kc; 'continued'");
        var error = Assert.Single(result.Errors);
        Assert.Equal($"PodNotFound,{Id}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(PodLogSandbox.Running[0], ((LogLine)result.Output[0].BaseObject).Pod);
        Assert.Equal("continued", result.Output[1].BaseObject);

        var previous = Run("Get-SeekapaPodLog -Deployment backend-deployment -Namespace seekapa-production -Previous -Tail 1 -Kubeconfig $kc");
        Assert.Equal(2, previous.Errors.Count);
        Assert.All(previous.Errors, e => Assert.Equal($"LogsUnavailable,{Id}", e.FullyQualifiedErrorId));
        Assert.Equal(2, previous.Output.Count);
    }

    [Theory]
    [InlineData("-Tail -1", "ParameterArgumentValidationError")]
    [InlineData("-ThrottleLimit 0", "ParameterArgumentValidationError")]
    [InlineData("-Pattern 'ERROR('", "InvalidPattern")]
    [InlineData("-Since 0", "InvalidSince")]
    [InlineData("-Follow -ThrottleLimit 3", "FollowLimitExceeded")]
    public void BadArgumentsFailBeforeReadingAnyLog(string arguments, string errorId)
    {
        var result = Run($"Get-SeekapaPodLog -Selector app=backend -Namespace seekapa-production -Kubeconfig $kc {arguments}");
        Assert.Empty(result.Output);
        Assert.StartsWith(errorId + ",", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void AllNamespacesGoesOnlyWithASelector()
    {
        var result = Run($"Get-SeekapaPodLog -Name {PodLogSandbox.Running[0]} -AllNamespaces -Kubeconfig $kc");
        Assert.Empty(result.Output);
        Assert.StartsWith("AmbiguousParameterSet", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);

        var all = Run("Get-SeekapaPodLog -Selector app=postgres-read -AllNamespaces -Tail 1 -Kubeconfig $kc");
        Assert.Empty(all.Errors);
        Assert.Equal(new[] { "postgres-read-0", "postgres-read-1" }, Lines(all).Select(l => l.Pod));
    }

    [Fact]
    public void ContainerWildcardAndTimestamps()
    {
        var result = Run($"Get-SeekapaPodLog {PodLogSandbox.Running[0]} -Namespace seekapa-production -Container 'b*' -Tail 1 -Timestamps -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        var line = Assert.Single(Lines(result));
        Assert.Equal("backend", line.Container);
        Assert.StartsWith(line.Timestamp!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), line.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void FollowStreamsUntilTheTimeout()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Run($"Get-SeekapaPodLog {PodLogSandbox.Running[0]} -Namespace seekapa-production -Follow -Tail 0 -Timeout 2 -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(6));
        Assert.InRange(Lines(result).Count, 2, 8);
    }

    [Fact]
    public void TheViewerMayNotListPodsOutsideItsNamespace()
    {
        var result = Run($"Get-SeekapaPodLog -Selector app=x -Namespace kube-system -Context {sandbox.Server.ViewerContext} -Kubeconfig $kc");
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Forbidden,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
    }

    [Fact]
    public void CtrlCStopsAFollowWithinASecond()
    {
        var state = System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2();
        state.Commands.Add(new System.Management.Automation.Runspaces.SessionStateCmdletEntry("Get-SeekapaPodLog",
            typeof(Seekapa.Ops.PowerShell.Cmdlets.Diagnostics.GetSeekapaPodLogCommand), null));
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Get-SeekapaPodLog").AddParameter("Selector", "app=backend").AddParameter("Namespace", "seekapa-production")
            .AddParameter("Follow").AddParameter("Tail", 1).AddParameter("Kubeconfig", sandbox.Kubeconfig);
        var output = new PSDataCollection<PSObject>();
        var running = ps.BeginInvoke<PSObject, PSObject>(null, output);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (output.Count == 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        Assert.NotEmpty(output);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"stopping took {clock.Elapsed}");
    }

    [Fact]
    public void PodsFromSeveralNamespacesBindTheirOwnNamespace()
    {
        var result = Run("Get-SeekapaPodHealth -A -Kubeconfig $kc | Where-Object Name -like 'postgres-read-*' | Get-SeekapaPodLog -Tail 1 -Kubeconfig $kc");
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "postgres-read-0", "postgres-read-1" }, Lines(result).Select(l => l.Pod));
    }
}
