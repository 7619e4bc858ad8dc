#Requires -Version 7.4
<#
.SYNOPSIS
    The main job: walks the runbook's bad-deploy incident with the cmdlets against a sandbox cluster.
.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Demo` after the build. Starts the sandbox with the bad-deploy scenario
    (backend-deployment's latest revision crash-loops and has exceeded its progress deadline), then does what the
    on-call engineer would: open the incident, find what is unhealthy, read the crashed pods' logs and the events, see
    which deployment failed and what changed, preview the rollback, roll back and wait (recorded in the incident timeline
    automatically), verify, resolve and write the post-mortem - printing what the engineer would see. kubectl runs
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

function Show([string] $Title, [scriptblock] $Command) {
    Write-Host "`nPS> $Title" -ForegroundColor Cyan
    & $Command | Out-String -Width 200 | Out-Host
}

$demoOut = Join-Path (Split-Path $ModulePath -Parent) 'demo'
Remove-Item $demoOut -Recurse -Force -ErrorAction SilentlyContinue
$env:SEEKAPA_INCIDENT_PATH = Join-Path $demoOut 'incidents'
$sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
try {
    Import-Module $ModulePath
    Show 'Connect-SeekapaCluster -Kubeconfig $sandbox -Namespace seekapa-production' {
        Connect-SeekapaCluster -Kubeconfig $sandbox.Kubeconfig -Namespace seekapa-production | Format-Table -AutoSize
    }
    Show "Start-SeekapaIncident -Severity SEV2 -Title 'API 5xx spike after backend deploy' -Service API -Lead alice" {
        Start-SeekapaIncident -Severity SEV2 -Title 'API 5xx spike after backend deploy' -Service API -Lead alice `
            -Impact 'Checkout and search return 503 for part of the traffic' | Format-List Id, SeverityLabel, Status, Started, AcknowledgeBy, Lead
    }
    Show 'Invoke-SeekapaTriage -Namespace seekapa-production' {
        Invoke-SeekapaTriage -Namespace seekapa-production | Format-Table Severity, Check, Evidence, NextStep -Wrap
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
    Show 'kubectl rollout history deployment/backend-deployment (the same sandbox)' {
        & kubectl --kubeconfig $sandbox.Kubeconfig rollout history deployment/backend-deployment -n seekapa-production
    }
    Show 'Format-SeekapaIncidentMessage -Kind Update' {
        Format-SeekapaIncidentMessage -Kind Update -NextStep 'Watch the error rate for 30 minutes'
    }
    Show "Stop-SeekapaIncident -RootCause 'Bad deploy of backend 2.14.1' -Resolution 'Rolled back to 2.14.0 (revision 2)'" {
        Stop-SeekapaIncident -RootCause 'Bad deploy of backend 2.14.1' -Resolution 'Rolled back to 2.14.0 (revision 2)' `
            -FollowUp 'Add a canary stage for backend deploys' | Format-List Id, Status, Duration, RootCause, Resolution
    }
    $postmortem = Join-Path $demoOut 'postmortem.md'
    Show "Export-SeekapaPostmortem -Path $postmortem" {
        Export-SeekapaPostmortem -Incident (Get-SeekapaIncident -Status Resolved | Select-Object -First 1) -Path $postmortem
        Get-Content $postmortem | Select-Object -First 40
    }
}
finally {
    Stop-Sandbox $sandbox
}
