# The module's dependencies come in portable IL (bin/) plus, from build.ps1, ReadyToRun copies precompiled for the build
# machine's platform and each runtime (bin/r2r/<os>-<arch>/net<major>/). A precompiled image for another OS or CPU does
# not load at all, so the loader must pick only the copies made for the platform and runtime it runs on.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $script:Key = "$Os-$(([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture).ToString().ToLowerInvariant())"
    $script:Major = [Environment]::Version.Major

    # In a fresh pwsh: import the module at $Path, run a Core cmdlet, and report where the private context loaded
    # Core and KubernetesClient from.
    function Get-LoadedFrom([string] $Path) {
        Invoke-FreshPwsh @"
Import-Module '$Path'
`$policy = @(Get-SeekapaSeverityPolicy)
`$alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'Seekapa.Ops'
`$k8s = `$alc.LoadFromAssemblyName([System.Reflection.AssemblyName]'KubernetesClient')
`$core = `$alc.Assemblies | Where-Object { `$_.GetName().Name -eq 'Seekapa.Ops.Core' }
@{ Policies = `$policy.Count; Core = `$core.Location; Kubernetes = `$k8s.Location } | ConvertTo-Json
"@
    }
}

Describe 'Precompiled (ReadyToRun) copies' {
    It 'loads each dependency from the copy precompiled for this platform and runtime when the build made one, else from bin/' {
        $result = Get-LoadedFrom $ModulePath
        foreach ($name in 'Seekapa.Ops.Core', 'KubernetesClient') {
            $precompiled = Join-Path $ModulePath "bin/r2r/$Key/net$Major/$name.dll"
            $expected = if (Test-Path $precompiled) { $precompiled } else { Join-Path $ModulePath "bin/$name.dll" }
            $actual = if ($name -eq 'KubernetesClient') { $result.Kubernetes } else { $result.Core }
            [IO.Path]::GetFullPath($actual) | Should -Be ([IO.Path]::GetFullPath($expected))
        }
        $result.Policies | Should -BeGreaterThan 0
    }

    It 'ignores copies precompiled for another platform and runs the portable IL' {
        $copy = Join-Path $TestDrive 'Seekapa.Ops'
        Copy-Item $ModulePath $copy -Recurse
        $r2r = Join-Path $copy 'bin/r2r'
        $null = New-Item -ItemType Directory -Path $r2r -Force
        # Whatever this build precompiled now sits under another platform's name (an image for another CPU or OS fails
        # with "incorrect format" if loaded).
        $other = if ($Key -eq 'win-arm64') { 'linux-x64' } else { 'win-arm64' }
        Get-ChildItem $r2r -Directory | Where-Object Name -eq $Key | Rename-Item -NewName $other
        $null = New-Item -ItemType Directory -Path (Join-Path $r2r "$other/net$Major") -Force
        Copy-Item (Join-Path $copy 'bin/Seekapa.Ops.Core.dll') (Join-Path $r2r "$other/net$Major/KubernetesClient.dll") -Force

        $result = Get-LoadedFrom $copy

        [IO.Path]::GetFullPath($result.Core) | Should -Be ([IO.Path]::GetFullPath((Join-Path $copy 'bin/Seekapa.Ops.Core.dll')))
        [IO.Path]::GetFullPath($result.Kubernetes) | Should -Be ([IO.Path]::GetFullPath((Join-Path $copy 'bin/KubernetesClient.dll')))
        $result.Policies | Should -BeGreaterThan 0
    }
}
