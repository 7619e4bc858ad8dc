#Requires -Version 7.4
<#
.SYNOPSIS
    Measures Get-SeekapaPodLog with a pattern over 50 pods x 2,000 lines against what a user writes with kubectl:
    one `kubectl logs` per pod piped to Select-String.
.DESCRIPTION
    The sandbox starts with --log-lines 2000 and without controllers. The script seeds 50 running pods (app=logbench)
    with `kubectl create -f` of a JSON List, giving each a container that started a day ago. A pod that a Deployment
    created during the run would have started after the sandbox, so its synthetic log would hold only its banner plus
    two live lines a second, not 2,000 lines of history.
    Each round times, in this one pwsh process and one after the other:
      ours:    Get-SeekapaPodLog -Selector app=logbench -Namespace bench -Pattern 'ERROR'
               (the module is imported, and warmed up by one earlier call)
      kubectl: foreach ($p in kubectl get pods -l app=logbench -o name) { kubectl logs $p | Select-String ERROR }
    The first round warms up and is not counted. The script reports the medians, the ratio kubectl/ours (DESIGN's target
    is 2x or more), and the peak growth of this process's working set during each command. The working set is sampled
    every 10 ms; kubectl's own child processes are not included. The running containers add two lines a second, so the
    match counts of the two commands can differ by a few. Nothing is asserted.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Measure-PodLog.ps1 -ModulePath out/Seekapa.Ops -SandboxPath out/sandbox
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath,
    [int] $Pods = 50,
    [int] $LinesPerPod = 2000,
    [int] $Rounds = 3,
    [string] $OutFile = (Join-Path $PSScriptRoot 'podlog-results.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../tools/Sandbox.psm1') -Force
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module $ModulePath

# Samples this process's working set every 10 ms on a timer thread (a PowerShell scriptblock cannot run there).
Add-Type -TypeDefinition @'
public sealed class PodLogBenchSampler : System.IDisposable
{
    private readonly System.Threading.Timer _timer;
    private readonly long _base;
    private long _peak;

    public PodLogBenchSampler()
    {
        _base = Current();
        _peak = _base;
        _timer = new System.Threading.Timer(_ =>
        {
            var now = Current();
            if (now > System.Threading.Interlocked.Read(ref _peak)) { System.Threading.Interlocked.Exchange(ref _peak, now); }
        }, null, 0, 10);
    }

    public long PeakGrowth => System.Threading.Interlocked.Read(ref _peak) - _base;

    private static long Current() { using (var p = System.Diagnostics.Process.GetCurrentProcess()) { return p.WorkingSet64; } }

    public void Dispose() => _timer.Dispose();
}
'@

# The duration of $Action, its output count and the peak growth of this process's working set meanwhile.
function Measure-Run([scriptblock] $Action) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $sampler = [PodLogBenchSampler]::new()
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $count = (& $Action | Measure-Object).Count
    $clock.Stop()
    $sampler.Dispose()
    [pscustomobject]@{ Ms = [Math]::Round($clock.Elapsed.TotalMilliseconds, 1); Matches = $count; PeakMiB = [Math]::Round($sampler.PeakGrowth / 1MB, 1) }
}

$sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario empty -NoControllers -LogLines $LinesPerPod
try {
    $kc = $sandbox.Kubeconfig
    $started = [DateTime]::UtcNow.AddDays(-1).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $items = foreach ($i in 1..$Pods) {
        $name = 'logbench-{0:d2}' -f $i
        @{
            apiVersion = 'v1'; kind = 'Pod'
            metadata = @{ name = $name; namespace = 'bench'; labels = @{ app = 'logbench' } }
            spec = @{ nodeName = 'aks-nodepool1-0'; containers = @(@{ name = 'app'; image = 'registry/backend:2.14.0' }) }
            status = @{
                phase = 'Running'; startTime = $started
                conditions = @(@{ type = 'Ready'; status = 'True' })
                containerStatuses = @(@{ name = 'app'; ready = $true; started = $true; restartCount = 0; image = 'registry/backend:2.14.0'
                        containerID = "containerd://$name"; state = @{ running = @{ startedAt = $started } } })
            }
        }
    }
    $manifest = Join-Path ([System.IO.Path]::GetTempPath()) "seekapa-podlog-bench-$([guid]::NewGuid().ToString('n')).json"
    @{ apiVersion = 'v1'; kind = 'List'; items = @(@{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'bench' } }) + $items } |
        ConvertTo-Json -Depth 20 | Set-Content $manifest
    $null = kubectl --kubeconfig $kc create -f $manifest
    if ($LASTEXITCODE -ne 0) { throw "kubectl create -f $manifest failed" }
    Remove-Item $manifest
    $lines = (kubectl --kubeconfig $kc logs logbench-01 -n bench | Measure-Object).Count
    Write-Host "Seeded $Pods pods; logbench-01 has $lines lines."

    $ours = { Get-SeekapaPodLog -Selector app=logbench -Namespace bench -Pattern 'ERROR' -Kubeconfig $kc }
    $theirs = {
        foreach ($pod in (kubectl --kubeconfig $kc get pods -l app=logbench -n bench -o name)) {
            kubectl --kubeconfig $kc logs $pod -n bench | Select-String ERROR
        }
    }
    $null = Get-SeekapaPodLog logbench-01 -Namespace bench -Tail 1 -Kubeconfig $kc

    $rows = [System.Collections.Generic.List[object]]::new()
    for ($round = 0; $round -le $Rounds; $round++) {
        $o = Measure-Run $ours
        $k = Measure-Run $theirs
        Write-Host ("round {0}: ours {1} ms ({2} matches, +{3} MiB), kubectl {4} ms ({5} matches, +{6} MiB)" -f $round, $o.Ms, $o.Matches, $o.PeakMiB, $k.Ms, $k.Matches, $k.PeakMiB)
        if ($round -gt 0) { $rows.Add([pscustomobject]@{ Ours = $o; Kubectl = $k }) }
    }
}
finally {
    Stop-Sandbox $sandbox
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}
$oursMs = Get-Median ($rows | ForEach-Object { $_.Ours.Ms })
$kubectlMs = Get-Median ($rows | ForEach-Object { $_.Kubectl.Ms })
$report = @"
# Pod logs with a pattern

Run $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC on $([Environment]::ProcessorCount) cores, by ``bench/Measure-PodLog.ps1`` (``build.ps1 -Task Bench``):
$Pods running pods x $LinesPerPod lines of history each (sandbox ``--log-lines $LinesPerPod``), $Rounds rounds (plus one warm-up), both commands in the same
pwsh process, one after the other in each round. Target (DESIGN.md): at least 2x faster than kubectl logs + Select-String per pod.

| | median ms | matches (last round) | peak working-set growth MiB (median) |
|---|---|---|---|
| ``Get-SeekapaPodLog -Selector app=logbench -Pattern 'ERROR'`` (8 requests in flight) | $oursMs | $($rows[-1].Ours.Matches) | $(Get-Median ($rows | ForEach-Object { $_.Ours.PeakMiB })) |
| ``foreach pod: kubectl logs pod \| Select-String ERROR`` | $kubectlMs | $($rows[-1].Kubectl.Matches) | $(Get-Median ($rows | ForEach-Object { $_.Kubectl.PeakMiB })) |

Speed-up (kubectl median / ours median): $([Math]::Round($kubectlMs / [Math]::Max($oursMs, 0.1), 2))x

The memory column is this pwsh process only, sampled every 10 ms. It does not include the kubectl child processes.

Rounds (ms, ours / kubectl): $(($rows | ForEach-Object { "$($_.Ours.Ms)/$($_.Kubectl.Ms)" }) -join ', ')
"@
$report | Set-Content -Path $OutFile
$report
