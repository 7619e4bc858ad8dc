# The runbook's Database Rollback, last step, through the built module on the sandbox: point backend-db's DATABASE_URL
# at the restored server (from a Get-SeekapaAzureDatabaseServer-shaped object), restart the backend and wait.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:IncidentPath = Join-Path ([IO.Path]::GetTempPath()) "seekapa-endpoint-incidents-$([guid]::NewGuid().ToString('n'))"
    $script:PreviousIncidentPath = $env:SEEKAPA_INCIDENT_PATH
    $env:SEEKAPA_INCIDENT_PATH = $IncidentPath
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
    $script:Ns = 'seekapa-production'
    $script:OldHost = 'seekapa-postgres.postgres.database.azure.com'
    $script:NewHost = 'seekapa-postgres-restored.postgres.database.azure.com'
    # The seeded password, percent-encoded in the URL ("Xk9#mQ2$vL7@pR4").
    $script:Password = 'Xk9%23mQ2%24vL7%40pR4'

    function Get-SecretState {
        param([string] $Name = 'backend-db')
        $json = (& kubectl --kubeconfig $Sandbox.Kubeconfig get secret $Name -n $Ns -o json 2>&1) -join "`n"
        if ($LASTEXITCODE -ne 0) { throw "kubectl get secret failed: $json" }
        $secret = $json | ConvertFrom-Json -AsHashtable
        [pscustomobject]@{
            Url             = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.DATABASE_URL))
            ReadOnlyUrl     = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.DATABASE_READONLY_URL))
            ResourceVersion = $secret.metadata.resourceVersion
        }
    }

    $null = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig -Namespace $Ns
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
    # This process runs the later test files too: leave no active incident whose store is about to be deleted.
    if (Get-SeekapaIncident -Active -ErrorAction SilentlyContinue) {
        $null = Stop-SeekapaIncident -RootCause 'Test' -Resolution 'Test over' -Confirm:$false -ErrorAction SilentlyContinue
    }
    $env:SEEKAPA_INCIDENT_PATH = $script:PreviousIncidentPath
    if ($script:IncidentPath -and (Test-Path $script:IncidentPath)) { Remove-Item $script:IncidentPath -Recurse -Force }
}

Describe 'Set-SeekapaDatabaseEndpoint' {
    It 'shows the old and the new host under -WhatIf, never the password, and writes nothing' {
        $before = Get-SecretState
        # A fresh pwsh, so that the What-if text (written to the host) is captured as its output.
        $script = "Import-Module '$ModulePath'; Set-SeekapaDatabaseEndpoint $NewHost -Namespace $Ns -Secret backend-db -Kubeconfig '$($Sandbox.Kubeconfig)' -WhatIf -Verbose"
        $output = (& $Pwsh @PwshPrefix -NoProfile -NonInteractive -Command $script 2>&1) -join "`n"

        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match ([regex]::Escape("What if: Performing the operation ""Point at host $OldHost -> $NewHost"" on target ""Secret $Ns/backend-db key DATABASE_URL"""))
        $output | Should -Not -Match ([regex]::Escape($Password))
        $output | Should -Not -Match 'postgresql://'
        (Get-SecretState).ResourceVersion | Should -Be $before.ResourceVersion
    }

    It 'takes the server from the pipeline, rewrites only the host, restarts the backend and waits for its rollout' {
        $null = Start-SeekapaIncident -Severity SEV1 -Title 'Database rollback to the restored server' -Lead alice
        # The bad deploy's crash-looping revision would never finish a restart: roll it back first, as the runbook does.
        $null = Invoke-SeekapaRollback backend-deployment -Wait -Timeout 120 -Confirm:$false
        $server = [pscustomobject]@{
            Name = 'seekapa-postgres-restored'; ResourceGroupName = 'seekapa-rg'; State = 'Ready'; FullyQualifiedDomainName = $NewHost
        }

        $streams = $server | Set-SeekapaDatabaseEndpoint -Namespace $Ns -Secret backend-db -Key DATABASE_URL -Restart backend-deployment `
            -Wait -Timeout 120 -Confirm:$false -Verbose *>&1
        $result = $streams | Where-Object { $_ -is [Seekapa.Ops.DatabaseEndpointChange] }

        $result.Outcome | Should -Be 'Updated'
        $result.OldHost | Should -Be $OldHost
        $result.NewHost | Should -Be $NewHost
        $result.RestartedWorkload | Should -Be 'deployment/backend-deployment'
        $result.Rollout.Complete | Should -BeTrue
        $state = Get-SecretState
        $state.Url | Should -BeExactly "postgresql://seekapa_app:$Password@$($NewHost):5432/seekapa?sslmode=require"
        $state.ReadOnlyUrl | Should -Match ([regex]::Escape("@$($OldHost):5432/"))
        (Get-SeekapaDeployment backend-deployment).RolloutState | Should -Be 'Complete'

        $shown = ($streams | Out-String -Width 300) + ($result | Format-List * | Out-String -Width 300)
        $shown | Should -Match 'OLD HOST'
        $shown | Should -Not -Match ([regex]::Escape($Password))
        $shown | Should -Not -Match 'postgresql://'
        $timeline = (Get-SeekapaIncident).Timeline
        $entry = $timeline | Where-Object { $_.Cmdlet -eq 'Set-SeekapaDatabaseEndpoint' -and $_.Action -eq 'SetDatabaseEndpoint' }
        $entry.Before | Should -Be $OldHost
        $entry.After | Should -Be $NewHost
        ($timeline | Where-Object { $_.Cmdlet -eq 'Set-SeekapaDatabaseEndpoint' -and $_.Action -eq 'Restart' }) | Should -Not -BeNullOrEmpty
        ($timeline | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($Password))
    }

    It 'is Unchanged and sends nothing when the Secret already names the server' {
        $before = Get-SecretState
        $result = Set-SeekapaDatabaseEndpoint $NewHost.ToUpperInvariant() -Namespace $Ns -Secret backend-db
        $result.Outcome | Should -Be 'Unchanged'
        (Get-SecretState).ResourceVersion | Should -Be $before.ResourceVersion
    }

    It 'refuses a value it cannot rewrite safely, without showing it' {
        $manifest = Join-Path ([IO.Path]::GetTempPath()) "seekapa-endpoint-$([guid]::NewGuid().ToString('n')).json"
        '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ambiguous-db","namespace":"seekapa-production"},"stringData":{"DATABASE_URL":"postgresql://app:pa/ss@db.internal/app"}}' |
            Set-Content -Path $manifest
        try {
            $null = & kubectl --kubeconfig $Sandbox.Kubeconfig apply -f $manifest 2>&1
            $LASTEXITCODE | Should -Be 0
        }
        finally { Remove-Item $manifest }

        $result = Set-SeekapaDatabaseEndpoint $NewHost -Namespace $Ns -Secret ambiguous-db -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedConnectionString,*'
        "$($failure[0])" | Should -Not -Match 'pa/ss'
    }
}
