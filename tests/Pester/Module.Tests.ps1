BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
}

Describe 'The built module' {
    It 'exports exactly the cmdlets the assembly implements and the manifest lists' {
        $module = Get-Module Seekapa.Ops
        $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'Seekapa.Ops.psd1')
        $implemented = (Get-Command -Module Seekapa.Ops -CommandType Cmdlet).ImplementingType.Assembly |
            Select-Object -First 1 | ForEach-Object { $_.GetTypes() } |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        @($implemented | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'uses only approved verbs' {
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module Seekapa.Ops) { $approved | Should -Contain $c.Verb }
    }

    It 'declares an output type on every cmdlet' {
        foreach ($c in Get-Command -Module Seekapa.Ops) { $c.OutputType.Count | Should -BeGreaterThan 0 -Because $c.Name }
    }

    It 'keeps its dependencies out of the default load context' {
        $default = [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name
        $default | Should -Contain 'Seekapa.Ops'
        $default | Should -Not -Contain 'Seekapa.Ops.Core'
        $default | Should -Not -Contain 'KubernetesClient'
        $private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'Seekapa.Ops'
        $private.Assemblies.GetName().Name | Should -Contain 'Seekapa.Ops.PowerShell'
    }

    It 'still exports its cmdlets after Import-Module -Force and after Remove-Module + Import-Module' {
        $result = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
Import-Module '$ModulePath' -Force
`$afterForce = @((Get-Module Seekapa.Ops).ExportedCmdlets.Keys)
Remove-Module Seekapa.Ops
Import-Module '$ModulePath'
`$afterRemove = @((Get-Module Seekapa.Ops).ExportedCmdlets.Keys)
`$works = [bool](Get-Command Get-SeekapaPodHealth -ErrorAction SilentlyContinue)
@{ AfterForce = `$afterForce.Count; AfterRemove = `$afterRemove.Count; Works = `$works } | ConvertTo-Json
"@
        $expected = (Import-PowerShellDataFile (Join-Path $ModulePath 'Seekapa.Ops.psd1')).CmdletsToExport.Count
        $result.AfterForce | Should -Be $expected
        $result.AfterRemove | Should -Be $expected
        $result.Works | Should -BeTrue
    }
}

Describe 'Errors before any call' {
    It 'reports a missing kubeconfig as a terminating KubeconfigNotFound' {
        $record = $null
        try { Get-SeekapaPodHealth -Kubeconfig (Join-Path $TestDrive 'none.yaml') } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'KubeconfigNotFound,*'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.ErrorDetails.RecommendedAction | Should -Match 'Kubeconfig'
    }

    It 'reports a malformed selector as InvalidSelector without contacting the (unreachable) server' {
        $kc = Join-Path $TestDrive 'unreachable.yaml'
        @'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: not-a-secret } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
'@ | Set-Content $kc
        $err = $null
        Get-SeekapaPodHealth -Kubeconfig $kc -Selector 'app in (a,b' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSelector,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        # The same kubeconfig with a valid selector does reach for the server: proves the check above came first.
        { Get-SeekapaPodHealth -Kubeconfig $kc -Selector app=backend -ErrorAction Stop } | Should -Throw -ErrorId 'ClusterUnreachable,*'
    }
}
