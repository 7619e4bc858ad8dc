# The runtime this leg runs on (build.ps1 runs the suite on PowerShell 7.6/.NET 10 and on 7.4/.NET 8), and one copy of
# each assembly for the module after every cmdlet family ran: on .NET 8 the loader once handed KubernetesClient the
# runtime's System.Text.Json 8.0 and Core bin's 10.0, and four cmdlets failed with "Method not found".
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $Root 'tools/Postgres.psm1') -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    Import-Module (Join-Path $Root 'tools/Prometheus.psm1') -Force
}

Describe 'The runtime of this test leg' {
    It 'is PowerShell <Ps> on .NET <Net>, the pair that PowerShell release ships on, in this process and in a child' -ForEach @(
        @{ Ps = "$($PSVersionTable.PSVersion)"; Net = "$([Environment]::Version)" }
    ) {
        # Each PowerShell minor release runs on one .NET major: a 7.4 host rolled forward to .NET 10 is not a .NET 8 test.
        $netOf = @{ '7.4' = 8; '7.5' = 9; '7.6' = 10; '7.7' = 11 }
        $minor = "$($PSVersionTable.PSVersion.Major).$($PSVersionTable.PSVersion.Minor)"
        $netOf.ContainsKey($minor) | Should -BeTrue -Because "PowerShell $Ps is a release this table knows"
        [Environment]::Version.Major | Should -Be $netOf[$minor]
        # build.ps1 names the PowerShell each leg must run (SEEKAPA_TEST_LEG); a single file run by hand has none.
        if ($env:SEEKAPA_TEST_LEG) { $Ps | Should -BeLike "$env:SEEKAPA_TEST_LEG*" }
        # The tests' child processes (Invoke-FreshPwsh) run the same PowerShell on the same runtime.
        $child = Invoke-FreshPwsh '@{ Ps = "$($PSVersionTable.PSVersion)"; Net = "$([Environment]::Version)" } | ConvertTo-Json'
        $child.Ps | Should -Be $Ps
        $child.Net | Should -Be $Net
    }
}

Describe 'One copy of each assembly for the module' {
    BeforeAll {
        $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
        $script:Pg = Start-TestPostgres
        $script:Redis = Start-TestRedis
        $script:Prometheus = Start-TestPrometheus
        $script:IncidentPath = Join-Path ([IO.Path]::GetTempPath()) "seekapa-runtime-incidents-$([guid]::NewGuid().ToString('n'))"
    }

    AfterAll {
        if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
        if ($script:Pg) { Stop-TestPostgres $script:Pg }
        if ($script:Redis) { Stop-TestRedis $script:Redis }
        if ($script:Prometheus) { Stop-TestPrometheus $script:Prometheus }
        if ($script:IncidentPath -and (Test-Path $script:IncidentPath)) { Remove-Item $script:IncidentPath -Recurse -Force }
    }

    It 'binds every reference of the module''s assemblies to one copy per name after every cmdlet family ran' {
        # A fresh pwsh, so the load contexts hold only what this script loaded. The ARM token and CA reach it through
        # its environment (SSL_CERT_FILE is read when the process starts).
        $saved = $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN, $env:SEEKAPA_INCIDENT_PATH
        $env:SSL_CERT_FILE = $Sandbox.CaPath
        $env:SEEKAPA_TEST_ARM_TOKEN = $Sandbox.AdminToken
        $env:SEEKAPA_INCIDENT_PATH = $IncidentPath
        try {
            $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$ran = [ordered]@{}
# Only the JSON below goes to stdout: the cmdlets' warnings and host output (e.g. triage on a bad deploy) do not.
& {
# Cluster reads, rollouts, env, resource usage, triage (KubernetesClient, YamlDotNet, System.Text.Json).
`$null = Connect-SeekapaCluster -Kubeconfig '$($Sandbox.Kubeconfig)' -Namespace seekapa-production
`$ran.Pods = @(Get-SeekapaPodHealth -AllNamespaces).Count
`$ran.Deployments = @(Get-SeekapaDeployment).Count
`$ran.History = @(Get-SeekapaRolloutHistory backend-deployment).Count
`$ran.Changes = @(Get-SeekapaRecentChange -Since 24h).Count
`$ran.Usage = @(Get-SeekapaPodResourceUsage -AllNamespaces).Count
`$ran.Findings = @(Invoke-SeekapaTriage).Count
`$ran.Rollback = @(Invoke-SeekapaRollback backend-deployment -Confirm:`$false).Count
`$ran.Env = @(Set-SeekapaContainerEnv frontend-deployment -Env @{ RUNTIME_TEST = 'yes' } -Confirm:`$false).Count
# PostgreSQL (Npgsql), Redis (StackExchange.Redis, System.IO.Pipelines), Prometheus (HTTP + JSON).
`$null = Connect-SeekapaDatabase -ConnectionString '$($Pg.ConnectionString)'
`$ran.Database = @(Test-SeekapaDatabaseConnection).Count + @(Get-SeekapaDatabaseActivity -Summary).Count
`$ran.Redis = @(Get-SeekapaRedisStats '$($Redis.Endpoint)').Count
`$ran.Prometheus = @(Invoke-SeekapaPrometheusQuery up -Endpoint '$($Prometheus.Url)').Count
# Azure (Azure.Core, Azure.ResourceManager, System.ClientModel, System.Memory.Data, DiagnosticSource).
`$null = Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken `$env:SEEKAPA_TEST_ARM_TOKEN -WarningAction SilentlyContinue
`$ran.Aks = @(Get-SeekapaAksCluster).Count
`$ran.AzureDatabase = @(Get-SeekapaAzureDatabaseServer -ResourceGroupName seekapa-rg).Count
# Incidents (the JSON store).
`$null = Start-SeekapaIncident -Severity SEV3 -Title 'Runtime check' -Lead alice
`$null = Add-SeekapaIncidentNote 'one copy of each assembly'
`$ran.Incident = @(Stop-SeekapaIncident -RootCause 'Test' -Resolution 'Test over' -Confirm:`$false).Count
} 3>`$null 6>`$null

# Every reference of every assembly in the private context, bound as the runtime binds it for that requester.
`$private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'Seekapa.Ops'
`$copies = @{}
function Add-Copy([System.Reflection.Assembly] `$a) {
    `$name = `$a.GetName().Name
    `$alc = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name
    if (-not `$copies.ContainsKey(`$name)) { `$copies[`$name] = [System.Collections.Generic.HashSet[string]]::new() }
    `$null = `$copies[`$name].Add("`$(`$a.GetName().Version) in `$alc (`$(`$a.Location))")
}
`$loaded = @(`$private.Assemblies)
foreach (`$a in `$loaded) {
    Add-Copy `$a
    foreach (`$ref in `$a.GetReferencedAssemblies()) {
        # A reference that does not bind at all (a Windows-only or optional dependency never used) is no second copy.
        try { Add-Copy `$private.LoadFromAssemblyName(`$ref) } catch { }
    }
}
@{
    Ran = `$ran
    Private = `$loaded.Count
    Names = @(`$copies.Keys)
    DiagnosticSource = @(`$copies['System.Diagnostics.DiagnosticSource'])[0]
    Duplicates = @(`$copies.GetEnumerator() | Where-Object { `$_.Value.Count -gt 1 } | ForEach-Object { "`$(`$_.Key): `$(@(`$_.Value) -join '; ')" })
} | ConvertTo-Json -Depth 4
"@
        }
        finally { $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN, $env:SEEKAPA_INCIDENT_PATH = $saved }

        # Every family really ran and returned something (a family that silently returns nothing hid the bug once).
        foreach ($family in $result.Ran.PSObject.Properties) { $family.Value | Should -BeGreaterThan 0 -Because "$($family.Name) ran" }
        $result.Names | Should -Contain 'System.Text.Json'
        $result.Names | Should -Contain 'System.Diagnostics.DiagnosticSource'
        $result.Names | Should -Contain 'KubernetesClient'
        $result.Names | Should -Contain 'Npgsql'
        $result.Names | Should -Contain 'Azure.Core'
        $result.Names | Should -Contain 'StackExchange.Redis'
        @($result.Duplicates) | Should -BeNullOrEmpty
        # DiagnosticSource is shared with the host (one set of Activity listeners) whenever the host's copy is at least
        # as new as ours; only when ours is newer (on .NET 8) is it private, so its 10.0 consumers find their members.
        $hostVersion = [System.Diagnostics.Activity].Assembly.GetName().Version
        $ourVersion = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModulePath 'bin/System.Diagnostics.DiagnosticSource.dll')).Version
        $expected = if ($hostVersion -ge $ourVersion) { "$hostVersion in Default *" } else { "$ourVersion in Seekapa.Ops *" }
        $result.DiagnosticSource | Should -BeLike $expected
    }
}
