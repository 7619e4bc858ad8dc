# The leak test: secrets in every format the Redactor knows, planted across every cmdlet family (kubeconfig tokens,
# PostgreSQL and Redis passwords, Prometheus bearer/basic, Slack and PagerDuty tokens, an Azure token, secrets in
# incident titles, notes, messages and endpoint URLs), run through the BUILT module in a fresh pwsh with Verbose and
# Debug on (Leak/Scenario.ps1). Every stream, the transcript, $Error in full, the incident store, the post-mortem and
# every request the loopback Slack/PagerDuty/Prometheus/health listener received are searched: no secret may appear,
# except a credential in the Authorization header of a request to its own service. Secrets reach the scenario through
# a file, so no command line (InvocationInfo.Line) holds one.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $Root 'tools/Postgres.psm1') -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    Import-Module (Join-Path $Root 'tools/GuardedServer.psm1') -Force

    function New-Secret([string] $Prefix, [int] $Length = 20, [string] $Alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789') {
        # Letters and digits only: a JSON writer escapes nothing in them, so a plain search finds every copy.
        $Prefix + -join (1..$Length | ForEach-Object { $Alphabet[[Security.Cryptography.RandomNumberGenerator]::GetInt32($Alphabet.Length)] })
    }

    $script:Work = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "seekapa-leak-$([guid]::NewGuid().ToString('n'))")).FullName
    if (-not $IsWindows) { [IO.File]::SetUnixFileMode($Work, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute') }
    $upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ234567'
    $script:Secrets = [ordered]@{
        WrongKubeToken        = New-Secret 'wrongkube'
        WrongDatabasePassword = New-Secret 'WrongPg_'
        RolePassword          = New-Secret 'RolePw'
        RedisPassword         = New-Secret 'RedisPw'
        WrongRedisPassword    = New-Secret 'WrongRedis'
        PrometheusBearer      = New-Secret 'PromBearer'
        PrometheusPassword    = New-Secret 'PromPw'
        SlackToken            = 'xoxb-' + (New-Secret '' 12 '0123456789') + '-' + (New-Secret '' 24)
        PagerDutyToken        = New-Secret 'u+' 20
        AzureJwt              = 'eyJhbGciOiJSUzI1NiJ9.eyJ' + (New-Secret '' 30) + '.' + (New-Secret '' 40)
        EnvSecret             = New-Secret 'EnvApiTok'
        EndpointBearer        = New-Secret 'EpBearer'
        UrlPassword           = New-Secret 'UriPw'
        QueryApiKey           = New-Secret 'QueryKey'
        QueryToken            = New-Secret 'QueryTok'
        TitleSecret           = New-Secret 'TitleTok'
        SasSignature          = New-Secret 'SasSig'
        SlackNoteToken        = 'xoxp-' + (New-Secret '' 12 '0123456789') + '-' + (New-Secret '' 26)
        GitHubToken           = 'ghp_' + (New-Secret '' 36)
        AwsAccessKey          = 'AKIA' + (New-Secret '' 16 $upper)
        PemBody               = 'MIIEow' + (New-Secret '' 60)
        ConnectionPassword    = New-Secret 'ConnPw'
        AccountKey            = New-Secret 'AcctKey' 40
        Jwt                   = 'eyJhbGciOiJIUzI1NiJ9.eyJ' + (New-Secret '' 24) + '.' + (New-Secret '' 32)
        ImpactPassword        = New-Secret 'ImpactPw'
        SendTextPassword      = New-Secret 'SendPw'
    }
    # PagerDuty keys may hold '+': keep the planted one searchable as is (it is sent only as the header credential).
    $Secrets.PagerDutyToken = $Secrets.PagerDutyToken.Replace('+', 'P')

    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario healthy
    $script:Pg = Start-TestPostgres
    $script:Redis = Start-TestRedis -Password $Secrets.RedisPassword

    $kubeconfigText = Get-Content $Sandbox.Kubeconfig -Raw
    $tokens = [regex]::Matches($kubeconfigText, '(?m)^\s+token: "([^"]+)"') | ForEach-Object { $_.Groups[1].Value }
    $Secrets.KubeToken = $tokens[0]
    $Secrets.ViewerToken = $tokens[1]
    $Secrets.DatabasePassword = $Pg.Password
    $wrongKubeconfig = Join-Path $Work 'wrong.kubeconfig'
    Set-Content $wrongKubeconfig ($kubeconfigText.Replace($Secrets.KubeToken, $Secrets.WrongKubeToken)) -NoNewline

    $script:ListenerPort = Get-FreePort
    $script:RequestLog = Join-Path $Work 'requests.jsonl'
    $listenerDirectory = (New-Item -ItemType Directory -Path (Join-Path $Work 'listener')).FullName
    $script:Listener = Start-GuardedServer -FileName $Pwsh -Directory $listenerDirectory -Arguments (@($PwshPrefix) +
        @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Leak/Listener.ps1'), '-Port', "$ListenerPort", '-Log', $RequestLog))
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $ListenerPort); break } catch { } finally { $client.Dispose() }
        if ($Listener.Process.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "The leak listener did not start: $(Stop-GuardedServer $Listener.Process $Listener.Output)" }
        Start-Sleep -Milliseconds 200
    }

    @{
        Secrets                  = $Secrets
        ListenerUrl              = "http://127.0.0.1:$ListenerPort"
        ListenerPort             = $ListenerPort
        Kubeconfig               = $Sandbox.Kubeconfig
        WrongKubeconfig          = $wrongKubeconfig
        KubeToken                = $Secrets.KubeToken
        ArmUrl                   = $Sandbox.Url
        ArmToken                 = $Secrets.KubeToken
        DatabaseConnectionString = $Pg.ConnectionString
        DatabasePort             = $Pg.Port
        DatabasePassword         = $Pg.Password
        RedisEndpoint            = $Redis.Endpoint
    } | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $Work 'plan.json')

    # The fake Resource Manager's CA is trusted through SSL_CERT_FILE, set only for the child.
    $saved = $env:SSL_CERT_FILE
    $env:SSL_CERT_FILE = $Sandbox.CaPath
    try {
        $script:ScenarioOutput = & $Pwsh @PwshPrefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Leak/Scenario.ps1') `
            -WorkDirectory $Work -ModulePath $ModulePath 2>&1 | Out-String
    }
    finally { $env:SSL_CERT_FILE = $saved }
    $script:Summary = Get-Content (Join-Path $Work 'summary.json') -Raw | ConvertFrom-Json
    $script:Requests = @(Get-Content $RequestLog | ForEach-Object { $_ | ConvertFrom-Json -AsHashtable })

    function Get-Artefacts {
        # Every text the scenario produced, by name. Requests lose only a credential sent to its own service.
        $legitimate = @{
            '/slack/' = @("Bearer $($Secrets.SlackToken)")
            '/pd/'    = @("Token token=$($Secrets.PagerDutyToken)")
            '/prom/'  = @("Bearer $($Secrets.PrometheusBearer)",
                          'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("promuser:$($Secrets.PrometheusPassword)")))
            '/health' = @("Bearer $($Secrets.EndpointBearer)",
                          'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("leakuser:$($Secrets.UrlPassword)")))
        }
        $legitimate['/down'] = $legitimate['/health']
        $artefacts = [ordered]@{}
        foreach ($file in 'streams.txt', 'transcript.txt', 'errors.txt', 'postmortem.md') {
            $artefacts[$file] = Get-Content (Join-Path $Work $file) -Raw
        }
        foreach ($file in Get-ChildItem (Join-Path $Work 'store') -Recurse -File) {
            $artefacts["store: $($file.Name)"] = $file.FullName + [Environment]::NewLine + (Get-Content $file.FullName -Raw)
        }
        $i = 0
        foreach ($request in $Requests) {
            $i++
            $prefix = $legitimate.Keys | Where-Object { $request.Path.StartsWith($_) } | Select-Object -First 1
            $headers = [ordered]@{} + $request.Headers
            if ($prefix -and $headers['Authorization'] -in $legitimate[$prefix]) { $headers.Remove('Authorization') }
            # The health endpoint's own URL carries its query key: that is the user's request, sent where they pointed it.
            $url = if ($prefix -in '/health', '/down') { $request.Path } else { $request.Url }
            $artefacts["request $i $($request.Method) $($request.Path)"] = "$($request.Method) $url`n$(($headers.GetEnumerator() | ForEach-Object { "$($_.Key): $($_.Value)" }) -join "`n")`n$($request.Body)"
        }
        $artefacts
    }
}

AfterAll {
    if ($script:Listener) { $null = Stop-GuardedServer $Listener.Process $Listener.Output }
    if ($script:Redis) { Stop-TestRedis $Redis }
    if ($script:Pg) { Stop-TestPostgres $Pg }
    if ($script:Sandbox) { Stop-Sandbox $Sandbox }
    if ($script:Work -and (Test-Path $Work)) { Remove-Item $Work -Recurse -Force }
}

Describe 'No secret leaks' {
    It 'plants at least 20 distinct secrets' {
        @($Secrets.Values | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 20
    }

    It 'ran every cmdlet family, the failing paths included' {
        $because = "the scenario ran it (errors: $($Summary.Errors -join '; '); output: $ScenarioOutput)"
        $Summary.Cluster | Should -BeTrue -Because $because
        $Summary.Database | Should -BeTrue
        $Summary.Redis | Should -BeTrue
        $Summary.Prometheus | Should -BeGreaterThan 0
        $Summary.Azure | Should -BeTrue
        $Summary.Endpoints | Should -Be 2
        $Summary.Incident | Should -Match '^sev-2-\d{8}-checkout-down-token$'
        $Summary.Postmortem | Should -BeTrue -Because $because
        foreach ($file in 'streams.txt', 'transcript.txt', 'errors.txt', 'postmortem.md') {
            (Get-Item (Join-Path $Work $file)).Length | Should -BeGreaterThan 0 -Because "$file is searched"
        }
        @(Get-ChildItem (Join-Path $Work 'store') -Recurse -File -Filter *.json).Count | Should -BeGreaterThan 0
        foreach ($id in 'DeploymentNotFound', 'ClusterAuthenticationFailed', 'RedisAuthenticationFailed', 'AzureAuthenticationFailed') {
            $Summary.Errors -like "$id,*" | Should -Not -BeNullOrEmpty -Because "the scenario exercises $id"
        }
        $paths = $Requests.Path
        $paths | Should -Contain '/slack/api/chat.postMessage'
        $paths | Should -Contain '/slack/api/conversations.create'
        @($paths -eq '/pd/incidents/Q1LEAK2').Count | Should -Be 2
        $paths | Should -Contain '/prom/api/v1/query'
        $paths | Should -Contain '/health'
    }

    It 'shows no secret in any stream, transcript, error, store file, post-mortem or request' {
        $artefacts = Get-Artefacts
        # Not vacuous: the scenario produced every artefact searched.
        foreach ($name in 'streams.txt', 'transcript.txt', 'errors.txt', 'postmortem.md') { $artefacts[$name] | Should -Not -BeNullOrEmpty -Because "$name is searched" }
        @($artefacts.Keys -like 'store: *').Count | Should -BeGreaterThan 0
        @($artefacts.Keys -like 'request *').Count | Should -BeGreaterThan 5
        $hits = foreach ($artefact in $artefacts.GetEnumerator()) {
            foreach ($secret in $Secrets.GetEnumerator()) {
                # Case-insensitive: an id or channel name built from a title is lowercased.
                $at = "$($artefact.Value)".IndexOf($secret.Value, [StringComparison]::OrdinalIgnoreCase)
                if ($at -ge 0) {
                    $text = "$($artefact.Value)"
                    $from = [Math]::Max(0, $at - 60)
                    "$($secret.Key) in $($artefact.Key): ...$($text.Substring($from, [Math]::Min($text.Length - $from, 140)).ReplaceLineEndings(' '))..."
                }
            }
        }
        $hits | Should -BeNullOrEmpty
    }
}
