# Dot-sourced by every Pester file: where the built module and sandbox are, and the sandbox helpers.
$script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:SEEKAPA_MODULE_PATH) { $env:SEEKAPA_MODULE_PATH } else { Join-Path $script:Root 'out/Seekapa.Ops' }
$script:SandboxPath = if ($env:SEEKAPA_SANDBOX_PATH) { $env:SEEKAPA_SANDBOX_PATH } else { Join-Path $script:Root 'out/sandbox' }
# Under `dotnet pwsh` (the local tool) this process is dotnet itself, which needs pwsh.dll as its first argument.
$script:Pwsh = [Environment]::ProcessPath
$script:PwshPrefix = @(if ([IO.Path]::GetFileNameWithoutExtension($script:Pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
Import-Module (Join-Path $script:Root 'tools/Sandbox.psm1') -Force

function Invoke-FreshPwsh {
    # Runs a script in a new pwsh (a binary module cannot be unloaded) and returns its JSON output as objects.
    param([Parameter(Mandatory)][string] $Script)
    $output = & $script:Pwsh @script:PwshPrefix -NoProfile -NonInteractive -Command $Script 2>&1
    if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    ($output | Where-Object { $_ -is [string] }) -join [Environment]::NewLine | ConvertFrom-Json
}
