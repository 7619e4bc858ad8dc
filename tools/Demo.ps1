#Requires -Version 7.4
<#
.SYNOPSIS
    The main job: walks the runbook's bad-deploy incident with the cmdlets against a sandbox cluster.
.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Demo` after the build. Starts the sandbox with the bad-deploy scenario
    (backend-deployment's latest revision crash-loops and has exceeded its progress deadline) and a local PostgreSQL with
    two long-running report queries holding connections, then does what the
    on-call engineer would: open the incident, find what is unhealthy, read the crashed pods' logs and the events, see
    which deployment failed and what changed, preview the rollback, roll back and wait (recorded in the incident timeline
    automatically), verify, stop the long-running queries, resolve and write the post-mortem - printing what the engineer
    would see. kubectl runs
    against the same sandbox at the end as the reference. Incident records go to out/demo/incidents, the post-mortem to
    out/demo/postmortem.md.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath
)

$ErrorActionPreference = 'Stop'
# Relative paths work too (Import-Module would otherwise search PSModulePath for 'out/Seekapa.Ops').
$ModulePath = (Resolve-Path $ModulePath).Path
$SandboxPath = (Resolve-Path $SandboxPath).Path
Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'Postgres.psm1') -Force

function Show([string] $Title, [scriptblock] $Command) {
    Write-Host "`nPS> $Title" -ForegroundColor Cyan
    & $Command | Out-String -Width 200 | Out-Host
}

$demoOut = Join-Path (Split-Path $ModulePath -Parent) 'demo'
Remove-Item $demoOut -Recurse -Force -ErrorAction SilentlyContinue
$env:SEEKAPA_INCIDENT_PATH = Join-Path $demoOut 'incidents'
$sandbox = $null
$postgres = $null
try {
    $sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
    # The database side of the incident: two report queries that have been running (seconds here; the runbook's threshold
    # is 10 minutes, so the Demo passes a 3 s threshold).
    $postgres = Start-TestPostgres
    # What this run started, so that its test judges only these (other runs may share the machine).
    [ordered]@{
        SandboxPid       = $sandbox.Process.Id
        PostgresPid      = [int](Get-Content (Join-Path $postgres.DataDirectory 'postmaster.pid') -TotalCount 1)
        PostgresRoot     = $postgres.Root
    } | ConvertTo-Json | Set-Content (Join-Path (New-Item -ItemType Directory $demoOut -Force) 'processes.json')
    foreach ($n in 1..2) { $null = Start-TestPostgresSession $postgres 'SELECT pg_sleep(600);' -ApplicationName "report-export-$n" }
    Start-Sleep -Seconds 4
    $dbCredential = [pscredential]::new($postgres.Superuser, (ConvertTo-SecureString $postgres.Password -AsPlainText -Force))
    Import-Module $ModulePath
    Show 'Connect-SeekapaCluster -Kubeconfig $sandbox -Namespace seekapa-production' {
        Connect-SeekapaCluster -Kubeconfig $sandbox.Kubeconfig -Namespace seekapa-production | Format-Table -AutoSize
    }
    Show "Start-SeekapaIncident -Severity SEV2 -Title 'API 5xx spike after backend deploy' -Service API -Lead alice" {
        Start-SeekapaIncident -Severity SEV2 -Title 'API 5xx spike after backend deploy' -Service API -Lead alice `
            -Impact 'Checkout and search return 503 for part of the traffic' | Format-List Id, SeverityLabel, Status, Started, AcknowledgeBy, Lead
    }
    Show "Connect-SeekapaDatabase -Server 127.0.0.1 -Port $($postgres.Port) -Database postgres -Credential `$cred -SslMode Disable" {
        Connect-SeekapaDatabase -Server 127.0.0.1 -Port $postgres.Port -Database postgres -Credential $dbCredential -SslMode Disable | Format-Table -AutoSize
    }
    Show 'Invoke-SeekapaTriage -Namespace seekapa-production -LongQueryThreshold 3s' {
        Invoke-SeekapaTriage -Namespace seekapa-production -LongQueryThreshold 3s | Format-Table Severity, Check, Evidence, NextStep -Wrap
    }
    Show 'Get-SeekapaPodHealth -AllNamespaces -Unhealthy' {
        Get-SeekapaPodHealth -AllNamespaces -Unhealthy | Format-Table Namespace, Name, Status, RestartsDisplay, Owner, Problem -Wrap
    }
    Show 'Get-SeekapaPodHealth -Selector app=backend -Unhealthy | Get-SeekapaPodLog -Previous -Tail 4' {
        Get-SeekapaPodHealth -Selector app=backend -Unhealthy | Get-SeekapaPodLog -Previous -Tail 4
    }
    Show 'Get-SeekapaEvent -Type Warning | Select-Object -First 6' {
        Get-SeekapaEvent -Type Warning | Select-Object -First 6 | Format-Table -AutoSize -Wrap
    }
    Show 'Get-SeekapaRecentChange -Since 2h' {
        Get-SeekapaRecentChange -Since 2h | Format-Table -AutoSize
    }
    Show 'Get-SeekapaPodResourceUsage -SortBy Memory | Select-Object -First 5' {
        Get-SeekapaPodResourceUsage -SortBy Memory | Select-Object -First 5 | Format-Table -AutoSize
    }
    Show "Add-SeekapaIncidentNote 'Backend 2.14.1 crash-loops at startup (schema migration 2.14.1 required, upstream 503); 2.14.0 was healthy'" {
        Add-SeekapaIncidentNote 'Backend 2.14.1 crash-loops at startup (schema migration 2.14.1 required, upstream 503); 2.14.0 was healthy'
    }
    Show 'Get-SeekapaDeployment -AllNamespaces | Where-Object RolloutState -ne Complete' {
        Get-SeekapaDeployment -AllNamespaces | Where-Object RolloutState -ne 'Complete' | Format-Table -AutoSize
    }
    Show 'Get-SeekapaRolloutHistory backend-deployment' {
        Get-SeekapaRolloutHistory backend-deployment | Format-Table -AutoSize
    }
    Show 'Invoke-SeekapaRollback backend-deployment -WhatIf' {
        Invoke-SeekapaRollback backend-deployment -WhatIf 6>&1
    }
    Show 'Invoke-SeekapaRollback backend-deployment -Wait -Confirm:$false' {
        Invoke-SeekapaRollback backend-deployment -Wait -Timeout (New-TimeSpan -Minutes 2) -Confirm:$false | Format-List
    }
    Show 'Get-SeekapaDeployment backend-deployment' {
        Get-SeekapaDeployment backend-deployment | Format-Table -AutoSize
    }
    Show 'Get-SeekapaPodHealth -Selector app=backend' {
        Get-SeekapaPodHealth -Selector app=backend | Format-Table -AutoSize
    }
    Show 'Get-SeekapaDatabaseActivity -MinDuration 3s' {
        Get-SeekapaDatabaseActivity -MinDuration 3s | Format-Table -AutoSize
    }
    Show 'Get-SeekapaDatabaseActivity -MinDuration 3s | Stop-SeekapaDatabaseQuery -Confirm:$false' {
        Get-SeekapaDatabaseActivity -MinDuration 3s | Stop-SeekapaDatabaseQuery -Confirm:$false | Format-Table -AutoSize
    }
    Show 'Get-SeekapaDatabaseActivity -Summary' {
        Get-SeekapaDatabaseActivity -Summary | Format-Table -AutoSize
    }
    Show 'kubectl rollout history deployment/backend-deployment (the same sandbox)' {
        & kubectl --kubeconfig $sandbox.Kubeconfig rollout history deployment/backend-deployment -n seekapa-production
    }
    Show 'Format-SeekapaIncidentMessage -Kind Update' {
        Format-SeekapaIncidentMessage -Kind Update -NextStep 'Watch the error rate for 30 minutes'
    }
    Show "Stop-SeekapaIncident -RootCause 'Bad deploy of backend 2.14.1' -Resolution 'Rolled back to 2.14.0 (revision 2); stopped two long-running report queries'" {
        Stop-SeekapaIncident -RootCause 'Bad deploy of backend 2.14.1' -Resolution 'Rolled back to 2.14.0 (revision 2); stopped two long-running report queries' `
            -FollowUp 'Add a canary stage for backend deploys' | Format-List Id, Status, Duration, RootCause, Resolution
    }
    $postmortem = Join-Path $demoOut 'postmortem.md'
    Show "Export-SeekapaPostmortem -Path $postmortem" {
        Export-SeekapaPostmortem -Incident (Get-SeekapaIncident -Status Resolved | Select-Object -First 1) -Path $postmortem
        Get-Content $postmortem | Select-Object -First 40
    }
}
finally {
    if ($postgres) { Stop-TestPostgres $postgres }
    if ($sandbox) { Stop-Sandbox $sandbox }
}
