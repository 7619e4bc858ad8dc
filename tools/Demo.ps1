#Requires -Version 7.4
<#
.SYNOPSIS
    The main job: walks the runbook's bad-deploy incident with the cmdlets against a sandbox cluster.
.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Demo` after the build. Starts the sandbox with the bad-deploy scenario
    (backend-deployment's latest revision crash-loops and has exceeded its progress deadline), then does what the
    on-call engineer would: find what is unhealthy, see which deployment failed and what changed, preview the rollback,
    roll back and wait, and verify - printing what the engineer would see. kubectl runs against the same sandbox at the
    end as the reference.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force

function Show([string] $Title, [scriptblock] $Command) {
    Write-Host "`nPS> $Title" -ForegroundColor Cyan
    & $Command | Out-String -Width 200 | Out-Host
}

$sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
try {
    Import-Module $ModulePath
    Show 'Connect-SeekapaCluster -Kubeconfig $sandbox -Namespace seekapa-production' {
        Connect-SeekapaCluster -Kubeconfig $sandbox.Kubeconfig -Namespace seekapa-production | Format-Table -AutoSize
    }
    Show 'Get-SeekapaPodHealth -AllNamespaces -Unhealthy' {
        Get-SeekapaPodHealth -AllNamespaces -Unhealthy | Format-Table Namespace, Name, Status, RestartsDisplay, Owner, Problem -Wrap
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
}
finally {
    Stop-Sandbox $sandbox
}
