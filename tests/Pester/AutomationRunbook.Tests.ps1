# examples/Invoke-TriageRunbook.ps1, the Azure Automation runbook of docs/azure-automation.md, rehearsed as Automation
# runs it (pwsh -NonInteractive -File, the module found on PSModulePath) against the sandbox's cluster and fake Resource
# Manager, with a loopback Slack Web API served here. Its managed-identity sign-in is replaced by -ResourceManagerUrl and
# the sandbox's admin token, given through the environment as a runbook would read a secret.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Runbook = Join-Path $Root 'examples/Invoke-TriageRunbook.ps1'
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
    $script:SlackToken = "xoxb-test-$([guid]::NewGuid().ToString('n'))"

    function Invoke-Runbook {
        # Runs the runbook in a child pwsh while this thread plays Slack's chat.postMessage on a loopback port; returns
        # the exit code, what the runbook printed and every request Slack received.
        param([string[]] $Arguments, [string] $IncidentPath)
        $portProbe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $portProbe.Start(); $port = $portProbe.LocalEndpoint.Port; $portProbe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()

        $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
        foreach ($a in @($PwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $Runbook) + $Arguments + @('-SlackApiUrl', "http://127.0.0.1:$port/api/")) {
            $psi.ArgumentList.Add($a)
        }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        # What the Automation account would provide: the module on PSModulePath, the secrets, a durable incident folder.
        $psi.Environment['PSModulePath'] = (Split-Path $ModulePath) + [IO.Path]::PathSeparator + $env:PSModulePath
        $psi.Environment['SSL_CERT_FILE'] = $Sandbox.CaPath
        $psi.Environment['SEEKAPA_ARM_ACCESS_TOKEN'] = $Sandbox.AdminToken
        $psi.Environment['SEEKAPA_AKS_ACCESS_TOKEN'] = $Sandbox.AdminToken
        $psi.Environment['SLACK_BOT_TOKEN'] = $SlackToken
        $psi.Environment['SEEKAPA_INCIDENT_PATH'] = $IncidentPath
        $process = [System.Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()

        $requests = [System.Collections.Generic.List[object]]::new()
        $deadline = [DateTime]::UtcNow.AddMinutes(5)   # a guard against a hang, not an assertion
        try {
            $pending = $listener.GetContextAsync()
            while (-not $process.HasExited -or $pending.IsCompleted) {
                if ([DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw "The runbook did not finish within 5 minutes. $($stderr.Result)" }
                if (-not $pending.Wait(200)) { continue }
                $context = $pending.Result
                $reader = [IO.StreamReader]::new($context.Request.InputStream)
                $requests.Add([pscustomobject]@{
                        Path = $context.Request.Url.AbsolutePath; Authorization = $context.Request.Headers['Authorization']
                        Body = $reader.ReadToEnd() | ConvertFrom-Json
                    })
                # Slack's answer to chat.postMessage.
                $answer = [Text.Encoding]::UTF8.GetBytes('{"ok":true,"channel":"C0TRIAGE01","ts":"1765000000.000100"}')
                $context.Response.ContentType = 'application/json'
                $context.Response.OutputStream.Write($answer, 0, $answer.Length)
                $context.Response.Close()
                $pending = $listener.GetContextAsync()
            }
        }
        finally { $listener.Stop(); $listener.Close() }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Errors = $stderr.Result; Requests = $requests.ToArray() }
    }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'The triage runbook for Azure Automation' {
    It 'connects through Resource Manager, triages, declares the incident and posts the findings to Slack' {
        $incidents = Join-Path $TestDrive 'incidents'
        $run = Invoke-Runbook -IncidentPath $incidents -Arguments @(
            '-ResourceManagerUrl', $Sandbox.Url, '-ResourceGroupName', 'seekapa-rg', '-ClusterName', 'seekapa-aks-prod',
            '-Namespace', 'seekapa-production', '-SlackChannel', '#ops-triage', '-DeclareIncidentAt', 'SEV-3')
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -Match 'Posted the triage of seekapa-aks-prod/seekapa-production to #ops-triage \(ts 1765000000\.000100\)'
        # No secret reaches the job output.
        $run.Output | Should -Not -Match ([regex]::Escape($Sandbox.AdminToken))
        $run.Output | Should -Not -Match ([regex]::Escape($SlackToken))

        # One message, to the channel asked for, with the bot token.
        $run.Requests.Count | Should -Be 1
        $post = $run.Requests[0]
        $post.Path | Should -Be '/api/chat.postMessage'
        $post.Authorization | Should -Be "Bearer $SlackToken"
        $post.Body.channel | Should -Be '#ops-triage'
        $lines = $post.Body.text -split "`n"
        $lines[0] | Should -Be '*Triage of seekapa-aks-prod / seekapa-production*'
        $lines[1] | Should -Match '^Suggested severity: SEV-[123]'
        $lines[2] | Should -Match '^Incident declared: \*sev-[123]-\d{8}-[a-z0-9-]+\*$'
        $incidentId = $lines[2] -replace '^Incident declared: \*(.+)\*$', '$1'
        $posted = @($lines | Where-Object { $_ -match '^- \*' } | ForEach-Object { $_ -replace '^- \*(\S+)\* (\S+) `(.+?)`: ', '$1 $2 $3: ' })
        $posted.Count | Should -BeGreaterThan 0
        # The bad deploy of the scenario (backend 2.14.1 crash-looping) is among the findings.
        $posted | Where-Object { $_ -match '^SEV-[123] Rollouts seekapa-production/Deployment/backend-deployment: ' } | Should -Not -BeNullOrEmpty

        # The incident record is in $env:SEEKAPA_INCIDENT_PATH: one note per finding (the same lines Slack got, up to
        # 15) and the message in its timeline.
        Test-Path (Join-Path $incidents "$incidentId.json") | Should -BeTrue
        $saved = $env:SEEKAPA_INCIDENT_PATH
        $env:SEEKAPA_INCIDENT_PATH = $incidents
        try {
            $record = Invoke-FreshPwsh @"
Import-Module '$ModulePath'
`$ErrorActionPreference = 'Stop'
`$i = Get-SeekapaIncident -Id '$incidentId'
@{ Severity = `$i.SeverityLabel; Notes = @(`$i.Timeline | Where-Object Kind -eq 'Note' | ForEach-Object Text)
   Sent = @(`$i.Timeline | Where-Object Cmdlet -eq 'Send-SeekapaIncidentMessage' | ForEach-Object { "`$(`$_.Target) `$(`$_.Outcome) `$(`$_.After)" }) } | ConvertTo-Json
"@
        }
        finally { $env:SEEKAPA_INCIDENT_PATH = $saved }
        $record.Severity | Should -Be ($posted[0] -split ' ')[0]
        @($record.Notes | Select-Object -First 15) | Should -Be $posted
        $record.Sent | Should -Be @('#ops-triage Sent 1765000000.000100')
    }

    It 'fails the job on an error: a cluster Resource Manager does not know stops it before anything is posted' {
        $incidents = Join-Path $TestDrive 'incidents-failed'
        $run = Invoke-Runbook -IncidentPath $incidents -Arguments @(
            '-ResourceManagerUrl', $Sandbox.Url, '-ResourceGroupName', 'seekapa-rg', '-ClusterName', 'seekapa-aks-nope',
            '-Namespace', 'seekapa-production', '-DeclareIncidentAt', 'SEV-4')
        $run.ExitCode | Should -Not -Be 0
        $run.Errors | Should -Match 'seekapa-aks-nope'
        $run.Requests.Count | Should -Be 0
        Test-Path $incidents | Should -BeFalse
    }
}
