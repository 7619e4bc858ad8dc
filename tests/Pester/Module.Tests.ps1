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

Describe 'The private load context with Azure' {
    BeforeAll {
        $script:ArmSandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario healthy
    }

    AfterAll {
        if ($script:ArmSandbox) { Stop-Sandbox $script:ArmSandbox }
    }

    It 'signs in and reads AKS clusters in a session that loaded an older Azure.Core and YamlDotNet first (as Az and powershell-yaml do)' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $oldCore = Join-Path $packages 'azure.core/1.36.0/lib/net6.0/Azure.Core.dll'
        $oldYaml = Join-Path $packages 'yamldotnet/13.7.1/lib/net7.0/YamlDotNet.dll'
        Test-Path $oldCore | Should -BeTrue -Because 'tools/Tools.proj downloads Azure.Core 1.36.0'
        Test-Path $oldYaml | Should -BeTrue -Because 'tools/Tools.proj downloads YamlDotNet 13.7.1'
        # The sandbox's CA is trusted only through SSL_CERT_FILE, which the child reads when it starts; the token
        # goes through its environment.
        $saved = $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN
        $env:SSL_CERT_FILE = $ArmSandbox.CaPath
        $env:SEEKAPA_TEST_ARM_TOKEN = $ArmSandbox.AdminToken
        try {
            $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
`$core = [System.Reflection.Assembly]::LoadFrom('$oldCore')
`$yaml = [System.Reflection.Assembly]::LoadFrom('$oldYaml')
# Used, as another module would use it, before ours is imported.
`$null = [Azure.Core.AccessToken]::new('other-module', [DateTimeOffset]::UtcNow.AddHours(1))
Import-Module '$ModulePath'
`$c = Connect-SeekapaAzure -ResourceManagerUrl '$($ArmSandbox.Url)' -AccessToken `$env:SEEKAPA_TEST_ARM_TOKEN -WarningAction SilentlyContinue
`$clusters = @(Get-SeekapaAksCluster -ResourceGroupName seekapa-rg)
`$k = Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -AccessToken `$env:SEEKAPA_TEST_ARM_TOKEN
`$pods = @(Get-SeekapaPodHealth -AllNamespaces)
`$private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'Seekapa.Ops'
`$default = [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies
@{
    DefaultCore = @(`$default | Where-Object { `$_.GetName().Name -eq 'Azure.Core' } | ForEach-Object { `$_.GetName().Version.ToString() })
    PrivateCore = (`$private.Assemblies | Where-Object { `$_.GetName().Name -eq 'Azure.Core' }).GetName().Version.ToString()
    PrivateYaml = (`$private.Assemblies | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' }).GetName().Version.ToString()
    Subscription = `$c.SubscriptionId
    Clusters = @(`$clusters.Name)
    Context = `$k.Context
    Pods = `$pods.Count
} | ConvertTo-Json
"@
        }
        finally { $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN = $saved }
        $result.DefaultCore | Should -Be @('1.36.0.0') -Because 'only the other module''s Azure.Core is in the default context'
        [version]$result.PrivateCore | Should -BeGreaterOrEqual ([version]'1.51.0.0')
        $result.PrivateYaml | Should -Not -Be '13.0.0.0'
        $result.Subscription | Should -Be $ArmSandbox.ArmSubscriptionId
        $result.Clusters | Should -Be @('seekapa-aks-prod', 'seekapa-aks-staging')
        $result.Context | Should -Be 'seekapa-aks-prod'
        $result.Pods | Should -BeGreaterThan 0
    }
}
