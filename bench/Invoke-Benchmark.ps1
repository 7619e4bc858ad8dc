#Requires -Version 7.4
<#
.SYNOPSIS
    Measures Seekapa.Ops against the DESIGN performance targets and writes bench/results.md.
.DESCRIPTION
    One run measures, each variant in its own fresh pwsh process and repeated, reporting medians:
      1. Import: Measure-Command { Import-Module } inside a fresh pwsh, and the wall time of a fresh pwsh start with and
         without the import (target: the import adds < 100 ms).
      2. Against a sandbox cluster of -Pods pods in -Namespaces namespaces:
         a. Get-SeekapaPodHealth -AllNamespaces: total, time to first object, peak working set;
         b. kubectl get pods -A -o json | ConvertFrom-Json plus kubectl's printPod ported to PowerShell (what a user
            would write): the same three measures;
         c. kubectl get pods -A (text): total.
         Targets: a is >= 3x faster than b, and its first object comes within 300 ms.
    Timings are never asserted (machines are noisy): the script reports them. See bench/README.md.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Bench
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Invoke-Benchmark.ps1 -ModulePath out/Seekapa.Ops -SandboxPath out/sandbox -Repeat 3
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath,
    [int] $Pods = 10000,
    [int] $Namespaces = 20,
    [int] $Repeat = 5,
    [int] $ImportRepeat = 7,
    [string] $OutFile = (Join-Path $PSScriptRoot 'results.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModuleSource = (Resolve-Path $ModulePath).Path
$SandboxSource = [IO.Path]::GetFullPath($SandboxPath)
$work = Join-Path ([IO.Path]::GetTempPath()) "seekapa-bench-$([guid]::NewGuid().ToString('n'))"
$null = New-Item -ItemType Directory -Path $work
# Every run measures the same bits: a private copy, so that a concurrent build of out/ cannot change them mid-run.
$ModulePath = Join-Path $work 'Seekapa.Ops'
Copy-Item $ModuleSource $ModulePath -Recurse
$SandboxPath = Join-Path $work 'sandbox'
if (Test-Path $SandboxSource) { Copy-Item $SandboxSource $SandboxPath -Recurse }
$version = try { (Import-PowerShellDataFile (Join-Path $ModulePath 'Seekapa.Ops.psd1')).ModuleVersion } catch { '?' }

# ---------------------------------------------------------------------------------------------------------------------
# Child process scripts. Each prints one JSON line (its measures) as the last line of its output.

# a. The module. -Warm also times a second call in the same process (a session that already made one call).
$moduleRun = {
    param([string] $ModulePath, [string] $Kubeconfig, [switch] $Warm)
    $ErrorActionPreference = 'Stop'
    Import-Module $ModulePath
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $process.Refresh(); $before = $process.WorkingSet64
    # Linux: writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so the peak is this command's.
    $peakReset = try { [IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $true } catch { $false }

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $first = $null; $count = 0
    Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Kubeconfig | ForEach-Object -Process {
        if ($null -eq $first) { $first = $sw.Elapsed.TotalMilliseconds }
        $count++
    }
    $total = $sw.Elapsed.TotalMilliseconds
    $process.Refresh()
    $result = [ordered]@{ TotalMs = $total; FirstMs = $first; Count = $count; BeforeBytes = $before
        PeakBytes = $process.PeakWorkingSet64; PeakReset = $peakReset; WarmTotalMs = $null; WarmFirstMs = $null }
    if ($Warm) {
        $sw.Restart(); $first = $null
        Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Kubeconfig | ForEach-Object -Process {
            if ($null -eq $first) { $first = $sw.Elapsed.TotalMilliseconds }
        }
        $result.WarmTotalMs = $sw.Elapsed.TotalMilliseconds; $result.WarmFirstMs = $first
    }
    $result | ConvertTo-Json -Compress
}

# b. The baseline: kubectl's JSON, ConvertFrom-Json, and printPod (kubernetes pkg/printers/internalversion/printers.go)
#    ported to PowerShell as a user would: READY, STATUS, RESTARTS, AGE and the same health rule as the module.
$baselineRun = {
    param([string] $Kubeconfig, [switch] $Warm, [switch] $Emit)
    $ErrorActionPreference = 'Stop'

    function Format-HumanDuration([TimeSpan] $d) {
        # apimachinery duration.HumanDuration: every unit truncated.
        $s = [long][Math]::Truncate($d.TotalSeconds)
        if ($s -lt -1) { return '<invalid>' }
        if ($s -lt 0) { return '0s' }
        if ($s -lt 120) { return "${s}s" }
        $m = [long][Math]::Truncate($d.TotalMinutes)
        if ($m -lt 10) { if ($s % 60) { return "${m}m$($s % 60)s" } else { return "${m}m" } }
        if ($m -lt 180) { return "${m}m" }
        $h = [long][Math]::Truncate($d.TotalHours)
        if ($h -lt 8) { if ($m % 60) { return "${h}h$($m % 60)m" } else { return "${h}h" } }
        if ($h -lt 48) { return "${h}h" }
        $days = [long][Math]::Truncate($h / 24)
        if ($h -lt 192) { if ($h % 24) { return "${days}d$($h % 24)h" } else { return "${days}d" } }
        if ($h -lt 2 * 365 * 24) { return "${days}d" }
        $y = [long][Math]::Truncate($days / 365)
        if ($h -lt 8 * 365 * 24) { if ($days % 365) { return "${y}y$($days % 365)d" } else { return "${y}y" } }
        "${y}y"
    }

    function ConvertTo-Utc($t) {
        if ($null -eq $t -or '' -eq $t) { return $null }
        if ($t -is [datetime]) { if ($t.Kind -eq 'Local') { return $t.ToUniversalTime() } return [datetime]::SpecifyKind($t, 'Utc') }
        [datetime]::Parse($t, [cultureinfo]::InvariantCulture, [Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
    }

    function Get-PodStatus($pod, [datetime] $now) {
        $status = $pod.status
        $restarts = 0; $sidecarRestarts = 0; $ready = 0
        $total = $pod.spec.containers.Count
        $lastRestart = $null; $lastSidecarRestart = $null
        $phase = [string]$status.phase
        $reason = if ($status.reason) { $status.reason } else { $phase }
        foreach ($c in $status.conditions) { if ($c.type -eq 'PodScheduled' -and $c.reason -eq 'SchedulingGated') { $reason = 'SchedulingGated' } }

        $sidecars = @{}
        foreach ($c in $pod.spec.initContainers) { if ($c.restartPolicy -eq 'Always') { $sidecars[$c.name] = $true; $total++ } }

        $initializing = $false
        $initStatuses = $status.initContainerStatuses
        for ($i = 0; $i -lt $initStatuses.Count; $i++) {
            $cs = $initStatuses[$i]
            $restarts += $cs.restartCount
            $finished = ConvertTo-Utc $cs.lastState.terminated.finishedAt
            if ($finished -and (-not $lastRestart -or $finished -gt $lastRestart)) { $lastRestart = $finished }
            $isSidecar = $sidecars.ContainsKey([string]$cs.name)
            if ($isSidecar) {
                $sidecarRestarts += $cs.restartCount
                if ($finished -and (-not $lastSidecarRestart -or $finished -gt $lastSidecarRestart)) { $lastSidecarRestart = $finished }
            }
            $terminated = $cs.state.terminated; $waiting = $cs.state.waiting
            if ($terminated -and $terminated.exitCode -eq 0) { continue }
            if ($isSidecar -and $cs.started) { if ($cs.ready) { $ready++ }; continue }
            if ($terminated) {
                $reason = if ($terminated.reason) { "Init:$($terminated.reason)" } elseif ($terminated.signal) { "Init:Signal:$($terminated.signal)" } else { "Init:ExitCode:$($terminated.exitCode)" }
            }
            elseif ($waiting.reason -and $waiting.reason -ne 'PodInitializing') { $reason = "Init:$($waiting.reason)" }
            else { $reason = "Init:$i/$($pod.spec.initContainers.Count)" }
            $initializing = $true
            break
        }

        $initialized = $false
        foreach ($c in $status.conditions) { if ($c.type -eq 'Initialized') { $initialized = $c.status -eq 'True'; break } }
        if (-not $initializing -or $initialized) {
            $restarts = $sidecarRestarts; $lastRestart = $lastSidecarRestart
            $hasRunning = $false
            $statuses = $status.containerStatuses
            for ($i = $statuses.Count - 1; $i -ge 0; $i--) {
                $cs = $statuses[$i]
                $restarts += $cs.restartCount
                $finished = ConvertTo-Utc $cs.lastState.terminated.finishedAt
                if ($finished -and (-not $lastRestart -or $finished -gt $lastRestart)) { $lastRestart = $finished }
                if ($cs.state.waiting.reason) { $reason = $cs.state.waiting.reason }
                elseif ($cs.state.terminated.reason) { $reason = $cs.state.terminated.reason }
                elseif ($cs.state.terminated) {
                    $reason = if ($cs.state.terminated.signal) { "Signal:$($cs.state.terminated.signal)" } else { "ExitCode:$($cs.state.terminated.exitCode)" }
                }
                elseif ($cs.ready -and $cs.state.running) { $hasRunning = $true; $ready++ }
            }
            if ($reason -eq 'Completed' -and $hasRunning) {
                $reason = if ($status.conditions | Where-Object { $_.type -eq 'Ready' -and $_.status -eq 'True' }) { 'Running' } else { 'NotReady' }
            }
        }

        $deleting = [bool]$pod.metadata.deletionTimestamp
        if ($deleting -and $status.reason -eq 'NodeLost') { $reason = 'Unknown' }
        elseif ($deleting -and $phase -ne 'Failed' -and $phase -ne 'Succeeded') { $reason = 'Terminating' }

        # The module's health rule: Completed, or Running with all containers ready and no abnormal termination in 1 h.
        $lastTermination = $null
        foreach ($cs in @($status.initContainerStatuses) + @($status.containerStatuses)) {
            $t = if ($cs) { $cs.lastState.terminated }
            if ($t -and (-not $lastTermination -or (ConvertTo-Utc $t.finishedAt) -gt (ConvertTo-Utc $lastTermination.finishedAt))) { $lastTermination = $t }
        }
        $healthy = -not $deleting -and ($reason -eq 'Completed' -or ($reason -eq 'Running' -and $ready -eq $total -and -not (
                        $lastTermination -and $lastTermination.reason -ne 'Completed' -and $lastTermination.finishedAt -and
                        ($now - (ConvertTo-Utc $lastTermination.finishedAt)) -le [TimeSpan]::FromHours(1))))

        [pscustomobject]@{
            Namespace       = $pod.metadata.namespace
            Name            = $pod.metadata.name
            Ready           = "$ready/$total"
            Status          = $reason
            Restarts        = $restarts
            RestartsDisplay = if ($restarts -and $lastRestart) { "$restarts ($(Format-HumanDuration ($now - $lastRestart)) ago)" } else { "$restarts" }
            Age             = if ($pod.metadata.creationTimestamp) { Format-HumanDuration ($now - (ConvertTo-Utc $pod.metadata.creationTimestamp)) } else { '<unknown>' }
            Node            = $pod.spec.nodeName
            Healthy         = $healthy
        }
    }

    function Get-KubectlPodHealth {
        $now = [datetime]::UtcNow
        (kubectl --kubeconfig $Kubeconfig get pods -A -o json | ConvertFrom-Json).items | ForEach-Object { Get-PodStatus $_ $now }
    }

    if ($Emit) {
        # For the consistency check: the port's verdicts, one compact JSON line.
        ConvertTo-Json -Compress -InputObject @(Get-KubectlPodHealth | Select-Object Namespace, Name, Ready, Status, Restarts, Healthy)
        return
    }

    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $process.Refresh(); $before = $process.WorkingSet64
    $peakReset = try { [IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $true } catch { $false }

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $first = $null; $count = 0
    Get-KubectlPodHealth | ForEach-Object -Process {
        if ($null -eq $first) { $first = $sw.Elapsed.TotalMilliseconds }
        $count++
    }
    $total = $sw.Elapsed.TotalMilliseconds
    $process.Refresh()
    $result = [ordered]@{ TotalMs = $total; FirstMs = $first; Count = $count; BeforeBytes = $before
        PeakBytes = $process.PeakWorkingSet64; PeakReset = $peakReset; WarmTotalMs = $null; WarmFirstMs = $null }
    if ($Warm) {
        $sw.Restart(); $first = $null
        Get-KubectlPodHealth | ForEach-Object -Process { if ($null -eq $first) { $first = $sw.Elapsed.TotalMilliseconds } }
        $result.WarmTotalMs = $sw.Elapsed.TotalMilliseconds; $result.WarmFirstMs = $first
    }
    $result | ConvertTo-Json -Compress
}

# The module's verdicts for the consistency check.
$moduleEmit = {
    param([string] $ModulePath, [string] $Kubeconfig)
    $ErrorActionPreference = 'Stop'
    Import-Module $ModulePath
    ConvertTo-Json -Compress -InputObject @(Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Kubeconfig | Select-Object Namespace, Name, Ready, Status, Restarts, Healthy)
}

# ---------------------------------------------------------------------------------------------------------------------
# Helpers

# The command that starts a fresh pwsh like this one. Under `dotnet pwsh` (a local tool) this process is dotnet itself,
# which needs pwsh.dll as its first argument.
$pwshExe = [Environment]::ProcessPath
$pwshPrefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwshExe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Get-Median($Values) {
    $sorted = @($Values | Where-Object { $null -ne $_ } | ForEach-Object { [double]$_ } | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

function Invoke-Timed([string[]] $Arguments, [string] $FileName = $pwshExe) {
    # Runs a process to completion; returns its wall time (ms), exit code and output. Output is read asynchronously.
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $psi.Environment['NO_COLOR'] = '1'  # plain-text errors from child pwsh processes
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync(); $stderr = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    $elapsed = $sw.Elapsed.TotalMilliseconds
    [pscustomobject]@{ Ms = $elapsed; ExitCode = $process.ExitCode; Out = $stdout.Result; Err = $stderr.Result }
}

function Invoke-Child([scriptblock] $Script, [string[]] $Arguments) {
    # Runs a child script in a fresh pwsh and returns the JSON it printed last.
    $file = Join-Path $work "child-$([Math]::Abs($Script.ToString().GetHashCode())).ps1"
    if (-not (Test-Path $file)) { Set-Content -Path $file -Value $Script.ToString() }
    $run = Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $file) + $Arguments)
    if ($run.ExitCode -ne 0) { throw "A benchmark child failed (exit $($run.ExitCode)): $($run.Err.Trim()) $($run.Out.Trim())" }
    $last = ($run.Out.Trim() -split "\r?\n")[-1]
    $last | ConvertFrom-Json
}

function Format-Ms($ms) { if ($null -eq $ms) { '–' } elseif ($ms -ge 10000) { '{0:N1} s' -f ($ms / 1000) } else { '{0:N0} ms' -f $ms } }
function Format-MB($bytes) { if ($null -eq $bytes) { '–' } else { '{0:N0} MB' -f ($bytes / 1MB) } }
function Format-Ratio($x, $y) { if (-not $x -or -not $y) { '–' } else { '{0:N1}x' -f ($x / $y) } }

# ---------------------------------------------------------------------------------------------------------------------
# Measurements

$quotedModule = "'" + ($ModulePath -replace "'", "''") + "'"
# Each start prints its own CPU time (user + sys) last: unlike wall time, it hardly moves when other processes load the
# machine, so the CPU cost of the import stays readable on a busy 2-core box.
$cpuTime = '[Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)'
function Get-LastNumber($run) {
    if ($run.ExitCode -ne 0) { throw "A fresh pwsh failed (exit $($run.ExitCode)): $($run.Err.Trim())" }
    [double]::Parse(($run.Out.Trim() -split "\r?\n")[-1], [cultureinfo]::InvariantCulture)
}
$samples = @{ Inside = [System.Collections.Generic.List[double]]::new(); Bare = [System.Collections.Generic.List[double]]::new()
    WithImport = [System.Collections.Generic.List[double]]::new(); BareCpu = [System.Collections.Generic.List[double]]::new()
    WithImportCpu = [System.Collections.Generic.List[double]]::new() }
$import = $null
$runs = @{ a = [System.Collections.Generic.List[object]]::new(); b = [System.Collections.Generic.List[object]]::new(); c = [System.Collections.Generic.List[double]]::new() }
$cold = [System.Collections.Generic.List[double]]::new()
$consistency = $null
$measureError = $null
$kubectlVersion = try { ((& kubectl version --client 2>$null) | Select-Object -First 1) -replace '^Client Version:\s*', '' } catch { 'not found' }
$sandbox = $null
try {
    # 1. Import
    Write-Host "Import-Module: $ImportRepeat fresh pwsh processes each for the import, the bare start and the start with import..."
    # One untimed start warms the disk cache for every variant alike.
    $null = Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module $quotedModule"))
    for ($i = 1; $i -le $ImportRepeat; $i++) {
        $samples.Inside.Add((Get-LastNumber (Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command',
                            "(Measure-Command { Import-Module $quotedModule }).TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)")))))
        $bare = Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $cpuTime))
        $samples.Bare.Add($bare.Ms); $samples.BareCpu.Add((Get-LastNumber $bare))
        $with = Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module $quotedModule; $cpuTime"))
        $samples.WithImport.Add($with.Ms); $samples.WithImportCpu.Add((Get-LastNumber $with))
    }
    $import = [ordered]@{}
    foreach ($key in $samples.Keys) { $import[$key] = Get-Median $samples[$key] }
    $import.Adds = $import.WithImport - $import.Bare
    $import.AddsCpu = $import.WithImportCpu - $import.BareCpu
    Write-Host ("  Import-Module {0}; pwsh start {1}, with import {2} (+{3}; CPU +{4})" -f (Format-Ms $import.Inside), (Format-Ms $import.Bare),
        (Format-Ms $import.WithImport), (Format-Ms $import.Adds), (Format-Ms $import.AddsCpu))

    # 2. Listing pods, against the sandbox
    Import-Module (Join-Path $PSScriptRoot '../tools/Sandbox.psm1') -Force
    Write-Host "Starting the sandbox with $Pods pods in $Namespaces namespaces..."
    $sandbox = Start-Sandbox -SandboxPath $SandboxPath -Pods $Pods -Namespaces $Namespaces -TimeoutSeconds 300
    $kubeconfig = $sandbox.Kubeconfig
    Write-Host "  ready at $($sandbox.Url)"

    # Warm the server (its JIT, its caches) so that whichever variant runs first is not penalised.
    $warmup = Invoke-Timed @('--kubeconfig', $kubeconfig, 'get', 'pods', '-A', '-o', 'json') -FileName 'kubectl'
    if ($warmup.ExitCode -ne 0) { throw "kubectl get pods -A failed against the sandbox: $($warmup.Err.Trim())" }
    $null = Invoke-Timed @('--kubeconfig', $kubeconfig, 'get', 'pods', '-A') -FileName 'kubectl'
    $null = Invoke-Child $moduleRun @('-ModulePath', $ModulePath, '-Kubeconfig', $kubeconfig)

    # Consistency: the PowerShell port must agree with the module, or the comparison means nothing.
    $mine = @(Invoke-Child $moduleEmit @('-ModulePath', $ModulePath, '-Kubeconfig', $kubeconfig))
    $theirs = @(Invoke-Child $baselineRun @('-Kubeconfig', $kubeconfig, '-Emit'))
    $index = @{}; foreach ($p in $theirs) { $index["$($p.Namespace)/$($p.Name)"] = $p }
    $differences = @(foreach ($p in $mine) {
            $q = $index["$($p.Namespace)/$($p.Name)"]
            if (-not $q -or $q.Ready -ne $p.Ready -or $q.Status -ne $p.Status -or $q.Restarts -ne $p.Restarts -or $q.Healthy -ne $p.Healthy) { "$($p.Namespace)/$($p.Name)" }
        })
    $consistency = [ordered]@{ Module = $mine.Count; Port = $theirs.Count; Differences = $differences.Count; Examples = @($differences | Select-Object -First 3)
        Unhealthy = @($mine | Where-Object { -not $_.Healthy }).Count }
    Write-Host "  consistency: module $($mine.Count) pods, port $($theirs.Count) pods, $($differences.Count) differ (Ready/Status/Restarts/Healthy)"

    for ($round = 1; $round -le $Repeat; $round++) {
        # Interleaved, so that a noisy moment hurts every variant alike. Only the first round also times a warm call.
        $warm = if ($round -eq 1) { @('-Warm') } else { @() }
        $a = Invoke-Child $moduleRun (@('-ModulePath', $ModulePath, '-Kubeconfig', $kubeconfig) + $warm)
        $runs.a.Add($a)
        $b = Invoke-Child $baselineRun (@('-Kubeconfig', $kubeconfig) + $warm)
        $runs.b.Add($b)
        $c = Invoke-Timed @('--kubeconfig', $kubeconfig, 'get', 'pods', '-A') -FileName 'kubectl'
        if ($c.ExitCode -ne 0) { throw "kubectl get pods -A failed: $($c.Err.Trim())" }
        $runs.c.Add($c.Ms)
        # Cold path: a fresh pwsh, the import and the first object of the first call.
        $coldRun = Invoke-Timed (@($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command',
                "Import-Module $quotedModule; `$null = Get-SeekapaPodHealth -AllNamespaces -Kubeconfig '$($kubeconfig -replace "'", "''")' | Select-Object -First 1"))
        if ($coldRun.ExitCode -ne 0) { throw "The cold-path run failed: $($coldRun.Err.Trim())" }
        $cold.Add($coldRun.Ms)
        Write-Host ("  round {0}/{1}: a {2} (first {3}), b {4} (first {5}), c {6}, cold path {7}" -f $round, $Repeat,
            (Format-Ms $a.TotalMs), (Format-Ms $a.FirstMs), (Format-Ms $b.TotalMs), (Format-Ms $b.FirstMs), (Format-Ms $c.Ms), (Format-Ms $coldRun.Ms))
    }
}
catch {
    $measureError = $_.Exception.Message
    Write-Warning "The measurements stopped: $measureError"
}
finally {
    if ($sandbox) { Stop-Sandbox $sandbox }
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

# ---------------------------------------------------------------------------------------------------------------------
# Report

function Get-Summary($list) {
    if (-not $list -or $list.Count -eq 0) { return $null }
    [ordered]@{
        Total = Get-Median @($list.TotalMs); First = Get-Median @($list.FirstMs)
        Peak = Get-Median @($list.PeakBytes); PeakDelta = Get-Median @($list | ForEach-Object { $_.PeakBytes - $_.BeforeBytes })
        Count = ($list | Select-Object -First 1).Count; WarmTotal = Get-Median @($list.WarmTotalMs); WarmFirst = Get-Median @($list.WarmFirstMs)
        Samples = ($list | ForEach-Object { '{0:N0}' -f $_.TotalMs }) -join ', '
        PeakReset = [bool]($list | Where-Object PeakReset)
    }
}
$a = Get-Summary $runs.a; $b = Get-Summary $runs.b
$cTotal = Get-Median @($runs.c)
$nproc = try { (& nproc).Trim() } catch { [Environment]::ProcessorCount }
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^.*?:\s*', '') } else { '' }
$memory = if (Test-Path /proc/meminfo) { '{0:N1} GB' -f ([double](((Get-Content /proc/meminfo -TotalCount 1) -split '\s+')[1]) / 1MB) } else { '' }

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Seekapa.Ops benchmark results')
$lines.Add('')
$lines.Add("Produced by ``bench/Invoke-Benchmark.ps1`` (``dotnet pwsh ./build.ps1 -Task Bench``); see bench/README.md for the method.")
$lines.Add('Medians; every measured run is a fresh pwsh process. Timings are reported, never asserted.')
$lines.Add('')
$lines.Add('| | |')
$lines.Add('|---|---|')
$lines.Add("| date | $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture)) UTC |")
$lines.Add("| machine | nproc $nproc; $cpu; $memory RAM; $([Runtime.InteropServices.RuntimeInformation]::OSDescription) |")
$lines.Add("| runtime | PowerShell $($PSVersionTable.PSVersion) on .NET $([Environment]::Version); kubectl $kubectlVersion |")
$lines.Add("| module | Seekapa.Ops $version (a copy of $ModuleSource) |")
$lines.Add("| sandbox | $Pods pods in $Namespaces namespaces, repeated $Repeat times; import repeated $ImportRepeat times |")
$lines.Add('')
$lines.Add('## Import')
$lines.Add('')
if ($import) {
    $lines.Add('| measure | wall time | CPU time | target |')
    $lines.Add('|---|---:|---:|---|')
    $lines.Add("| ``Measure-Command { Import-Module Seekapa.Ops }`` in a fresh pwsh | $(Format-Ms $import.Inside) | | |")
    $lines.Add("| fresh ``pwsh -NoProfile`` start | $(Format-Ms $import.Bare) | $(Format-Ms $import.BareCpu) | |")
    $lines.Add("| fresh ``pwsh -NoProfile`` start + ``Import-Module`` | $(Format-Ms $import.WithImport) | $(Format-Ms $import.WithImportCpu) | |")
    $lines.Add("| **the import adds** (difference of the medians) | **$(Format-Ms $import.Adds)** | $(Format-Ms $import.AddsCpu) | < 100 ms |")
    $lines.Add('')
    $lines.Add("Samples (ms): Import-Module $(($samples.Inside | ForEach-Object { '{0:N0}' -f $_ }) -join ', '); " +
        "start $(($samples.Bare | ForEach-Object { '{0:N0}' -f $_ }) -join ', '); start + import $(($samples.WithImport | ForEach-Object { '{0:N0}' -f $_ }) -join ', ').")
    $lines.Add('')
}
$lines.Add("## Listing $('{0:N0}' -f $Pods) pods (``-AllNamespaces``)")
$lines.Add('')
if ($a -and $b) {
    $lines.Add('| variant | total | first object | peak working set | peak over start | objects |')
    $lines.Add('|---|---:|---:|---:|---:|---:|')
    $lines.Add("| a. ``Get-SeekapaPodHealth -AllNamespaces`` | $(Format-Ms $a.Total) | $(Format-Ms $a.First) | $(Format-MB $a.Peak) | $(Format-MB $a.PeakDelta) | $($a.Count) |")
    $lines.Add("| b. ``kubectl get pods -A -o json \| ConvertFrom-Json`` + printPod in PowerShell | $(Format-Ms $b.Total) | $(Format-Ms $b.First) | $(Format-MB $b.Peak) | $(Format-MB $b.PeakDelta) | $($b.Count) |")
    $lines.Add("| c. ``kubectl get pods -A`` (text) | $(Format-Ms $cTotal) | | | | |")
    $lines.Add("| a, second call in the same session | $(Format-Ms $a.WarmTotal) | $(Format-Ms $a.WarmFirst) | | | |")
    $lines.Add("| b, second call in the same session | $(Format-Ms $b.WarmTotal) | $(Format-Ms $b.WarmFirst) | | | |")
    $lines.Add("| cold path: fresh pwsh + import + first object of a | $(Format-Ms (Get-Median @($cold))) | | | | |")
    $lines.Add('')
    $lines.Add('| ratio | value | target |')
    $lines.Add('|---|---:|---|')
    $lines.Add("| **b / a** (total) | **$(Format-Ratio $b.Total $a.Total)** | >= 3x |")
    $lines.Add("| c / a (total) | $(Format-Ratio $cTotal $a.Total) | |")
    $lines.Add("| b / a (time to first object) | $(Format-Ratio $b.First $a.First) | |")
    $lines.Add("| b / a (peak over start) | $(Format-Ratio $b.PeakDelta $a.PeakDelta) | |")
    $lines.Add("| **a: first object** (first call in a fresh pwsh) | **$(Format-Ms $a.First)** | <= 300 ms |")
    $lines.Add("| a: first object (second call in the same session) | $(Format-Ms $a.WarmFirst) | <= 300 ms |")
    $lines.Add('')
    $lines.Add("Samples (total, ms): a $($a.Samples); b $($b.Samples); c $(($runs.c | ForEach-Object { '{0:N0}' -f $_ }) -join ', ').")
    $lines.Add('')
    $lines.Add("Consistency check before timing: the module returned $($consistency.Module) pods ($($consistency.Unhealthy) unhealthy), the PowerShell port $($consistency.Port); " +
        "$($consistency.Differences) differ in Ready, Status, Restarts or Healthy$(if ($consistency.Differences) { " (e.g. $($consistency.Examples -join ', '))" }).")
    $lines.Add("Peak working set: Process.PeakWorkingSet64 of the measuring pwsh$(if ($a.PeakReset) { ', reset to the current RSS just before the command (/proc/self/clear_refs)' }); " +
        "kubectl's own memory (a separate process) is not included in b.")
}
if ($measureError) {
    $lines.Add('')
    $lines.Add("**Not measured completely:** $measureError")
}
$report = $lines -join "`n"
Set-Content -Path $OutFile -Value $report -Encoding utf8NoBOM
Write-Host ''
Write-Output $report
if ($measureError) { exit 1 }
