<#
.SYNOPSIS
    Azure Automation runbook (PowerShell 7.4 runtime): triages the Seekapa AKS cluster and posts the findings to Slack.
.DESCRIPTION
    1. Signs in to Azure as the Automation account's managed identity (Connect-SeekapaAzure -Identity; -IdentityClientId
       for a user-assigned identity).
    2. Connects to the AKS cluster through Resource Manager, with Entra ID and without kubelogin
       (Connect-SeekapaCluster -ResourceGroupName -ClusterName).
    3. Runs the runbook's initial assessment (Invoke-SeekapaTriage) and writes the findings to the job output.
    4. With -DeclareIncidentAt, declares an incident when the most severe finding is at least that severe
       (Start-SeekapaIncident), with one note per finding. Records go to $env:SEEKAPA_INCIDENT_PATH: see
       docs/azure-automation.md for where to keep them so that they outlive the job.
    5. Posts a summary to Slack (Send-SeekapaIncidentMessage): the suggested severity, the findings, the incident id.

    Any error stops the job and marks it Failed ($ErrorActionPreference = 'Stop'): a runbook must not post "all clear"
    after a check that could not run.

    Secrets are never parameters (the values of a job's parameters are shown in the portal): the Slack bot token is the
    encrypted Automation variable named by -SlackTokenVariable (Get-AutomationVariable), or $env:SLACK_BOT_TOKEN outside
    Azure Automation.

    Rehearsal outside Azure (docs/azure-automation.md, and tests/Pester/AutomationRunbook.Tests.ps1 against the sandbox):
    -ResourceManagerUrl points at another Resource Manager and signs in with the token in $env:SEEKAPA_ARM_ACCESS_TOKEN
    instead of the managed identity; a given Resource Manager token is never sent to the cluster, so an Entra cluster
    takes its own token from $env:SEEKAPA_AKS_ACCESS_TOKEN; -SlackApiUrl points at another Slack Web API.
.EXAMPLE
    # In Azure Automation: a schedule or a webhook starts the runbook with its parameters.
    Start-AzAutomationRunbook -AutomationAccountName seekapa-ops -ResourceGroupName seekapa-ops-rg -Name Invoke-TriageRunbook `
        -Parameters @{ ClusterName = 'seekapa-aks-prod'; Namespace = 'seekapa-production'; SlackChannel = '#incidents' }
#>
param(
    [string] $ResourceGroupName = 'seekapa-rg',
    [string] $ClusterName = 'seekapa-aks-prod',
    [string] $Namespace = 'seekapa-production',
    # The subscription id or name; default the only one the identity can see.
    [string] $Subscription,
    # The client id of a user-assigned managed identity; default the account's system-assigned identity.
    [string] $IdentityClientId,
    # Health URLs checked beside the cluster (Invoke-SeekapaTriage -Endpoint).
    [string[]] $Endpoint,
    [string] $SlackChannel = '#incidents',
    [string] $SlackTokenVariable = 'SlackBotToken',
    # SEV-1 .. SEV-4: declare an incident when the most severe finding is at least this severe. Empty: never.
    [ValidateSet('', 'SEV-1', 'SEV-2', 'SEV-3', 'SEV-4')]
    [string] $DeclareIncidentAt = '',
    # Rehearsal only: another Resource Manager (token in $env:SEEKAPA_ARM_ACCESS_TOKEN) and another Slack Web API.
    [string] $ResourceManagerUrl,
    [string] $SlackApiUrl
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module Seekapa.Ops

# The Slack token first: a job that cannot report should fail before it does anything.
$token = if (Get-Command Get-AutomationVariable -ErrorAction SilentlyContinue) { Get-AutomationVariable -Name $SlackTokenVariable } else { $env:SLACK_BOT_TOKEN }
if (-not $token) { throw "No Slack token: create the encrypted Automation variable '$SlackTokenVariable' (or set `$env:SLACK_BOT_TOKEN outside Azure Automation)." }

# 1. Azure: the managed identity, or the rehearsal's token.
$azure = @{}
if ($Subscription) { $azure.Subscription = $Subscription }
if ($ResourceManagerUrl) {
    if (-not $env:SEEKAPA_ARM_ACCESS_TOKEN) { throw 'Rehearsal with -ResourceManagerUrl: set $env:SEEKAPA_ARM_ACCESS_TOKEN to a token for it.' }
    # The warning that a given token is not refreshed does not concern a run of a few seconds.
    $null = Connect-SeekapaAzure -ResourceManagerUrl $ResourceManagerUrl -AccessToken $env:SEEKAPA_ARM_ACCESS_TOKEN @azure -WarningAction SilentlyContinue
}
elseif ($IdentityClientId) { $null = Connect-SeekapaAzure -Identity -ClientId $IdentityClientId @azure }
else { $null = Connect-SeekapaAzure -Identity @azure }

# 2. The cluster, with the identity's Entra token (Azure Kubernetes Service Cluster User Role + Kubernetes RBAC).
#    In a rehearsal with given tokens, an Entra cluster needs its own (the Resource Manager token is not sent to it).
$aks = @{}
if ($ResourceManagerUrl -and $env:SEEKAPA_AKS_ACCESS_TOKEN) { $aks.AccessToken = $env:SEEKAPA_AKS_ACCESS_TOKEN }
$cluster = Connect-SeekapaCluster -ResourceGroupName $ResourceGroupName -ClusterName $ClusterName -Namespace $Namespace @aks
Write-Verbose "Connected to $($cluster.Context) at $($cluster.Server) (Kubernetes $($cluster.ServerVersion))."

# 3. Triage. The overall severity it suggests is a warning; the findings come most severe first.
$triage = @{ Namespace = $Namespace }
if ($Endpoint) { $triage.Endpoint = $Endpoint }
$findings = @(Invoke-SeekapaTriage @triage -WarningVariable suggestion)
$findings | Select-Object Severity, Check, Target, Evidence, NextStep
$top = $findings | Where-Object SeverityRank -le 4 | Select-Object -First 1
$summary = if ($suggestion) { "$($suggestion[-1])" } elseif ($top) { "Most severe finding: $($top.Severity)" } else { 'No problem found.' }

# 4. An incident, when the findings are severe enough, in the incident store ($env:SEEKAPA_INCIDENT_PATH: see
#    docs/azure-automation.md for a place that outlives the job).
$incident = $null
if ($DeclareIncidentAt -and $top -and $top.SeverityRank -le [int]$DeclareIncidentAt.Substring(4)) {
    $incident = Start-SeekapaIncident -Severity $top.Severity -Title "$(($top.Target -split '/')[-1]): $($top.Check) ($ClusterName/$Namespace)" `
        -Impact $top.Evidence -Confirm:$false
    $findings | ForEach-Object { "$($_.Severity) $($_.Check) $($_.Target): $($_.Evidence)" } | Add-SeekapaIncidentNote -Confirm:$false
    $incident.Id
}

# 5. Slack: one message, the findings most severe first (at most 15 lines; the job output has them all).
$job = if ((Get-Variable PSPrivateMetadata -ErrorAction SilentlyContinue) -and $PSPrivateMetadata.JobId) { " (Automation job $($PSPrivateMetadata.JobId))" } else { '' }
$lines = @(
    "*Triage of $ClusterName / $Namespace*$job"
    $summary
    if ($incident) { "Incident declared: *$($incident.Id)*" }
    $findings | Select-Object -First 15 | ForEach-Object { "- *$($_.Severity)* $($_.Check) ``$($_.Target)``: $($_.Evidence)" }
    if ($findings.Count -gt 15) { "... and $($findings.Count - 15) more in the job output." }
)
$send = @{
    Text       = $lines -join "`n"
    Channel    = $SlackChannel
    # Without the Microsoft.PowerShell.Security module: a SecureString straight from .NET.
    SlackToken = [System.Net.NetworkCredential]::new('', $token).SecurePassword
}
if ($SlackApiUrl) { $send.SlackApiUrl = $SlackApiUrl }
$posted = Send-SeekapaIncidentMessage @send -Confirm:$false
"Posted the triage of $ClusterName/$Namespace to $($posted.Channel) (ts $($posted.Ts)): $($findings.Count) finding(s)."
