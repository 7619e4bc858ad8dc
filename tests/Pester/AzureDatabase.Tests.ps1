# The runbook's Database Rollback end to end, through the built module against the sandbox's fake Azure Resource Manager
# (HTTPS on 127.0.0.1, its CA trusted through SSL_CERT_FILE): find the server, restore it to a point in time and wait,
# point the backend's DATABASE_URL at the restored server, then raise max_connections and restart.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario healthy
    $script:Target = 'seekapa-postgres-restored'

    function Invoke-AzureScript {
        # A fresh pwsh that trusts the sandbox's CA (SSL_CERT_FILE is read when the process starts), connected to its ARM
        # endpoint with the sandbox's admin token; $Body runs after that and must end with one JSON document. Returns that
        # document, with what the child wrote to its host before it (the What if: lines) as HostText.
        param([Parameter(Mandatory)][string] $Body)
        $prelude = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$token = ConvertTo-SecureString '$($Sandbox.AdminToken)' -AsPlainText -Force
`$null = Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken `$token -Subscription '$($Sandbox.ArmSubscriptionId)' -WarningAction SilentlyContinue
`$rg = '$($Sandbox.ArmResourceGroup)'
"@
        $previous = $env:SSL_CERT_FILE
        $env:SSL_CERT_FILE = $Sandbox.CaPath
        try { $output = & $Pwsh @PwshPrefix -NoProfile -NonInteractive -Command ($prelude + "`n" + $Body) 2>&1 }
        finally { $env:SSL_CERT_FILE = $previous }
        $text = ($output | ForEach-Object { "$_" }) -join "`n"
        if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $text" }
        $start = $text.IndexOf("`n{")
        if ($start -lt 0) { $start = $text.IndexOf('{') - 1 }
        $result = $text.Substring($start + 1) | ConvertFrom-Json
        $result | Add-Member HostText $text.Substring(0, $start + 1) -PassThru
    }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'PostgreSQL flexible server on Azure' {
    It 'restores to a point in time, repoints the backend, sets max_connections and restarts, never showing the token' {
        $result = Invoke-AzureScript @"
`$source = Get-SeekapaAzureDatabaseServer -ResourceGroupName `$rg -Name seekapa-postgres
`$when = `$source.EarliestRestoreDate.AddHours(1)
`$restoreArgs = @{ ResourceGroupName = `$rg; ServerName = 'seekapa-postgres'; RestorePointInTime = `$when; TargetServerName = '$Target' }

# -WhatIf runs the checks and creates nothing.
`$null = Restore-SeekapaDatabase @restoreArgs -WhatIf
`$null = Get-SeekapaAzureDatabaseServer `$rg '$Target' -ErrorAction SilentlyContinue -ErrorVariable missing

`$streams = Restore-SeekapaDatabase @restoreArgs -Wait -Timeout 60 -Confirm:`$false -Verbose *>&1
`$restore = `$streams | Where-Object { `$_ -is [Seekapa.Ops.DatabaseRestore] }
`$restored = Get-SeekapaAzureDatabaseServer `$rg '$Target'

`$null = Connect-SeekapaCluster -Kubeconfig '$($Sandbox.Kubeconfig)' -Namespace seekapa-production
`$endpoint = `$restored | Set-SeekapaDatabaseEndpoint -Namespace seekapa-production -Secret backend-db -Key DATABASE_URL -Restart backend-deployment -Wait -Timeout 120 -Confirm:`$false

`$paramStreams = Set-SeekapaAzureDatabaseParameter -ResourceGroupName `$rg -ServerName '$Target' -Name max_connections -Value 500 -Restart -Confirm:`$false -Verbose -Debug *>&1
`$parameter = `$paramStreams | Where-Object { `$_ -is [Seekapa.Ops.AzureDatabaseParameter] }
`$outside = `$null
try { Restore-SeekapaDatabase -ResourceGroupName `$rg -ServerName seekapa-postgres -RestorePointInTime '2024-01-15T13:30:00Z' -TargetServerName seekapa-postgres-other -Confirm:`$false }
catch { `$outside = `$_ }

[pscustomobject]@{
    SourceState = `$source.State; SourceSubnet = `$source.DelegatedSubnetResourceId
    MissingAfterWhatIf = `$missing[0].FullyQualifiedErrorId
    Restore = `$restore | Select-Object Name, State, OperationStatus, FullyQualifiedDomainName, RestoredFrom, @{ n = 'PointInTime'; e = { `$_.PointInTime.ToString('o') } }
    Verbose = @(`$streams | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    Restored = `$restored | Select-Object State, FullyQualifiedDomainName, Location, DelegatedSubnetResourceId, PublicNetworkAccess
    Endpoint = `$endpoint | Select-Object Outcome, NewHost
    Parameter = `$parameter | Select-Object OldValue, Value, IsDynamicConfig, IsConfigPendingRestart, Restarted, Outcome
    Outside = if (`$outside) { `$outside.FullyQualifiedErrorId + ' ' + `$outside.ToString() }
    When = `$when.UtcDateTime.ToString('o')
    Shown = (`$streams + `$paramStreams | Out-String -Width 400) + (`$streams + `$paramStreams | ForEach-Object { `$_ | Format-List * | Out-String -Width 400 })
} | ConvertTo-Json -Depth 5 -EnumsAsStrings
"@

        $result.SourceState | Should -Be 'Ready'
        $result.HostText | Should -Match ([regex]::Escape("What if: Restore flexible server 'seekapa-postgres' (resource group 'seekapa-rg') as it was at"))
        $result.HostText | Should -Match "into a NEW server '$Target' in resource group 'seekapa-rg', region eastus, private access in subnet"
        $result.MissingAfterWhatIf | Should -Match '^DatabaseServerNotFound'

        $result.Restore.Name | Should -Be $Target
        $result.Restore.OperationStatus | Should -Be 'Succeeded'
        $result.Restore.State | Should -Be 'Ready'
        $result.Restore.FullyQualifiedDomainName | Should -Be "$Target.postgres.database.azure.com"
        $result.Restore.RestoredFrom | Should -Be 'seekapa-postgres'
        ([DateTimeOffset]$result.Restore.PointInTime).UtcDateTime | Should -Be ([DateTimeOffset]$result.When).UtcDateTime
        $result.Verbose | Should -Contain "Azure accepted the restore of '$Target' (operation InProgress)."
        ($result.Verbose | Where-Object { $_ -like "${Target}: Succeeded*" }) | Should -Not -BeNullOrEmpty

        $result.Restored.State | Should -Be 'Ready'
        $result.Restored.Location | Should -Be 'eastus'
        $result.Restored.DelegatedSubnetResourceId | Should -Be $result.SourceSubnet -Because 'the restore copies the source network'
        $result.Restored.PublicNetworkAccess | Should -Be 'Disabled'

        $result.Endpoint.Outcome | Should -Be 'Updated'
        $result.Endpoint.NewHost | Should -Be "$Target.postgres.database.azure.com"

        $result.Parameter.OldValue | Should -Be '859'
        $result.Parameter.Value | Should -Be '500'
        $result.Parameter.IsDynamicConfig | Should -BeFalse
        $result.Parameter.IsConfigPendingRestart | Should -BeFalse
        $result.Parameter.Restarted | Should -BeTrue

        $result.Outside | Should -Match '^RestorePointOutsideWindow'
        $result.Outside | Should -Match 'outside the backup window'

        $result.Shown | Should -Match 'RESTORED FROM'
        $result.Shown + $result.HostText | Should -Not -Match ([regex]::Escape($Sandbox.AdminToken))
    }

    It 'reports a taken target name as TargetServerExists and creates nothing' {
        $result = Invoke-AzureScript @"
`$error.Clear()
`$before = @(Get-SeekapaAzureDatabaseServer `$rg | ForEach-Object { "`$(`$_.Name) `$(`$_.State)" })
`$when = (Get-SeekapaAzureDatabaseServer `$rg seekapa-postgres).EarliestRestoreDate.AddHours(1)
Restore-SeekapaDatabase -ResourceGroupName `$rg -ServerName seekapa-postgres -RestorePointInTime `$when -TargetServerName seekapa-postgres -Confirm:`$false -ErrorAction SilentlyContinue
[pscustomobject]@{
    Error = `$error[0].FullyQualifiedErrorId
    Message = `$error[0].ToString()
    Before = `$before
    After = @(Get-SeekapaAzureDatabaseServer `$rg | ForEach-Object { "`$(`$_.Name) `$(`$_.State)" })
} | ConvertTo-Json
"@

        $result.Error | Should -Match '^TargetServerExists'
        $result.Message | Should -Match "already exists in resource group 'seekapa-rg'"
        $result.After | Should -Be $result.Before
    }
}
