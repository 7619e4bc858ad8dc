@{
    RootModule           = 'Seekapa.Ops.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b7f6c2e-2f5d-4c1a-9f0e-6d3b8a1c4e27'
    Author               = 'Seekapa'
    CompanyName          = 'Seekapa'
    Copyright            = '(c) Seekapa. MIT License.'
    Description          = 'Incident response for Seekapa: Kubernetes (kubectl semantics), Azure, PostgreSQL and the incident process as PowerShell cmdlets.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Seekapa.Ops.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-SeekapaCluster'
        'Connect-SeekapaAzure'
        'Get-SeekapaAksCluster'
        'Get-SeekapaAzureMetric'
        'Get-SeekapaAzureDatabaseServer'
        'Restore-SeekapaDatabase'
        'Set-SeekapaAzureDatabaseParameter'
        'Get-SeekapaPodHealth'
        'Get-SeekapaDeployment'
        'Get-SeekapaRolloutHistory'
        'Invoke-SeekapaRollback'
        'Wait-SeekapaRollout'
        'Restart-SeekapaWorkload'
        'Set-SeekapaWorkloadScale'
        'Set-SeekapaContainerResource'
        'Set-SeekapaContainerEnv'
        'Set-SeekapaDatabaseEndpoint'
        'Remove-SeekapaPod'
        'Get-SeekapaSeverityPolicy'
        'Start-SeekapaIncident'
        'Get-SeekapaIncident'
        'Set-SeekapaIncident'
        'Stop-SeekapaIncident'
        'Add-SeekapaIncidentNote'
        'Export-SeekapaPostmortem'
        'Format-SeekapaIncidentMessage'
        'Send-SeekapaIncidentMessage'
        'Invoke-SeekapaTriage'
        'Get-SeekapaPodLog'
        'Get-SeekapaEvent'
        'Get-SeekapaRecentChange'
        'Get-SeekapaPodResourceUsage'
        'Test-SeekapaEndpoint'
        'Connect-SeekapaDatabase'
        'Test-SeekapaDatabaseConnection'
        'Get-SeekapaDatabaseActivity'
        'Stop-SeekapaDatabaseQuery'
        'Get-SeekapaTableSize'
        'Set-SeekapaDatabaseSetting'
        'Invoke-SeekapaSqlScript'
        'Get-SeekapaRedisStats'
        'Clear-SeekapaRedisCache'
        'Invoke-SeekapaPrometheusQuery'
        'Start-SeekapaPortForward'
        'Get-SeekapaPortForward'
        'Stop-SeekapaPortForward'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # The Gallery's platform filters (PSEdition_Core, Windows, Linux, MacOS), then what the module is about.
            Tags         = @('PSEdition_Core', 'Windows', 'Linux', 'MacOS', 'Kubernetes', 'kubectl', 'AKS', 'Azure', 'AzureAutomation',
                'PostgreSQL', 'Redis', 'Prometheus', 'Slack', 'PagerDuty', 'Incident', 'IncidentResponse', 'Runbook', 'Triage',
                'Rollback', 'SRE', 'OnCall', 'DevOps')
            ProjectUri   = 'https://github.com/seekapa/Seekapa.Ops'
            LicenseUri   = 'https://github.com/seekapa/Seekapa.Ops/blob/main/LICENSE'
            ReleaseNotes = @'
First release: the on-call runbook as cmdlets.
- Kubernetes with kubectl's semantics: pod health, deployments, rollout history, rollback, wait, restart, scale, resources,
  environment, pod removal, logs, events, recent changes, resource usage (Get-SeekapaPodHealth ... Remove-SeekapaPod).
- Triage in one command (Invoke-SeekapaTriage): pods, rollouts, events, logs, resources, database, endpoints, 5xx rate.
- Azure: managed identity sign-in for Azure Automation, AKS with Entra ID without kubelogin, Azure Monitor metrics,
  PostgreSQL flexible server point-in-time restore and parameters.
- PostgreSQL, Redis and Prometheus; the incident process (Slack, PagerDuty, timeline, post-mortem).
Runs on PowerShell 7.4 and later, including Azure Automation's PowerShell 7.4 runtime (import Seekapa.Ops.zip).
'@
        }
    }
}
