#Requires -Version 7.4
<#
.SYNOPSIS
    Measures the cold path (a fresh pwsh: start, Import-Module, first cluster call) and writes bench/cold-start.md.
.DESCRIPTION
    Whole processes, timed from Process.Start to exit, their output read and discarded. For each pwsh host:
      a  pwsh -NoProfile -c exit
      b  pwsh -NoProfile -c "Import-Module <module>"
      c  pwsh -NoProfile -c "Import-Module <module>; Get-SeekapaPodHealth -AllNamespaces -Unhealthy"   (small sandbox)
    and against a sandbox of -Pods pods in -Namespaces namespaces:
      d  pwsh -NoProfile -File job.ps1 (Import-Module + Get-SeekapaPodHealth -AllNamespaces -Unhealthy)
         against  bash -c "kubectl get pods -A | grep -v Running"
    Variants run one after the other in rounds; the order rotates by one every round so that a noisy moment hurts each
    variant alike; the first round warms the disk cache and is dropped. What the import adds is b - a, what the first
    call adds is c - b, each taken within a round (paired) and then the median over rounds; d is reported as the median
    of the per-round ratios pwsh job / kubectl. Raw samples go into the report. Nothing is asserted (bench/README.md).

    -ModulePath takes several module folders (for example builds before and after a change): each gets its own b, c and
    d variants in the same rounds, so their difference is measured under the same load. -PwshPath adds hosts: a pwsh
    executable, or a pwsh.dll (run by `dotnet`); the host running this script is always measured.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Measure-ColdStart.ps1 -ModulePath out/Seekapa.Ops -SandboxPath out/sandbox
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Measure-ColdStart.ps1 -ModulePath out/Seekapa.Ops -SandboxPath out/sandbox -PwshPath out/pwsh74/pwsh
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string[]] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath,
    # More pwsh hosts to measure besides this one (an executable, or a pwsh.dll run with dotnet).
    [string[]] $PwshPath = @(),
    [int] $Rounds = 9,
    [int] $BigRounds = 7,
    [int] $Pods = 10000,
    [int] $Namespaces = 20,
    [switch] $SkipBig,
    [string] $OutFile = (Join-Path $PSScriptRoot 'cold-start.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../tools/Sandbox.psm1') -Force

# `pwsh -File` passes "a,b" as one string: split lists here.
$ModulePath = @($ModulePath | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$PwshPath = @($PwshPath | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

$work = Join-Path ([IO.Path]::GetTempPath()) "seekapa-coldstart-$([guid]::NewGuid().ToString('n'))"
$null = New-Item -ItemType Directory -Path $work
# Private copies: a concurrent build of out/ cannot change the bits mid-run.
$modules = @(for ($i = 0; $i -lt $ModulePath.Count; $i++) {
        $source = (Resolve-Path $ModulePath[$i]).Path
        # Several builds are told apart by the folder that holds each (…/step1/Seekapa.Ops -> step1).
        $label = if ($ModulePath.Count -eq 1) { 'module' } else { "$i-$(Split-Path (Split-Path $source) -Leaf)" }
        $copy = Join-Path $work "$label/Seekapa.Ops"
        $null = New-Item -ItemType Directory -Path (Split-Path $copy) -Force
        Copy-Item $source $copy -Recurse
        $job = Join-Path $work "$label-job.ps1"
        "Import-Module '$copy'`nGet-SeekapaPodHealth -AllNamespaces -Unhealthy" | Set-Content $job
        [pscustomobject]@{ Label = $label; Source = $source; Path = $copy; Job = $job
            SizeMB = [Math]::Round(((Get-ChildItem $copy -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 1) }
    })

# A host is how to start a pwsh: a file to run and the arguments that come before pwsh's own.
function New-PwshHost([string] $Path) {
    if ([IO.Path]::GetExtension($Path) -eq '.dll') { return [pscustomobject]@{ File = 'dotnet'; Prefix = @((Resolve-Path $Path).Path) } }
    $exe = (Get-Command $Path -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    [pscustomobject]@{ File = $exe; Prefix = @() }
}
$selfExe = [Environment]::ProcessPath
$hostList = [Collections.Generic.List[object]]::new()
$hostList.Add($(if ([IO.Path]::GetFileNameWithoutExtension($selfExe) -eq 'dotnet') {
            [pscustomobject]@{ File = $selfExe; Prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        } else { [pscustomobject]@{ File = $selfExe; Prefix = @() } }))
foreach ($p in $PwshPath) { $hostList.Add((New-PwshHost $p)) }

# GNU time, where there is one, adds each process's CPU time (user + sys, children included): on a machine shared
# with other work the CPU time moves much less than the wall time.
$gnuTime = if (Test-Path /usr/bin/time) { '/usr/bin/time' }
$cpuFile = Join-Path $work 'cpu.txt'

# Wall time of one process, Start to exit, and its CPU time; stdout and stderr are drained and dropped (stderr kept
# for errors).
function Measure-Process([string] $File, [string[]] $Arguments, [hashtable] $Environment = @{}) {
    $psi = [Diagnostics.ProcessStartInfo]::new($(if ($gnuTime) { $gnuTime } else { $File }))
    if ($gnuTime) { foreach ($a in '-f', '%U %S', '-o', $cpuFile, $File) { $psi.ArgumentList.Add($a) } }
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $p = [Diagnostics.Process]::Start($psi)
    $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
    $p.WaitForExit()
    $ms = $sw.Elapsed.TotalMilliseconds
    $null = $out.Wait(10000); $null = $err.Wait(10000)
    if ($p.ExitCode -ne 0 -or $err.Result.Trim()) {
        throw "'$File $($Arguments -join ' ')' failed (exit $($p.ExitCode)): $($err.Result)"
    }
    $cpu = if ($gnuTime) {
        $u, $k = (Get-Content $cpuFile | Select-Object -Last 1).Split(' ')
        [Math]::Round(([double]$u + [double]$k) * 1000)
    } else { [double]::NaN }
    [pscustomobject]@{ Ms = [Math]::Round($ms, 1); CpuMs = $cpu }
}

function New-Variant([string] $File, [string[]] $Arguments, [hashtable] $Environment) {
    [pscustomobject]@{ File = $File; Arguments = $Arguments; Environment = $Environment }
}

foreach ($h in $hostList) {
    $psi = @($h.Prefix) + @('-NoProfile', '-NonInteractive', '-c', '"PowerShell $($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"')
    $h | Add-Member Label ((& $h.File @psi) -join '').Trim()
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

# Runs the variants (name -> process to start) in rotated order; the first round is dropped.
function Invoke-Rounds([System.Collections.Specialized.OrderedDictionary] $Variants, [int] $Count) {
    $names = @($Variants.Keys)
    $samples = [ordered]@{}; foreach ($n in $names) { $samples[$n] = [Collections.Generic.List[object]]::new() }
    for ($round = 0; $round -le $Count; $round++) {
        $line = foreach ($i in 0..($names.Count - 1)) {
            $name = $names[($i + $round) % $names.Count]
            $v = $Variants[$name]
            $m = Measure-Process $v.File $v.Arguments $v.Environment
            if ($round -gt 0) { $samples[$name].Add($m) }
            "$name $($m.Ms)/$($m.CpuMs)"
        }
        Write-Host ("round {0}{1}: {2}" -f $round, $(if ($round -eq 0) { ' (warm-up, dropped)' } else { '' }), ($line -join ', '))
    }
    $samples
}

function Format-Samples($Samples) { ($Samples | ForEach-Object { "$([Math]::Round($_.Ms))/$($_.CpuMs)" }) -join ', ' }
function Wall($Samples) { @($Samples | ForEach-Object Ms) }
function Cpu($Samples) { @($Samples | ForEach-Object CpuMs) }
function Round1([double] $x) { [Math]::Round($x, 1) }

# Paired: the per-round differences (or ratios) of two sample lists of equal length.
function Get-Paired($A, $B, [scriptblock] $Op) { $A = @($A); $B = @($B); @(for ($i = 0; $i -lt $A.Count; $i++) { & $Op $A[$i] $B[$i] }) }

$report = [Text.StringBuilder]::new()
$null = $report.AppendLine('# Cold start').AppendLine()
$null = $report.AppendLine("Run $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC on $([Environment]::ProcessorCount) cores (load average before: $(try { (Get-Content /proc/loadavg -ErrorAction Stop).Split(' ')[0..2] -join ' ' } catch { '?' })), by ``bench/Measure-ColdStart.ps1`` (``build.ps1 -Task Bench``).")
$null = $report.AppendLine('Whole processes, Start to exit, output discarded; variants interleaved in rounds with the order rotated each round, the first round dropped;')
$null = $report.AppendLine('"adds" = median over rounds of the paired per-round difference; ratio = median of the per-round ratios. CPU = user + sys of the process and its children (GNU time). Targets (issue 20): import adds <= 100 ms, the first call adds <= 300 ms, the 10,000-pod job <= 0.7x kubectl.').AppendLine()
foreach ($m in $modules) {
    $r2r = @(Get-ChildItem $m.Path -Recurse -Filter *.dll -File | Where-Object {
            try {
                $s = [IO.File]::OpenRead($_.FullName)
                try { $pe = [Reflection.PortableExecutable.PEReader]::new($s); $null -ne $pe.PEHeaders.CorHeader -and $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $s.Dispose() }
            } catch { $false }
        })
    $all = @(Get-ChildItem $m.Path -Recurse -Filter *.dll -File).Count
    $folders = @($r2r | ForEach-Object { [IO.Path]::GetRelativePath($m.Path, $_.DirectoryName) } | Sort-Object -Unique) -join ', '
    $null = $report.AppendLine("- module ``$($m.Label)``: $($m.Source), $($m.SizeMB) MB, $($r2r.Count) of $all dlls ReadyToRun$(if ($folders) { " (in $folders)" })")
}
$null = $report.AppendLine("- hosts: $(($hostList | ForEach-Object Label) -join '; '); kubectl $(try { (kubectl version --client -o json | ConvertFrom-Json).clientVersion.gitVersion } catch { '?' })")
$null = $report.AppendLine()

# ---------------------------------------------------------------------------------------------------------------------
# a, b, c on the small unhealthy sandbox
$small = Start-Sandbox -SandboxPath $SandboxPath -Scenario unhealthy
try {
    $envSmall = @{ KUBECONFIG = $small.Kubeconfig }
    foreach ($h in $hostList) {
        Write-Host "== $($h.Label): start / import / first call (small sandbox)"
        $variants = [ordered]@{}
        $variants['a'] = New-Variant $h.File (@($h.Prefix) + @('-NoProfile', '-NonInteractive', '-c', 'exit')) $envSmall
        foreach ($m in $modules) {
            $variants["b.$($m.Label)"] = New-Variant $h.File (@($h.Prefix) + @('-NoProfile', '-NonInteractive', '-c', "Import-Module '$($m.Path)'")) $envSmall
            $variants["c.$($m.Label)"] = New-Variant $h.File (@($h.Prefix) + @('-NoProfile', '-NonInteractive', '-c', "Import-Module '$($m.Path)'; Get-SeekapaPodHealth -AllNamespaces -Unhealthy")) $envSmall
        }
        $s = Invoke-Rounds $variants $Rounds
        $null = $report.AppendLine("## $($h.Label): start, import, first call (sandbox ``unhealthy``, $Rounds rounds)").AppendLine()
        $null = $report.AppendLine('| module | pwsh start (a): wall / CPU ms | + Import-Module (b - a): wall / CPU ms | + first Get-SeekapaPodHealth -AllNamespaces -Unhealthy (c - b): wall / CPU ms | whole c: wall / CPU ms |')
        $null = $report.AppendLine('|---|---:|---:|---:|---:|')
        $diff = { $args[0] - $args[1] }
        foreach ($m in $modules) {
            $a = $s['a']; $b = $s["b.$($m.Label)"]; $c = $s["c.$($m.Label)"]
            $null = $report.AppendLine("| $($m.Label) | $(Get-Median (Wall $a)) / $(Get-Median (Cpu $a)) | " +
                "**$(Round1 (Get-Median (Get-Paired (Wall $b) (Wall $a) $diff)))** / $(Round1 (Get-Median (Get-Paired (Cpu $b) (Cpu $a) $diff))) | " +
                "**$(Round1 (Get-Median (Get-Paired (Wall $c) (Wall $b) $diff)))** / $(Round1 (Get-Median (Get-Paired (Cpu $c) (Cpu $b) $diff))) | " +
                "$(Get-Median (Wall $c)) / $(Get-Median (Cpu $c)) |")
        }
        $null = $report.AppendLine().AppendLine('Samples (wall ms / CPU ms):')
        foreach ($k in $s.Keys) { $null = $report.AppendLine("- ${k}: $(Format-Samples $s[$k])") }
        $null = $report.AppendLine()
        # Written as each part ends, so that a long run interrupted later still leaves its results.
        $report.ToString() | Set-Content -Path $OutFile
    }
}
finally { Stop-Sandbox $small }

# ---------------------------------------------------------------------------------------------------------------------
# d on the big sandbox
if (-not $SkipBig) {
    $big = Start-Sandbox -SandboxPath $SandboxPath -Pods $Pods -Namespaces $Namespaces
    try {
        $envBig = @{ KUBECONFIG = $big.Kubeconfig }
        $kubectlRows = (kubectl --kubeconfig $big.Kubeconfig get pods -A --no-headers | Measure-Object).Count
        foreach ($h in $hostList) {
            Write-Host "== $($h.Label): $Pods-pod job vs kubectl"
            $variants = [ordered]@{}
            $variants['kubectl'] = New-Variant 'bash' @('-c', 'kubectl get pods -A | grep -v Running') $envBig
            foreach ($m in $modules) {
                $variants["job.$($m.Label)"] = New-Variant $h.File (@($h.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $m.Job)) $envBig
            }
            $s = Invoke-Rounds $variants $BigRounds
            $null = $report.AppendLine("## $($h.Label): a fresh ``pwsh -File`` job against kubectl, $Pods pods in $Namespaces namespaces ($kubectlRows rows, $BigRounds rounds)").AppendLine()
            $null = $report.AppendLine('| module | job: wall / CPU ms (median) | kubectl get pods -A \| grep -v Running: wall / CPU ms (median) | job / kubectl, wall (paired median) | job / kubectl, CPU |')
            $null = $report.AppendLine('|---|---:|---:|---:|---:|')
            $ratio = { $args[0] / $args[1] }
            foreach ($m in $modules) {
                $j = $s["job.$($m.Label)"]; $k = $s['kubectl']
                $null = $report.AppendLine("| $($m.Label) | $(Get-Median (Wall $j)) / $(Get-Median (Cpu $j)) | $(Get-Median (Wall $k)) / $(Get-Median (Cpu $k)) | " +
                    "**$([Math]::Round((Get-Median (Get-Paired (Wall $j) (Wall $k) $ratio)), 2))x** | $([Math]::Round((Get-Median (Get-Paired (Cpu $j) (Cpu $k) $ratio)), 2))x |")
            }
            $null = $report.AppendLine().AppendLine("The job is ``Import-Module <module>; Get-SeekapaPodHealth -AllNamespaces -Unhealthy`` in a file; kubectl's CPU includes grep and bash. Samples (wall ms / CPU ms):")
            foreach ($k in $s.Keys) { $null = $report.AppendLine("- ${k}: $(Format-Samples $s[$k])") }
            $null = $report.AppendLine()
            $report.ToString() | Set-Content -Path $OutFile
        }
    }
    finally { Stop-Sandbox $big }
}

Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
$text = $report.ToString()
$text | Set-Content -Path $OutFile
$text
