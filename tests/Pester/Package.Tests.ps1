# The packages of build.ps1 -Task Package (tools/New-ModulePackage.ps1 on the BUILT module), used as a user would: the
# nupkg installed with Install-PSResource from a local file repository, the Azure Automation zip unzipped; each copy
# imported in a fresh pwsh and run against the sandbox. Also the manifest's Gallery fields and every cmdlet's HelpUri.
#
# PSResourceGet ships with PowerShell 7.4 and later, but a test host built from the PowerShell SDK (the 7.4/.NET 8 leg)
# has no $PSHOME/Modules: there, packaging and Install-PSResource run through the repo's PowerShell 7.6 (the
# dotnet-tools.json pwsh), and the installed copy is still imported and run by this host.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Add-Type -AssemblyName System.IO.Compression.ZipFile

    function Get-GalleryPwsh {
        if (Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet) { return @{ Exe = $Pwsh; Prefix = $PwshPrefix } }
        $version = (Get-Content (Join-Path $Root 'dotnet-tools.json') -Raw | ConvertFrom-Json).tools.powershell.version
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        $dll = Join-Path $packages "powershell/$version/tools/net10.0/any/$(if ($IsWindows) { 'win' } else { 'unix' })/pwsh.dll"
        if (-not (Test-Path $dll)) { throw "This pwsh has no PSResourceGet and the repo's PowerShell $version is not restored ($dll): run dotnet tool restore." }
        @{ Exe = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source; Prefix = @($dll) }
    }

    function Invoke-IsolatedPwsh {
        # A child pwsh whose HOME is $UserHome and whose module path is the default one for that HOME: Install-PSResource
        # -Scope CurrentUser and the repository registrations land there, never in the real user's folders.
        param([Parameter(Mandatory)] $Shell, [Parameter(Mandatory)][string] $UserHome, [Parameter(Mandatory)][string] $Script)
        $isolated = @{ HOME = $UserHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
        $saved = @{}
        foreach ($key in $isolated.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $isolated[$key]) }
        try { $output = & $Shell.Exe @($Shell.Prefix) -NoProfile -NonInteractive -Command $Script 2>&1 }
        finally { foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) } }
        if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
        ($output | Where-Object { $_ -is [string] }) -join [Environment]::NewLine | ConvertFrom-Json
    }

    function Get-ZipEntries([string] $Path) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try { @($zip.Entries | Where-Object { $_.Name } | ForEach-Object FullName) } finally { $zip.Dispose() }
    }

    $script:Gallery = Get-GalleryPwsh
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'Seekapa.Ops.psd1')
    $script:Version = $Manifest.ModuleVersion
    $script:Packages = Join-Path $TestDrive 'packages'
    $packager = Join-Path $Root 'tools/New-ModulePackage.ps1'
    $output = & $Gallery.Exe @($Gallery.Prefix) -NoProfile -NonInteractive -File $packager -ModulePath $ModulePath -OutputPath $Packages -LicensePath (Join-Path $Root 'LICENSE') 2>&1
    if ($LASTEXITCODE -ne 0) { throw "New-ModulePackage.ps1 failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    $script:Nupkg = Join-Path $Packages "Seekapa.Ops.$Version.nupkg"
    $script:Zip = Join-Path $Packages 'Seekapa.Ops.zip'

    # What a package must hold: every file of the built module except debug symbols, plus the license.
    $script:Expected = @(Get-ChildItem $ModulePath -Recurse -File | Where-Object Extension -ne '.pdb' |
            ForEach-Object { [IO.Path]::GetRelativePath($ModulePath, $_.FullName).Replace('\', '/') }) + 'LICENSE' | Sort-Object

    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario unhealthy
    # The pods the built module sees; each packaged copy must see the same.
    $script:BuiltPods = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
@{ Pods = @(Get-SeekapaPodHealth -Kubeconfig '$($Sandbox.Kubeconfig)' -AllNamespaces | ForEach-Object { "`$(`$_.Namespace)/`$(`$_.Name)" } | Sort-Object) } | ConvertTo-Json
"@
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'The manifest, ready for the PowerShell Gallery' {
    It 'passes Test-ModuleManifest without errors or warnings' {
        $info = Test-ModuleManifest (Join-Path $ModulePath 'Seekapa.Ops.psd1') -ErrorVariable errors -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($errors).Count | Should -Be 0 -Because "$errors"
        @($warnings).Count | Should -Be 0 -Because "$warnings"
        $info.Version | Should -Be ([version]$Version)
    }

    It 'has the Gallery fields: project, license (the repo''s LICENSE), release notes and the platform tags' {
        $data = $Manifest.PrivateData.PSData
        $data.ProjectUri | Should -Match '^https://github\.com/[^/]+/Seekapa\.Ops$'
        $data.LicenseUri | Should -Be "$($data.ProjectUri)/blob/main/LICENSE"
        Test-Path (Join-Path $Root 'LICENSE') | Should -BeTrue
        "$($data.ReleaseNotes)".Trim() | Should -Not -BeNullOrEmpty
        foreach ($tag in 'PSEdition_Core', 'Windows', 'Linux', 'MacOS', 'Kubernetes', 'AKS', 'Azure', 'PostgreSQL', 'Incident') {
            $data.Tags | Should -Contain $tag
        }
        # The Gallery rejects tags with spaces.
        $data.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty
    }
}

Describe 'HelpUri' {
    BeforeAll {
        $script:Help = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
# What Get-Help -Online opens (MamlCommandHelpInfo.GetUriForOnlineHelp): the first related link of the help that has a
# uri, and only without one the cmdlet's HelpUri. That first step is internal to PowerShell, so it is called by reflection.
`$fromHelp = [psobject].Assembly.GetType('System.Management.Automation.BaseCommandHelpInfo').GetMethod('GetUriFromCommandPSObject', [Reflection.BindingFlags]'NonPublic, Static')
@(foreach (`$c in Get-Command -Module Seekapa.Ops -CommandType Cmdlet) {
    `$attribute = `$c.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], `$false)[0]
    `$link = `$fromHelp.Invoke(`$null, [object[]]@(, [psobject](Get-Help `$c.Name -Full)))
    @{ Name = `$c.Name; Attribute = `$attribute.HelpUri; HelpUri = `$c.HelpUri; Online = if (`$link) { `$link.OriginalString } else { `$c.HelpUri } }
}) | ConvertTo-Json -AsArray
"@
    }

    It 'points every exported cmdlet at its own page in docs/cmdlets, and Get-Help -Online opens it' {
        @($Help).Count | Should -Be $Manifest.CmdletsToExport.Count
        $project = $Manifest.PrivateData.PSData.ProjectUri
        foreach ($cmdlet in $Help) {
            $cmdlet.Attribute | Should -Be "$project/blob/main/docs/cmdlets/$($cmdlet.Name).md"
            $cmdlet.HelpUri | Should -Be $cmdlet.Attribute
            Test-Path (Join-Path $Root "docs/cmdlets/$($cmdlet.Name).md") | Should -BeTrue -Because $cmdlet.Name
            $cmdlet.Online | Should -Be $cmdlet.Attribute -Because "Get-Help $($cmdlet.Name) -Online"
        }
    }
}

Describe 'The PowerShell Gallery package' {
    It 'is named Seekapa.Ops.<version>.nupkg and holds the module without pdbs, with its license' {
        Test-Path $Nupkg | Should -BeTrue
        $files = Get-ZipEntries $Nupkg | Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|Seekapa\.Ops\.nuspec$)' }
        @($files | Sort-Object) | Should -Be $Expected
        @($files | Where-Object { $_ -like '*.pdb' }).Count | Should -Be 0
    }

    It 'has a nuspec with the manifest''s version, project, license, release notes and tags' {
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try { $reader = [IO.StreamReader]::new($zip.GetEntry('Seekapa.Ops.nuspec').Open()); $nuspec = [xml]$reader.ReadToEnd(); $reader.Dispose() }
        finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $data = $Manifest.PrivateData.PSData
        $meta.id | Should -Be 'Seekapa.Ops'
        $meta.version | Should -Be $Version
        $meta.projectUrl | Should -Be $data.ProjectUri
        $meta.licenseUrl | Should -Be $data.LicenseUri
        $meta.releaseNotes.Trim() | Should -Be $data.ReleaseNotes.Trim()
        $tags = $meta.tags -split ' '
        foreach ($tag in $data.Tags) { $tags | Should -Contain $tag }
    }

    It 'installs with Install-PSResource from a local repository into an isolated user scope, autoloads and reads the sandbox' {
        $userHome = Join-Path $TestDrive 'gallery-home'
        $feed = Join-Path $TestDrive 'feed'
        $null = New-Item -ItemType Directory -Path $userHome, $feed
        Copy-Item $Nupkg $feed
        $installed = Invoke-IsolatedPwsh -Shell $Gallery -UserHome $userHome @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SeekapaTestFeed -Uri '$feed' -Trusted
`$found = Find-PSResource Seekapa.Ops -Repository SeekapaTestFeed
Install-PSResource Seekapa.Ops -Repository SeekapaTestFeed -Scope CurrentUser -Quiet
`$resource = Get-InstalledPSResource Seekapa.Ops -Scope CurrentUser
@{ Found = "`$(`$found.Version)"; Path = `$resource.InstalledLocation; Version = "`$(`$resource.Version)" } | ConvertTo-Json
"@
        $installed.Found | Should -Be $Version
        $installed.Version | Should -Be $Version
        $installed.Path | Should -BeLike "$userHome*"
        $moduleBase = Join-Path $installed.Path "Seekapa.Ops/$Version"
        Test-Path (Join-Path $moduleBase 'Seekapa.Ops.psd1') | Should -BeTrue
        @(Get-ChildItem $moduleBase -Recurse -Filter '*.pdb').Count | Should -Be 0

        # This host (7.4 or 7.6), the same isolated HOME, no Import-Module: the cmdlet autoloads from the installed copy.
        $run = Invoke-IsolatedPwsh -Shell @{ Exe = $Pwsh; Prefix = $PwshPrefix } -UserHome $userHome @"
`$ErrorActionPreference = 'Stop'
`$pods = @(Get-SeekapaPodHealth -Kubeconfig '$($Sandbox.Kubeconfig)' -AllNamespaces)
`$module = Get-Module Seekapa.Ops
@{ Base = `$module.ModuleBase; Cmdlets = `$module.ExportedCmdlets.Count; Unhealthy = @(`$pods | Where-Object { -not `$_.Healthy }).Count
   Pods = @(`$pods | ForEach-Object { "`$(`$_.Namespace)/`$(`$_.Name)" } | Sort-Object)
   Help = (Get-Help Invoke-SeekapaRollback).Synopsis } | ConvertTo-Json
"@
        $run.Base | Should -Be $moduleBase
        $run.Cmdlets | Should -Be $Manifest.CmdletsToExport.Count
        $run.Unhealthy | Should -BeGreaterThan 0
        $run.Pods | Should -Be $BuiltPods.Pods
        $run.Help | Should -Not -BeLike 'Invoke-SeekapaRollback *' -Because 'the MAML help ships in the package'
    }
}

Describe 'The Azure Automation package' {
    It 'is Seekapa.Ops.zip with the module folder Seekapa.Ops/ at its root, no pdbs, under Automation''s 100 MB limit' {
        Test-Path $Zip | Should -BeTrue
        (Get-Item $Zip).Length | Should -BeLessThan 100MB
        $entries = Get-ZipEntries $Zip
        $entries | Where-Object { $_ -notlike 'Seekapa.Ops/*' } | Should -BeNullOrEmpty
        $entries | Where-Object { $_.Contains('\') } | Should -BeNullOrEmpty
        # Automation cannot load a module file whose path is longer than 140 characters.
        $entries | Where-Object Length -gt 140 | Should -BeNullOrEmpty
        @($entries | ForEach-Object { $_.Substring('Seekapa.Ops/'.Length) } | Sort-Object) | Should -Be $Expected
    }

    It 'imports from the unzipped folder in a fresh pwsh and reads the sandbox' {
        $target = Join-Path $TestDrive 'automation'
        [IO.Compression.ZipFile]::ExtractToDirectory($Zip, $target)
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
`$module = Import-Module '$(Join-Path $target 'Seekapa.Ops')' -PassThru
`$pods = @(Get-SeekapaPodHealth -Kubeconfig '$($Sandbox.Kubeconfig)' -AllNamespaces)
@{ Version = "`$(`$module.Version)"; Base = `$module.ModuleBase; Pods = @(`$pods | ForEach-Object { "`$(`$_.Namespace)/`$(`$_.Name)" } | Sort-Object) } | ConvertTo-Json
"@
        $result.Version | Should -Be $Version
        $result.Base | Should -Be (Join-Path $target 'Seekapa.Ops')
        $result.Pods | Should -Be $BuiltPods.Pods
    }
}
