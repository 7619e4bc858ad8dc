#Requires -Version 7.4
# The MAML help built from docs/cmdlets by tools/New-MamlHelp.ps1, and the about topic, as a user gets them from the
# BUILT module (out/Seekapa.Ops, or $env:SEEKAPA_MODULE_PATH). Without a help file PowerShell still answers Get-Help,
# with a synopsis made of the syntax and no description or examples: these tests fail in that case.

BeforeDiscovery {
    $modulePath = if ($env:SEEKAPA_MODULE_PATH) { $env:SEEKAPA_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/Seekapa.Ops' }
    $module = Import-Module $modulePath -PassThru -ErrorAction Stop
    $notDocumented = [System.Management.Automation.PSCmdlet]::CommonParameters
    $cmdlets = @(foreach ($command in $module.ExportedCmdlets.Values | Sort-Object Name) {
            @{
                Name       = $command.Name
                Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $notDocumented } | Sort-Object)
            }
        })
}

BeforeAll {
    $modulePath = if ($env:SEEKAPA_MODULE_PATH) { $env:SEEKAPA_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/Seekapa.Ops' }
    Import-Module $modulePath -ErrorAction Stop
}

Describe 'Seekapa.Ops module' {
    It 'exports cmdlets' {
        (Get-Module Seekapa.Ops).ExportedCmdlets.Count | Should -BeGreaterThan 0
    }

    It 'has the about_Seekapa.Ops topic' {
        $about = Get-Help about_Seekapa.Ops -ErrorAction Stop | Out-String
        $about | Should -Match 'about_Seekapa\.Ops'
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'KubeconfigNotFound'
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full -ErrorAction Stop
        $text = { param($node) (@($node) | ForEach-Object { $_.Text }) -join "`n" }
    }

    It 'comes from the MAML file' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        # A generated synopsis is the syntax line: "Get-Thing [[-Name] <string[]>] ...".
        $help.Synopsis | Should -Not -BeLike "$Name *"
    }

    It 'has a synopsis' {
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has a description' {
        (& $text $help.description).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 1
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'describes -<_>' -ForEach $Parameters {
        $parameter = @($help.parameters.parameter | Where-Object name -EQ $_)
        $parameter.Count | Should -Be 1 -Because "-$_ must have an entry in the help"
        (& $text $parameter[0].description).Trim() | Should -Not -BeNullOrEmpty -Because "-$_ must be described"
    }

    It 'documents no parameter the cmdlet does not have' {
        @($help.parameters.parameter.name | Where-Object { $_ -notin $Parameters }) | Should -BeNullOrEmpty
    }
}
