# Connect-SeekapaAzure, AKS and metrics end to end: the built module in a fresh pwsh against the sandbox's fake Azure
# Resource Manager (HTTPS on 127.0.0.1; its CA trusted only through SSL_CERT_FILE, set before the child starts), signed in
# with the sandbox's admin token as -AccessToken. The token must never show in any stream.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario unhealthy

    function Invoke-AzurePwsh {
        # The token reaches the child through its environment, not its command line.
        param([Parameter(Mandatory)][string] $Script)
        $saved = $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN
        $env:SSL_CERT_FILE = $Sandbox.CaPath
        $env:SEEKAPA_TEST_ARM_TOKEN = $Sandbox.AdminToken
        try { Invoke-FreshPwsh $Script }
        finally { $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN = $saved }
    }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'Azure through the sandbox''s fake Resource Manager' {
    It 'connects with a token, shows the AKS clusters, reaches the Entra cluster without kubelogin and reads metrics' {
        $Sandbox.AdminToken | Should -Not -BeNullOrEmpty
        Test-Path $Sandbox.CaPath | Should -BeTrue
        $result = Invoke-AzurePwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
# Every stream of the Azure cmdlets is captured below (and searched for the token); only the JSON reaches stdout.
`$VerbosePreference = 'Continue'
`$DebugPreference = 'Continue'
`$seen = . {
    `$connection = Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken `$env:SEEKAPA_TEST_ARM_TOKEN
    `$clusters = @(Get-SeekapaAksCluster)
    `$prod = Get-SeekapaAksCluster -ResourceGroupName seekapa-rg -Name seekapa-aks-prod
    `$cluster = `$prod | Connect-SeekapaCluster -Namespace seekapa-production -AccessToken `$env:SEEKAPA_TEST_ARM_TOKEN
    `$pods = @(Get-SeekapaPodHealth -AllNamespaces)
    `$cpu = @(Get-SeekapaAzureMetric -AksCluster seekapa-aks-prod -ResourceGroupName seekapa-rg -Metric node_cpu_usage_percentage -Interval 00:01:00 -Since 00:10:00)
    `$failed = @(Get-SeekapaAzureMetric -AppInsights seekapa-bi-insights -ResourceGroupName seekapa-rg -Metric requests/failed -Interval 00:05:00 -StartTime '2025-03-01T09:00:00Z' -EndTime '2025-03-01T10:00:00Z')
    `$viaPipe = @(`$prod | Get-SeekapaAzureMetric -Metric node_memory_working_set_percentage, apiserver_current_inflight_requests -Interval 5m -Since 30m -ErrorAction SilentlyContinue -ErrorVariable metricErrors)
    `$admin = `$null
    try { Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -Admin } catch { `$admin = `$_ }
    `$connection, `$clusters, `$cluster, `$cpu, `$failed | Format-Table | Out-String
    `$connection, `$cluster | Format-List * | Out-String
} *>&1 | Out-String
@{
    Mode = "`$(`$connection.Mode)"; Subscription = `$connection.SubscriptionId; SubscriptionName = `$connection.SubscriptionName
    Environment = `$connection.Environment
    Clusters = @(`$clusters.Name); ProdPools = @(`$prod.NodePools.Name); ProdEntra = `$prod.EntraEnabled; ProdPower = `$prod.PowerState
    Context = `$cluster.Context; Server = `$cluster.Server; KubeconfigPath = `$cluster.KubeconfigPath; Pods = `$pods.Count
    CpuPoints = `$cpu.Count; CpuEmpty = @(`$cpu | Where-Object { -not `$_.HasData }).Count; CpuUnit = `$cpu[0].Unit
    FailedPoints = `$failed.Count; FailedCounts = @(`$failed | Where-Object { `$null -ne `$_.Count }).Count
    PipedMetrics = @(`$viaPipe.Metric | Sort-Object -Unique); MetricError = "`$(`$metricErrors[0].FullyQualifiedErrorId)"
    AdminError = "`$(`$admin.FullyQualifiedErrorId)"; AdminMessage = "`$admin"
    TokenSeen = `$seen.Contains(`$env:SEEKAPA_TEST_ARM_TOKEN)
    SawTables = `$seen.Contains('seekapa-aks-staging') -and `$seen.Contains('node_cpu_usage_percentage')
} | ConvertTo-Json
"@
        $result.Mode | Should -Be 'AccessToken'
        $result.Subscription | Should -Be '00000000-0000-0000-0000-00000000cafe'
        $result.SubscriptionName | Should -Be 'Seekapa Sandbox'
        $result.Environment | Should -Be 'Custom'
        $result.Clusters | Should -Be @('seekapa-aks-prod', 'seekapa-aks-staging')
        $result.ProdPools | Should -Be @('systempool', 'userpool')
        $result.ProdEntra | Should -BeTrue
        $result.ProdPower | Should -Be 'Running'
        $result.Context | Should -Be 'seekapa-aks-prod'
        $result.Server | Should -Be $Sandbox.Url
        $result.KubeconfigPath | Should -BeNullOrEmpty -Because 'AKS credentials stay in memory without -KubeconfigPath'
        $result.Pods | Should -BeGreaterThan 10
        $result.CpuPoints | Should -BeIn 10, 11 -Because 'ten minutes per minute, plus the partial minute when -Since does not start on a minute'
        $result.CpuEmpty | Should -Be 1 -Because 'the newest minute has no data yet'
        $result.CpuUnit | Should -Be 'Percent'
        $result.FailedPoints | Should -Be 12
        $result.FailedCounts | Should -Be 11
        $result.PipedMetrics | Should -Be @('node_memory_working_set_percentage')
        $result.MetricError | Should -BeLike 'MetricUnavailable,*'
        $result.AdminError | Should -BeLike 'LocalAccountsDisabled,*'
        $result.AdminMessage | Should -Be 'Getting static credential is not allowed because this cluster is set to disable local accounts.'
        $result.TokenSeen | Should -BeFalse
        $result.SawTables | Should -BeTrue
    }

    It 'does not trust the sandbox without its CA, and refuses a wrong token' {
        $saved = $env:SSL_CERT_FILE
        Remove-Item Env:SSL_CERT_FILE -ErrorAction SilentlyContinue
        try {
            $untrusted = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
`$e = `$null
try { Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken 'not-the-token' -WarningAction SilentlyContinue -ErrorAction Stop } catch { `$e = `$_ }
@{ Error = "`$(`$e.FullyQualifiedErrorId)"; Message = "`$e" } | ConvertTo-Json
"@
        }
        finally { if ($saved) { $env:SSL_CERT_FILE = $saved } }
        $untrusted.Error | Should -BeLike 'AzureUnreachable,*'
        $untrusted.Message | Should -Match 'certificate|SSL'

        $wrong = Invoke-AzurePwsh @"
Import-Module '$ModulePath'
`$e = `$null
try { Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken 'not-the-token' -WarningAction SilentlyContinue -ErrorAction Stop } catch { `$e = `$_ }
@{ Error = "`$(`$e.FullyQualifiedErrorId)" } | ConvertTo-Json
"@
        $wrong.Error | Should -BeLike 'AzureAuthenticationFailed,*'
    }

    It 'never prompts in a non-interactive session without a credential, and names -Identity' {
        $result = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
`$env:AZURE_CONFIG_DIR = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
`$e = `$null
try { Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -ErrorAction Stop } catch { `$e = `$_ }
@{ Error = "`$(`$e.FullyQualifiedErrorId)"; Action = `$e.ErrorDetails.RecommendedAction } | ConvertTo-Json
"@
        $result.Error | Should -BeLike 'AzureAuthenticationFailed,*'
        $result.Action | Should -Match '-Identity'
    }
}
