#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks Seekapa.Ops.
.DESCRIPTION
    Build  publishes the installable module folder out/Seekapa.Ops/ and the sandbox cluster to out/sandbox/.
    Package  Build, then out/packages/Seekapa.Ops.<version>.nupkg (the PowerShell Gallery package, made by
           Publish-PSResource) and out/packages/Seekapa.Ops.zip (for Azure Automation: Seekapa.Ops/ at the zip's root).
    Test   Build, then xunit and Pester (in a fresh pwsh, against out/Seekapa.Ops; then the same Pester files again on
           PowerShell 7.4/.NET 8, a host built from tools/Pwsh74 into out/pwsh74), then ONE closing line
           "N passed, N failed" with both runners' counts. Exits non-zero on any failure.
    Demo   Starts the sandbox with the 'bad-deploy' scenario and walks the runbook: triage, rollback, wait, verify.
    Bench  Runs bench/Invoke-Benchmark.ps1 (results in bench/results.md) and the other bench/Measure-*.ps1 scripts.
    Clean  Removes out/ and every bin/ and obj/.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Where the module, sandbox and test results go (default ./out); parallel work trees keep theirs apart.
    [string] $OutPath,
    # Optional MSBuild artifacts folder, so that two builds of one source tree at once do not share bin/ and obj/.
    [string] $ArtifactsPath,
    # Build: skip the ReadyToRun step (tools/ReadyToRun) for a quicker inner loop; the module then JITs everything.
    [switch] $NoReadyToRun
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = if ($OutPath) { [IO.Path]::GetFullPath($OutPath) } else { Join-Path $Root 'out' }
$ArtifactsArgs = @(if ($ArtifactsPath) { '--artifacts-path'; [IO.Path]::GetFullPath($ArtifactsPath) })
$ModuleOut = Join-Path $Out 'Seekapa.Ops'
$SandboxOut = Join-Path $Out 'sandbox'
# Pinned tool versions (the NuGet package Pester; PowerShell itself is pinned in dotnet-tools.json).
$PesterVersion = '5.7.1'

function Invoke-Pwsh {
    # A fresh pwsh like this one. Under `dotnet pwsh` (the local tool) this process is dotnet itself, which needs
    # pwsh.dll as its first argument.
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    & $exe @prefix -NoProfile -NonInteractive @args
}

function Invoke-Native {
    param([Parameter(Mandatory)][string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Assert-Tool {
    # A missing binary is installed where we can (root + apt-get), else the run fails naming the command to run.
    param([string] $Name, [string[]] $AptPackages)
    if (Get-Command $Name -ErrorAction SilentlyContinue) { return }
    $canApt = $IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((id -u) -eq '0')
    if ($canApt) {
        Write-Host "Installing $Name with apt-get ($($AptPackages -join ' or '))..."
        & apt-get update -qq | Out-Null
        foreach ($package in $AptPackages) {
            & apt-get install -y -qq $package | Out-Null
            if (Get-Command $Name -ErrorAction SilentlyContinue) { return }
        }
    }
    throw "'$Name' is required and was not found. Install it: sudo apt-get install -y $($AptPackages[0])"
}

function Assert-DataServers {
    # The data-service tests and the Demo start real servers: PostgreSQL's initdb/pg_ctl (often only under
    # /usr/lib/postgresql/N/bin, not on PATH), redis-server and prometheus.
    $hasInitdb = { (Get-Command initdb -ErrorAction SilentlyContinue) -or (Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction SilentlyContinue) }
    if (-not (& $hasInitdb)) {
        if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((id -u) -eq '0')) {
            Write-Host 'Installing PostgreSQL with apt-get...'
            & apt-get update -qq | Out-Null
            & apt-get install -y -qq postgresql | Out-Null
        }
        if (-not (& $hasInitdb)) { throw "PostgreSQL's initdb is required and was not found. Install it: sudo apt-get install -y postgresql" }
    }
    Assert-Tool redis-server @('redis-server')
    Assert-Tool prometheus @('prometheus')
}

function Get-ProjectVersion {
    ([xml](Get-Content (Join-Path $Root 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
}

function Invoke-ReadyToRun([string] $Staging) {
    # bin/ stays portable IL. The same IL precompiled (tools/ReadyToRun) for this machine's OS and CPU, once per runtime
    # (PowerShell 7.4 = .NET 8, 7.6 = .NET 10), goes to bin/r2r/<os>-<arch>/net<major>/, which LoadContext prefers on
    # that platform and runtime; only the images the compiler changed are kept.
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $rid = "$os-$(([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture).ToString().ToLowerInvariant())"
    $ilDir = Join-Path $Staging 'bin'
    foreach ($major in 8, 10) {
        $r2r = Join-Path $Staging "r2r-net$major"
        Invoke-Native dotnet (@('publish', (Join-Path $Root 'tools/ReadyToRun'), '-f', "net$major.0", '-r', $rid, '-c', 'Release', "-p:ReadyToRunInput=$ilDir", '-o', $r2r, '--nologo', '-v', 'q') + $ArtifactsArgs)
        $target = Join-Path $Staging "bin/r2r/$rid/net$major"
        $null = New-Item -ItemType Directory -Path $target -Force
        Get-ChildItem $r2r -Filter *.dll | Where-Object {
            $_.Name -ne 'Seekapa.Ops.dll' -and $_.Name -notlike 'System.Management.Automation*' -and $_.Length -ne (Get-Item (Join-Path $ilDir $_.Name)).Length
        } | Copy-Item -Destination $target
    }
}

function Invoke-Build {
    $version = Get-ProjectVersion
    $staging = Join-Path $Out 'obj'
    Remove-Item $ModuleOut, $staging -Recurse -Force -ErrorAction SilentlyContinue
    Invoke-Native dotnet (@('publish', (Join-Path $Root 'src/Seekapa.Ops.PowerShell'), '-c', $Configuration, '-o', (Join-Path $staging 'bin'), '--nologo', '-v', 'q') + $ArtifactsArgs)
    Invoke-Native dotnet (@('build', (Join-Path $Root 'src/Seekapa.Ops'), '-c', $Configuration, '-o', (Join-Path $staging 'shared'), '--nologo', '-v', 'q') + $ArtifactsArgs)
    Invoke-Native dotnet (@('publish', (Join-Path $Root 'src/Seekapa.Ops.Sandbox'), '-c', $Configuration, '-o', $SandboxOut, '--nologo', '-v', 'q') + $ArtifactsArgs)

    if (-not $NoReadyToRun) { Invoke-ReadyToRun $staging }

    $null = New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'bin'), (Join-Path $ModuleOut 'en-US') -Force
    Copy-Item (Join-Path $staging 'shared/Seekapa.Ops.dll') $ModuleOut
    # Everything the cmdlet assembly needs, except the shared models (default context) and PowerShell itself.
    Get-ChildItem (Join-Path $staging 'bin') -File |
        Where-Object { $_.Name -ne 'Seekapa.Ops.dll' -and $_.Name -ne 'Seekapa.Ops.pdb' -and $_.Name -notlike 'System.Management.Automation*' } |
        Copy-Item -Destination (Join-Path $ModuleOut 'bin')
    if (Test-Path (Join-Path $staging 'bin/r2r')) { Copy-Item (Join-Path $staging 'bin/r2r') (Join-Path $ModuleOut 'bin') -Recurse }
    Copy-Item (Join-Path $Root 'module/Seekapa.Ops.psm1'), (Join-Path $Root 'module/Seekapa.Ops.Format.ps1xml') $ModuleOut
    (Get-Content (Join-Path $Root 'module/Seekapa.Ops.psd1') -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'" |
        Set-Content (Join-Path $ModuleOut 'Seekapa.Ops.psd1') -NoNewline
    Copy-Item (Join-Path $Root 'module/en-US/*') (Join-Path $ModuleOut 'en-US') -Recurse -ErrorAction SilentlyContinue
    $helpTool = Join-Path $Root 'tools/New-MamlHelp.ps1'
    if (Test-Path $helpTool) {
        & $helpTool -DocsPath (Join-Path $Root 'docs/cmdlets') -OutputPath (Join-Path $ModuleOut 'en-US/Seekapa.Ops.PowerShell.dll-Help.xml')
    }
    Remove-Item $staging -Recurse -Force
    Write-Host "Built module $version -> $ModuleOut; sandbox -> $SandboxOut"
}

function Invoke-Package {
    Invoke-Build
    $packages = Join-Path $Out 'packages'
    Remove-Item $packages -Recurse -Force -ErrorAction SilentlyContinue
    $files = & (Join-Path $Root 'tools/New-ModulePackage.ps1') -ModulePath $ModuleOut -OutputPath $packages -LicensePath (Join-Path $Root 'LICENSE')
    foreach ($file in $files) { Write-Host "Packaged $($file.Name) ($([Math]::Round($file.Length / 1MB, 1)) MB) -> $($file.FullName)" }
}

function Get-PesterModulePath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $psd1 = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
    # Also brings the older YamlDotNet the load-context test loads first.
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/Tools.proj'), '--nologo', '-v', 'q')
    if (-not (Test-Path $psd1)) { throw "Pester $PesterVersion was not found at $psd1 after restoring tools/Tools.proj." }
    $psd1
}

function Invoke-UnitTests {
    $results = Join-Path $Out 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $Root 'tests/Unit') -c $Configuration --nologo @ArtifactsArgs --logger 'trx;LogFileName=unit.trx' --results-directory $results | Out-Host
    $exit = $LASTEXITCODE
    $trx = Join-Path $results 'unit.trx'
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; Note = "xunit produced no results (exit $exit)" } }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ($exit -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = $failed; Skipped = [int]$counters.notExecuted; Note = $null }
}

function Invoke-BuildPwsh74 {
    # PowerShell 7.4 on .NET 8 (Azure Automation's runtime) for the second Pester leg: no `powershell` tool 7.4 exists
    # on NuGet, so tools/Pwsh74 is a self-contained ConsoleShell host on Microsoft.PowerShell.SDK 7.4.x and the .NET 8
    # runtime pack, published once per run into the ignored output. Returns the host and the version it must report.
    $project = Join-Path $Root 'tools/Pwsh74/Pwsh74.csproj'
    $hostOut = Join-Path $Out 'pwsh74'
    Remove-Item $hostOut -Recurse -Force -ErrorAction SilentlyContinue
    # To the console, not into this function's output (the caller reads the host object below).
    Invoke-Native dotnet (@('publish', $project, '-c', 'Release', '-o', $hostOut, '--nologo', '-v', 'q') + $ArtifactsArgs) | Out-Host
    $sdkVersion = ([xml](Get-Content $project -Raw)).Project.ItemGroup.PackageReference |
        Where-Object Include -eq 'Microsoft.PowerShell.SDK' | ForEach-Object Version
    [pscustomobject]@{ Path = Join-Path $hostOut 'pwsh'; Version = $sdkVersion }
}

function Invoke-PesterTests {
    # One leg: the whole suite in a fresh PowerShell (a binary module cannot be unloaded, and the load-context tests
    # need a clean process). -PwshPath picks the host (default: a pwsh like this one); -Version is what it must be,
    # handed to the tests as SEEKAPA_TEST_LEG (tests/Pester/Runtime.Tests.ps1 checks it).
    param([string] $Leg = 'pwsh', [string] $PwshPath, [string] $Version)
    $pester = Get-PesterModulePath
    $resultFile = Join-Path $Out "test-results/pester-$Leg.json"
    $null = New-Item -ItemType Directory -Path (Split-Path $resultFile) -Force
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$env:SEEKAPA_MODULE_PATH = '$ModuleOut'
`$env:SEEKAPA_SANDBOX_PATH = '$SandboxOut'
`$env:SEEKAPA_TEST_LEG = '$Version'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount + `$r.NotRunCount; Runtime = "PowerShell `$(`$PSVersionTable.PSVersion) on .NET `$([Environment]::Version)" } | ConvertTo-Json | Set-Content '$resultFile'
"@
    $started = [DateTime]::UtcNow
    if ($PwshPath) {
        # Another PowerShell must not inherit this one's module path (its $PSHOME/Modules hold modules built for this
        # runtime, e.g. PSResourceGet for .NET 10): it starts from its own default, as an installed copy would.
        $savedModulePath = $env:PSModulePath
        $env:PSModulePath = $null
        try { & $PwshPath -NoProfile -NonInteractive -Command $script | Out-Host }
        finally { $env:PSModulePath = $savedModulePath }
    }
    else { Invoke-Pwsh -Command $script | Out-Host }
    $minutes = ([DateTime]::UtcNow - $started).TotalMinutes
    if (-not (Test-Path $resultFile)) { return [pscustomobject]@{ Leg = $Leg; Passed = 0; Failed = 1; Skipped = 0; Minutes = $minutes; Note = "Pester ($Leg) produced no results" } }
    $r = Get-Content $resultFile -Raw | ConvertFrom-Json
    [pscustomobject]@{ Leg = "$Leg, $($r.Runtime)"; Passed = [int]$r.Passed; Failed = [int]$r.Failed; Skipped = [int]$r.Skipped; Minutes = $minutes; Note = $null }
}

function Invoke-Test {
    Assert-Tool kubectl @('kubectl', 'kubernetes-client')
    Assert-DataServers
    Invoke-Build
    $unit = Invoke-UnitTests
    # Leg 1: the pinned pwsh tool (dotnet-tools.json); leg 2: PowerShell 7.4 on .NET 8, the same files.
    $toolVersion = (Get-Content (Join-Path $Root 'dotnet-tools.json') -Raw | ConvertFrom-Json).tools.powershell.version
    $legs = @(Invoke-PesterTests -Leg "pwsh $toolVersion" -Version $toolVersion)
    $pwsh74 = $null
    try { $pwsh74 = Invoke-BuildPwsh74 }
    catch { $legs += [pscustomobject]@{ Leg = 'pwsh 7.4'; Passed = 0; Failed = 1; Skipped = 0; Minutes = 0; Note = "The PowerShell 7.4 host did not build: $_" } }
    if ($pwsh74) { $legs += Invoke-PesterTests -Leg "pwsh $($pwsh74.Version)" -PwshPath $pwsh74.Path -Version $pwsh74.Version }
    foreach ($r in @($unit) + $legs) { if ($r.Note) { Write-Host $r.Note -ForegroundColor Red } }
    $passed = $unit.Passed + ($legs | Measure-Object Passed -Sum).Sum
    $skipped = $unit.Skipped + ($legs | Measure-Object Skipped -Sum).Sum
    # Nothing is skipped silently: a skipped test counts as a failure here.
    $failed = $unit.Failed + ($legs | Measure-Object Failed -Sum).Sum + $skipped
    $perLeg = $legs | ForEach-Object { "Pester ($($_.Leg)): $($_.Passed) passed, $($_.Failed) failed in $([Math]::Round($_.Minutes, 1)) min" }
    Write-Host "xunit: $($unit.Passed) passed, $($unit.Failed) failed; $($perLeg -join '; '); skipped: $skipped"
    Write-Output "$passed passed, $failed failed"
    if ($failed -ne 0) { exit 1 }
}

function Invoke-Demo {
    Assert-Tool kubectl @('kubectl', 'kubernetes-client')
    Assert-DataServers
    Invoke-Build
    Invoke-Pwsh -File (Join-Path $Root 'tools/Demo.ps1') -ModulePath $ModuleOut -SandboxPath $SandboxOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Assert-Tool kubectl @('kubectl', 'kubernetes-client')
    Invoke-Build
    Invoke-Pwsh -File (Join-Path $Root 'bench/Invoke-Benchmark.ps1') -ModulePath $ModuleOut -SandboxPath $SandboxOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Invoke-Pwsh -File (Join-Path $Root 'bench/Measure-RolloutWait.ps1') -ModulePath $ModuleOut -SandboxPath $SandboxOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Invoke-Pwsh -File (Join-Path $Root 'bench/Measure-PodLog.ps1') -ModulePath $ModuleOut -SandboxPath $SandboxOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Invoke-Pwsh -File (Join-Path $Root 'bench/Measure-ColdStart.ps1') -ModulePath $ModuleOut -SandboxPath $SandboxOut
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Clean {
    Remove-Item $Out -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Where-Object FullName -notmatch '[\\/]\.git[\\/]' | Remove-Item -Recurse -Force
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Clean' { Invoke-Clean }
}
