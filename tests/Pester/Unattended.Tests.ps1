# Unattended means unattended: every state-changing cmdlet, run by `pwsh -NonInteractive` (where any prompt is an error),
# once with -Confirm:$false and once with $ConfirmPreference = 'None' (plus -Force where the cmdlet has an extra
# confirmation for a dangerous step), completes (exit 0) and makes its change: against the sandbox cluster and its fake
# Azure Resource Manager, a local PostgreSQL and a local Redis (all started here, on 127.0.0.1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $Root 'tools/Postgres.psm1') -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario healthy
    $script:Pg = Start-TestPostgres
    $script:Redis = Start-TestRedis
    $script:Ns = 'seekapa-production'

    # A Slack Web API stand-in on 127.0.0.1 for Send-SeekapaIncidentMessage: it records each call and answers chat.postMessage
    # as Slack does ({"ok": true, "channel", "ts"}).
    $free = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $free.Start(); $slackPort = $free.LocalEndpoint.Port; $free.Stop()
    $script:SlackUrl = "http://127.0.0.1:$slackPort/api/"
    $script:SlackListener = [System.Net.HttpListener]::new()
    $SlackListener.Prefixes.Add("http://127.0.0.1:$slackPort/")
    $SlackListener.Start()
    $script:SlackCalls = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
    $script:SlackServer = [powershell]::Create().AddScript({
            param($Listener, $Calls)
            while ($Listener.IsListening) {
                try { $context = $Listener.GetContext() } catch { break }
                $body = [System.IO.StreamReader]::new($context.Request.InputStream).ReadToEnd()
                $Calls.Enqueue("$($context.Request.Url.AbsolutePath) $body")
                $answer = [Text.Encoding]::UTF8.GetBytes('{"ok":true,"channel":"C0UNATTEND","ts":"1700000000.000100"}')
                $context.Response.ContentType = 'application/json; charset=utf-8'
                $context.Response.OutputStream.Write($answer, 0, $answer.Length)
                $context.Response.Close()
            }
        }).AddArgument($SlackListener).AddArgument($SlackCalls)
    $null = $SlackServer.BeginInvoke()

    function Invoke-Kubectl {
        $out = & kubectl --kubeconfig $Sandbox.Kubeconfig @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $($args -join ' ') failed ($LASTEXITCODE): $out" }
        $out
    }

    function Get-Json([string] $Resource, [string] $Name) {
        (Invoke-Kubectl get $Resource $Name -n $Ns -o json) -join "`n" | ConvertFrom-Json
    }

    function New-Deployment([string] $Name) {
        # kubectl create deployment sends protobuf, which the sandbox does not speak; create -f sends JSON.
        $file = New-TemporaryFile
        try {
            Set-Content -Path $file -Value @"
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"$Name","namespace":"$Ns"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"$Name"}},
  "template":{"metadata":{"labels":{"app":"$Name"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25","env":[{"name":"MODE","value":"a"}]}]}}}}
"@
            $null = Invoke-Kubectl create -f $file
        }
        finally { Remove-Item $file }
    }

    function Wait-Until([scriptblock] $Condition, [string] $What, [int] $Seconds = 60) {
        # The test's own clock: polls a condition, never asserts on elapsed time.
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Waited $Seconds s for: $What" }
            Start-Sleep -Milliseconds 200
        }
    }

    function Invoke-Unattended {
        # Runs $Body in `pwsh -NonInteractive` with the module, the sandbox's CA trusted and its ARM connected; any
        # prompt fails there. Returns the exit code and everything the child wrote.
        param([string] $Mode, [string] $Body)
        $preference = if ($Mode -eq 'Preference') { "`$ConfirmPreference = 'None'" } else { '' }
        $script = @"
`$ErrorActionPreference = 'Stop'
$preference
Import-Module '$ModulePath'
`$token = ConvertTo-SecureString '$($Sandbox.AdminToken)' -AsPlainText -Force
`$null = Connect-SeekapaAzure -ResourceManagerUrl '$($Sandbox.Url)' -AccessToken `$token -Subscription '$($Sandbox.ArmSubscriptionId)' -WarningAction SilentlyContinue
`$null = Connect-SeekapaCluster -Kubeconfig '$($Sandbox.Kubeconfig)' -Namespace $Ns
`$null = Connect-SeekapaDatabase -ConnectionString '$($Pg.ConnectionString)'
$Body
"@
        $previous = $env:SSL_CERT_FILE
        $env:SSL_CERT_FILE = $Sandbox.CaPath
        try { $output = & $Pwsh @PwshPrefix -NoProfile -NonInteractive -Command $script 2>&1 }
        finally { $env:SSL_CERT_FILE = $previous }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    }
}

AfterAll {
    if ($script:SlackListener) { $SlackListener.Stop(); $SlackListener.Close() }
    if ($script:SlackServer) { $SlackServer.Dispose() }
    if ($script:Redis) { Stop-TestRedis $script:Redis }
    if ($script:Pg) { Stop-TestPostgres $script:Pg }
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'Every state-changing cmdlet runs unattended under pwsh -NonInteractive' -ForEach @(
    @{ Mode = 'Confirm'; Waiver = '-Confirm:$false'; Force = '' }
    @{ Mode = 'Preference'; Waiver = ''; Force = '-Force' }
) {
    BeforeAll {
        $script:Name = "unattended-$($Mode.ToLowerInvariant())"
        $script:Incidents = Join-Path ([IO.Path]::GetTempPath()) "seekapa-unattended-$([guid]::NewGuid().ToString('n'))"
        $script:Postmortem = Join-Path $Incidents 'postmortem.md'
        New-Deployment $Name
        $script:Pod = (Invoke-Kubectl get pods -n $Ns -l "app=$Name" -o 'jsonpath={.items[0].metadata.name}') -join ''
        Wait-Until { $p = Get-Json pods $Pod; $p.status.phase -eq 'Running' } "pod $Pod running"
        $null = Invoke-TestRedisCli $Redis -Database 3 SET "$Name-key" 1
        $script:Sleeper = Start-TestPostgresSession $Pg 'SELECT pg_sleep(600);' -ApplicationName "$Name-report"
        $script:Table = "t_$($Mode.ToLowerInvariant())"
        $script:WorkMem = if ($Mode -eq 'Confirm') { '24MB' } else { '28MB' }

        # One child per mode: each cmdlet with -ErrorAction Stop, so any prompt or failure ends it with a non-zero exit.
        $script:Run = Invoke-Unattended -Mode $Mode -Body @"
`$env:SEEKAPA_INCIDENT_PATH = '$Incidents'
`$incident = Start-SeekapaIncident SEV3 'Unattended $Mode' $Waiver
Add-SeekapaIncidentNote 'running unattended' $Waiver
`$env:SLACK_BOT_TOKEN = 'xoxb-unattended-test'
`$null = Format-SeekapaIncidentMessage Initial | Send-SeekapaIncidentMessage -Channel '#$Name' -SlackApiUrl '$SlackUrl' $Waiver
`$null = Set-SeekapaIncident -Status Identified $Waiver
`$null = Remove-SeekapaPod $Pod -GracePeriod 0 $Waiver $Force
`$null = Set-SeekapaContainerEnv $Name -Env @{ MODE = 'b' } $Waiver
`$null = Set-SeekapaContainerResource $Name -MemoryLimit 512Mi $Waiver
`$null = Invoke-SeekapaRollback $Name $Waiver
`$null = Restart-SeekapaWorkload $Name $Waiver
`$null = Set-SeekapaWorkloadScale $Name -Replicas 0 $Waiver $Force
`$null = Set-SeekapaDatabaseEndpoint '$Name.postgres.database.azure.com' -Secret backend-db -Key DATABASE_URL $Waiver
`$null = Clear-SeekapaRedisCache '127.0.0.1:$($Redis.Port)' -Database 3 $Waiver
`$null = Invoke-SeekapaSqlScript -Sql 'CREATE TABLE $Table (id int);' $Waiver
`$null = Set-SeekapaDatabaseSetting work_mem $WorkMem $Waiver
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (-not (Get-SeekapaDatabaseActivity | Where-Object Application -EQ '$Name-report')) {
    if ([DateTime]::UtcNow -gt `$deadline) { throw 'the report query never showed' }
    Start-Sleep -Milliseconds 200
}
`$null = Get-SeekapaDatabaseActivity | Where-Object Application -EQ '$Name-report' | Stop-SeekapaDatabaseQuery $Waiver
`$restore = Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-SeekapaAzureDatabaseServer seekapa-rg seekapa-postgres).EarliestRestoreDate.AddHours(1) -TargetServerName '$Name' -Wait -Timeout 120 $Waiver
"RESTORE=`$(`$restore.State)"
`$parameter = Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName '$Name' -Name max_connections -Value 400 -Restart $Waiver $Force
"PARAMETER=`$(`$parameter.Value) RESTARTED=`$(`$parameter.Restarted)"
Set-Content -Path '$Postmortem' -Value 'an older draft'
Export-SeekapaPostmortem -Path '$Postmortem' -Force $Waiver
`$null = Stop-SeekapaIncident -RootCause 'none' -Resolution 'ran unattended' $Waiver
'done'
"@
    }

    AfterAll {
        Remove-Item $Incidents -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'completes with exit code 0 (<Mode>)' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Output
        $Run.Output | Should -Match 'done\s*$'
    }

    It 'made every cluster change (<Mode>)' {
        $deployment = Get-Json deployment $Name
        $deployment.spec.replicas | Should -Be 0
        $deployment.spec.template.metadata.annotations.'kubectl.kubernetes.io/restartedAt' | Should -Not -BeNullOrEmpty
        # The rollback went back to the revision with MODE=b and no memory limit.
        $container = $deployment.spec.template.spec.containers[0]
        ($container.env | Where-Object name -EQ MODE).value | Should -Be 'b'
        $container.resources.limits.memory | Should -BeNullOrEmpty
        & kubectl --kubeconfig $Sandbox.Kubeconfig get pod $Pod -n $Ns 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'the pod was deleted at once'
        $secret = Get-Json secret backend-db
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.DATABASE_URL)) | Should -Match "@$Name\.postgres\.database\.azure\.com:"
    }

    It 'made every data change (<Mode>)' {
        Invoke-TestRedisCli $Redis -Database 3 EXISTS "$Name-key" | Should -Be '0'
        Wait-Until { $Sleeper.HasExited } 'the report query to be stopped' 30
        $env:PGPASSWORD = $Pg.Password
        try {
            $psql = Join-Path $Pg.BinDirectory 'psql'
            $query = @('-h', $Pg.Host, '-p', "$($Pg.Port)", '-U', $Pg.Superuser, '-d', 'postgres', '-X', '-tA', '-c')
            (& $psql @query "SELECT to_regclass('public.$Table') IS NOT NULL") -join '' | Should -Be 't'
            (& $psql @query 'SHOW work_mem') -join '' | Should -Be $WorkMem
        }
        finally { $env:PGPASSWORD = $null }
    }

    It 'made every Azure change (<Mode>)' {
        $Run.Output | Should -Match 'RESTORE=Ready'
        $Run.Output | Should -Match 'PARAMETER=400 RESTARTED=True'
    }

    It 'posted the incident message to Slack (<Mode>)' {
        @($SlackCalls.ToArray() | Where-Object { $_ -like '/api/chat.postMessage *' -and $_ -like "*#$Name*" }).Count | Should -Be 1
    }

    It 'recorded the incident from start to stop, with the post-mortem overwritten (<Mode>)' {
        $record = Get-ChildItem $Incidents -Filter '*.json' | Get-Content -Raw | ConvertFrom-Json
        $record.status | Should -Be 'Resolved'
        ($record.timeline | Where-Object kind -EQ 'Note').text | Should -Be 'running unattended'
        ($record.timeline | Where-Object kind -EQ 'Action').cmdlet | Should -Contain 'Remove-SeekapaPod'
        Get-Content $Postmortem -Raw | Should -Not -Match 'an older draft'
    }
}
