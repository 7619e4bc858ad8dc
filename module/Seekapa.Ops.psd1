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
            Tags       = @('Kubernetes', 'AKS', 'Azure', 'PostgreSQL', 'Incident', 'SRE', 'OnCall')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
