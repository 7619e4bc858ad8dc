#Requires -Version 7.4
<#
.SYNOPSIS
    Packages a built module folder (out/Seekapa.Ops) for the PowerShell Gallery and for Azure Automation.
.DESCRIPTION
    Writes two files to -OutputPath:
    - Seekapa.Ops.<version>.nupkg: made by Publish-PSResource (PSResourceGet) to a temporary local file repository, so
      it is exactly what the Gallery receives (nuspec from the manifest: tags, projectUrl, licenseUrl, releaseNotes).
    - Seekapa.Ops.zip: the layout Azure Automation imports: the module folder Seekapa.Ops/ at the root of the zip.
    Both hold the module folder without debug symbols (*.pdb: of no use to a user, and they carry the build machine's
    paths) and with the LICENSE, which the MIT license asks to ship with every copy.

    PSResourceGet keeps its repository registrations in the user's data folder: the publish runs in a child pwsh whose
    HOME (and XDG folders) are a temporary folder, so the user's own registrations and modules are not touched on Linux
    and macOS; on Windows (where the folder does not follow HOME) the uniquely named registration is removed afterwards.
    The pwsh running this script must have Microsoft.PowerShell.PSResourceGet (PowerShell 7.4 and later ship it; the
    repo's `dotnet pwsh` 7.6 does); otherwise the script stops and says so.
.EXAMPLE
    ./tools/New-ModulePackage.ps1 -ModulePath out/Seekapa.Ops -OutputPath out/packages -LicensePath LICENSE
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputPath,
    [string] $LicensePath = (Join-Path $PSScriptRoot '../LICENSE')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Add-Type -AssemblyName System.IO.Compression.ZipFile

$ModulePath = (Resolve-Path $ModulePath).Path
$name = Split-Path $ModulePath -Leaf
$manifestPath = Join-Path $ModulePath "$name.psd1"
if (-not (Test-Path $manifestPath)) { throw "No module manifest at $manifestPath. Build the module first: dotnet pwsh ./build.ps1 -Task Build" }
$version = (Import-PowerShellDataFile $manifestPath).ModuleVersion
if (-not (Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)) {
    throw "Packaging needs the Microsoft.PowerShell.PSResourceGet module, which this pwsh ($($PSVersionTable.PSVersion)) does not have. Run it with the repo's PowerShell: dotnet pwsh ./build.ps1 -Task Package"
}

$OutputPath = [IO.Path]::GetFullPath($OutputPath)
$work = Join-Path ([IO.Path]::GetTempPath()) "seekapa-package-$([guid]::NewGuid().ToString('n'))"
try {
    # The module as shipped: the built folder, less debug symbols, plus the license.
    $stage = Join-Path $work "stage/$name"
    $null = New-Item -ItemType Directory -Path $stage -Force
    Copy-Item (Join-Path $ModulePath '*') $stage -Recurse
    Get-ChildItem $stage -Recurse -File -Filter '*.pdb' | Remove-Item -Force
    if (Test-Path $LicensePath) { Copy-Item $LicensePath (Join-Path $stage 'LICENSE') }

    # Publish-PSResource to a file repository registered in a throw-away HOME, in a child pwsh like this one.
    $repository = Join-Path $work 'repository'
    $scratchHome = Join-Path $work 'home'
    $null = New-Item -ItemType Directory -Path $repository, $scratchHome -Force
    $exe = [Environment]::ProcessPath
    # Under `dotnet pwsh` (the local tool) this process is dotnet itself, which needs pwsh.dll as its first argument.
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $publish = @"
`$ErrorActionPreference = 'Stop'
`$name = 'SeekapaOpsPackage$([guid]::NewGuid().ToString('n'))'
Register-PSResourceRepository -Name `$name -Uri '$($repository -replace "'", "''")' -Trusted
try { Publish-PSResource -Path '$($stage -replace "'", "''")' -Repository `$name }
finally { Unregister-PSResourceRepository -Name `$name }
"@
    $isolated = @{ HOME = $scratchHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
    $saved = @{}
    foreach ($key in $isolated.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $isolated[$key]) }
    try { $output = & $exe @prefix -NoProfile -NonInteractive -Command $publish 2>&1 }
    finally { foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) } }
    if ($LASTEXITCODE -ne 0) { throw "Publish-PSResource failed (exit $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    $nupkg = Join-Path $repository "$name.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not write $nupkg. It said: $($output -join [Environment]::NewLine)" }

    $null = New-Item -ItemType Directory -Path $OutputPath -Force
    Copy-Item $nupkg $OutputPath -Force
    # Azure Automation: the module folder at the root of the zip, the zip named as the module.
    $zip = Join-Path $OutputPath "$name.zip"
    Remove-Item $zip -Force -ErrorAction SilentlyContinue
    [IO.Compression.ZipFile]::CreateFromDirectory($stage, $zip, [IO.Compression.CompressionLevel]::Optimal, $true)

    Get-Item (Join-Path $OutputPath "$name.$version.nupkg"), $zip
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
