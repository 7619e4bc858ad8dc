# The leak scenario for Leak.Tests.ps1, run in a fresh pwsh: every cmdlet family with planted secrets, -Verbose and
# -Debug on (preferences), every stream captured, a transcript, $Error in full, the incident store and a post-mortem.
# Secrets are read from a file into variables, so no command line (InvocationInfo.Line) holds one.
param(
    [Parameter(Mandatory)][string] $WorkDirectory,
    [Parameter(Mandatory)][string] $ModulePath
)
Import-Module $ModulePath
$ErrorActionPreference = 'Continue'
$VerbosePreference = 'Continue'
$DebugPreference = 'Continue'
$InformationPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'

$plan = Get-Content (Join-Path $WorkDirectory 'plan.json') -Raw | ConvertFrom-Json
$s = $plan.Secrets
$env:SEEKAPA_INCIDENT_PATH = Join-Path $WorkDirectory 'store'

function Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }
function Insecure([string] $Command) {
    # The opt-in for an http test server, where the cmdlet has it (another change adds it to the integrations).
    if ((Get-Command $Command).Parameters.ContainsKey('AllowInsecureTransport')) { @{ AllowInsecureTransport = $true } } else { @{} }
}

$api = $plan.ListenerUrl
$slack = @{ SlackToken = (Secure $s.SlackToken); SlackApiUrl = "$api/slack/api/" }
$pagerDuty = @{ PagerDutyToken = (Secure $s.PagerDutyToken); PagerDutyApiUrl = "$api/pd/"; PagerDutyFrom = 'oncall@example.com' }
$summary = [ordered]@{}

Start-Transcript -Path (Join-Path $WorkDirectory 'transcript.txt') -IncludeInvocationHeader | Out-Null
$records = & {
    # Kubernetes: the sandbox's kubeconfig (admin and viewer tokens), and a copy with a wrong token.
    $cluster = Connect-SeekapaCluster -Kubeconfig $plan.Kubeconfig
    $summary.Cluster = [bool]$cluster
    $cluster | Format-List * -Force
    Get-SeekapaPodHealth -Namespace seekapa-production
    Get-SeekapaDeployment -Namespace seekapa-production
    Get-SeekapaDeployment no-such-deployment -Namespace seekapa-production
    $envChange = @{ API_TOKEN = $s.EnvSecret; LOG_LEVEL = 'debug' }
    Set-SeekapaContainerEnv backend-deployment -Namespace seekapa-production -Env $envChange -WhatIf
    Connect-SeekapaCluster -Kubeconfig $plan.WrongKubeconfig

    # PostgreSQL: the right password (a connection string) and a wrong one (a credential); a failing script with a role password.
    $database = Connect-SeekapaDatabase -ConnectionString $plan.DatabaseConnectionString
    $summary.Database = [bool]$database
    Test-SeekapaDatabaseConnection
    Get-SeekapaDatabaseActivity
    $wrongDb = [pscredential]::new('postgres', (Secure $s.WrongDatabasePassword))
    Connect-SeekapaDatabase 127.0.0.1 -Port $plan.DatabasePort -Credential $wrongDb -SslMode Disable
    $sql = "CREATE ROLE leak_role LOGIN PASSWORD '$($s.RolePassword)'; SELECT 1/0"
    Invoke-SeekapaSqlScript -Sql $sql -Confirm:$false

    # Redis: the right password and a wrong one.
    $stats = Get-SeekapaRedisStats $plan.RedisEndpoint -Password (Secure $s.RedisPassword)
    $summary.Redis = [bool]$stats
    $stats | Format-List * -Force
    Get-SeekapaRedisStats $plan.RedisEndpoint -Password (Secure $s.WrongRedisPassword)
    Clear-SeekapaRedisCache $plan.RedisEndpoint -Database 0 -Password (Secure $s.RedisPassword) -WhatIf

    # Prometheus (the loopback listener): bearer token and basic credentials.
    $insecure = Insecure Invoke-SeekapaPrometheusQuery
    $bearer = Invoke-SeekapaPrometheusQuery up -Endpoint "$api/prom/" -BearerToken (Secure $s.PrometheusBearer) @insecure
    $summary.Prometheus = @($bearer).Count
    $basic = [pscredential]::new('promuser', (Secure $s.PrometheusPassword))
    Invoke-SeekapaPrometheusQuery up -Endpoint "$api/prom/" -Credential $basic -Since 5m @insecure

    # Azure Resource Manager (the sandbox's fake): a wrong token (a JWT) and the right one.
    Connect-SeekapaAzure -ResourceManagerUrl $plan.ArmUrl -AccessToken $s.AzureJwt
    $azure = Connect-SeekapaAzure -ResourceManagerUrl $plan.ArmUrl -AccessToken $plan.ArmToken
    $summary.Azure = [bool]$azure
    Get-SeekapaAksCluster

    # Endpoints: user:password@ and ?api_key= in the URL, an Authorization header.
    $header = @{ Authorization = "Bearer $($s.EndpointBearer)" }
    $urls = "http://leakuser:$($s.UrlPassword)@127.0.0.1:$($plan.ListenerPort)/health?api_key=$($s.QueryApiKey)",
            "http://127.0.0.1:$($plan.ListenerPort)/down?token=$($s.QueryToken)"
    $checks = Test-SeekapaEndpoint -Uri $urls -Header $header
    $summary.Endpoints = @($checks).Count
    $checks | Format-List * -Force

    # The incident: secrets in the title, impact, notes, messages, root cause and follow-ups; Slack and PagerDuty.
    $title = "checkout down token=$($s.TitleSecret)"
    $impact = "exports fail: https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sig=$($s.SasSignature)"
    $insecureStart, $insecureSend, $insecureStop = (Insecure Start-SeekapaIncident), (Insecure Send-SeekapaIncidentMessage), (Insecure Stop-SeekapaIncident)
    $insecureSet = Insecure Set-SeekapaIncident
    $incident = Start-SeekapaIncident SEV2 $title -Impact $impact -SlackChannel @slack @pagerDuty -PagerDutyIncidentId Q1LEAK2 @insecureStart
    $summary.Incident = $incident.Id
    Add-SeekapaIncidentNote "bot token in the log: $($s.SlackNoteToken)"
    Add-SeekapaIncidentNote "pushed with $($s.GitHubToken) from $($s.AwsAccessKey)"
    Add-SeekapaIncidentNote "found in the repo:`n-----BEGIN RSA PRIVATE KEY-----`n$($s.PemBody)`n-----END RSA PRIVATE KEY-----"
    Add-SeekapaIncidentNote "app used Host=db;Username=app;Password=$($s.ConnectionPassword);Database=seekapa"
    Add-SeekapaIncidentNote "storage DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$($s.AccountKey);EndpointSuffix=core.windows.net"
    Add-SeekapaIncidentNote "session cookie was $($s.Jwt)"
    # No pattern can see these: only the runspace's own secrets catch them.
    Add-SeekapaIncidentNote "kubeconfig credential $($plan.KubeToken) and redis auth $($s.RedisPassword) and db $($plan.DatabasePassword)"
    Set-SeekapaIncident -Impact "still failing, pwd=$($s.ImpactPassword)" @slack @insecureSet
    Format-SeekapaIncidentMessage Update -NextStep "rotate $($s.SlackToken)" | Send-SeekapaIncidentMessage @slack @insecureSend
    Send-SeekapaIncidentMessage -Text "raw text password=$($s.SendTextPassword) and $($s.PagerDutyToken)" -Channel '#leak' @slack @insecureSend
    Stop-SeekapaIncident -RootCause "leaked AccountKey=$($s.AccountKey)" -Resolution "rotated $($s.GitHubToken)" -FollowUp "revoke $($s.AwsAccessKey)" @slack @pagerDuty @insecureStop
    $postmortem = Export-SeekapaPostmortem -Incident $incident.Id -Path (Join-Path $WorkDirectory 'postmortem.md') -PassThru
    $summary.Postmortem = [bool]$postmortem
} *>&1
Stop-Transcript | Out-Null

$records | Out-String -Width 4096 | Set-Content (Join-Path $WorkDirectory 'streams.txt')
# Every property of every record (format directives from the scenario's own Format-List are already text above).
$records | Where-Object { $_.GetType().Namespace -ne 'Microsoft.PowerShell.Commands.Internal.Format' } |
    Format-List * -Force | Out-String -Width 4096 | Add-Content (Join-Path $WorkDirectory 'streams.txt')
$errors = $Error | Format-List * -Force | Out-String -Width 4096
$errors += $Error | ForEach-Object { $_.Exception | Format-List * -Force } | Out-String -Width 4096
$errors += $Error | ForEach-Object { $_ | Get-Error } | Out-String -Width 4096
$errors | Set-Content (Join-Path $WorkDirectory 'errors.txt')
$summary.Errors = @($Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
$summary | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $WorkDirectory 'summary.json')
