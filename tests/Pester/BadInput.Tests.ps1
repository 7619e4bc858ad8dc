# The bad-input corpus (BadInput.Cases.ps1, run by BadInput.Runner.ps1 in a fresh pwsh): every bad input to every cmdlet
# family ends in an ErrorRecord whose FullyQualifiedErrorId starts with a stable ErrorId, and changes nothing it could
# touch: cluster objects (kubectl), PostgreSQL settings/tables/rows, Redis keyspace, the fake Resource Manager's servers and
# parameters, incident store files, files, requests received by a loopback listener, the session's default connections.
# Against the sandbox (bad-deploy), a real PostgreSQL and a real redis-server, all on 127.0.0.1, started and stopped here.
# The same run then sweeps -WhatIf over every state-changing cmdlet (WhatIf.Cases.ps1; see the last Describe).
BeforeDiscovery {
    $script:Cases = @(. (Join-Path $PSScriptRoot 'BadInput.Cases.ps1'))
    $script:WhatIfCases = @(. (Join-Path $PSScriptRoot 'WhatIf.Cases.ps1'))
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module (Join-Path $Root 'tools/Postgres.psm1') -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('seekapa-corpus-' + [guid]::NewGuid().ToString('n'))
    $null = New-Item -ItemType Directory -Path $Work, "$Work/store", "$Work/scratch", "$Work/bad"
    $script:Sandbox = $script:Pg = Start-TestPostgres
    $script:Redis = Start-TestRedis -Password ('corpus-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
    # redis-master-0:6379 is the real redis-server, so that the -WhatIf sweep's running port-forward reaches something.
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy -Backend "seekapa-production/redis-master-0:6379=127.0.0.1:$($Redis.Port)"
    foreach ($i in 1..3) { $null = Invoke-TestRedisCli $Redis -Database 1 SET "key:$i" $i }

    $psql = Join-Path $Pg.BinDirectory 'psql'
    $admin = "host=127.0.0.1 port=$($Pg.Port) user=postgres password=$($Pg.Password) dbname=postgres"
    $null = & $psql $admin -Atc 'CREATE DATABASE corpus'
    $null = & $psql ($admin -replace 'dbname=postgres', 'dbname=corpus') -Atc 'CREATE SCHEMA app; CREATE TABLE app.accounts (id int PRIMARY KEY); INSERT INTO app.accounts SELECT generate_series(1, 5)'

    # Broken kubeconfigs: a corrupt client key, a corrupt client certificate, an unterminated quote, an empty file.
    $rsa = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=corpus', $rsa, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
    function B64([string] $Text) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }
    $garbageKey = "-----BEGIN PRIVATE KEY-----`n$(B64 'not a key at all')`n-----END PRIVATE KEY-----`n"
    $garbageCert = "-----BEGIN CERTIFICATE-----`n$(B64 'not a certificate')`n-----END CERTIFICATE-----`n"
    function Kubeconfig([string] $Cert, [string] $Key) {
        @"
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:6443
  name: c1
contexts:
- context:
    cluster: c1
    user: oncall
  name: corpus-ctx
current-context: corpus-ctx
users:
- name: oncall
  user:
    client-certificate-data: $(B64 $Cert)
    client-key-data: $(B64 $Key)
"@
    }
    Set-Content "$Work/bad/corrupt-key.yaml" (Kubeconfig $certificate.ExportCertificatePem() $garbageKey)
    Set-Content "$Work/bad/corrupt-cert.yaml" (Kubeconfig $garbageCert $rsa.ExportPkcs8PrivateKeyPem())
    Set-Content "$Work/bad/unterminated.yaml" "apiVersion: v1`nusers:`n- name: u`n  user:`n    token: `"abc`n"
    Set-Content "$Work/bad/empty.yaml" ''

    $resultsFile = Join-Path $Work 'results.json'
    $saved = $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN, $env:SEEKAPA_INCIDENT_PATH, $env:SEEKAPA_CORPUS, $env:SEEKAPA_CORPUS_RESULTS
    $env:SSL_CERT_FILE = $Sandbox.CaPath
    $env:SEEKAPA_TEST_ARM_TOKEN = $Sandbox.AdminToken
    $env:SEEKAPA_INCIDENT_PATH = "$Work/store"
    $env:SEEKAPA_CORPUS_RESULTS = $resultsFile
    $env:SEEKAPA_CORPUS = @{
        ModulePath = $ModulePath; Root = $Root; Kubeconfig = $Sandbox.Kubeconfig; BadKubeconfigs = "$Work/bad"; Scratch = "$Work/scratch"
        ArmUrl = $Sandbox.Url; Subscription = $Sandbox.ArmSubscriptionId
        Redis = "127.0.0.1:$($Redis.Port)"; RedisPort = $Redis.Port; RedisPassword = $Redis.Password
        PgPort = $Pg.Port; PgPassword = $Pg.Password; PgBin = $Pg.BinDirectory; PgData = $Pg.DataDirectory
    } | ConvertTo-Json -Compress
    try {
        $output = & $Pwsh @PwshPrefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'BadInput.Runner.ps1') 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $resultsFile)) { throw "The corpus runner failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    }
    finally {
        $env:SSL_CERT_FILE, $env:SEEKAPA_TEST_ARM_TOKEN, $env:SEEKAPA_INCIDENT_PATH, $env:SEEKAPA_CORPUS, $env:SEEKAPA_CORPUS_RESULTS = $saved
    }
    # What each case wrote to the host ("What if:" goes there, not to a stream), framed by the runner's <<case Id>> lines.
    $script:HostLines = @{}
    $current = $null
    foreach ($line in $output) {
        if ("$line" -match '^<<case (.+)>>$') { $current = $Matches[1]; $HostLines[$current] = [Collections.Generic.List[string]]::new() }
        elseif ("$line" -match '^<</case ') { $current = $null }
        elseif ($current) { $HostLines[$current].Add("$line") }
    }
    $script:Results = @{}
    foreach ($r in (Get-Content $resultsFile -Raw | ConvertFrom-Json)) { $Results[$r.Id] = $r }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
    if ($script:Pg) { Stop-TestPostgres $script:Pg }
    if ($script:Redis) { Stop-TestRedis $script:Redis }
    if ($script:Work -and (Test-Path $script:Work)) { Remove-Item $script:Work -Recurse -Force }
}

Describe 'Bad input: a stable ErrorId and nothing changed' {
    It 'has at least 150 cases over every cmdlet family, each with a distinct id' {
        $Cases.Count | Should -BeGreaterOrEqual 150
        @($Cases.Id | Sort-Object -Unique).Count | Should -Be $Cases.Count
        @($Results.Keys | Where-Object { $_ -notlike 'WhatIf-*' }).Count | Should -Be $Cases.Count
    }

    It '<Id>: <Run>' -ForEach $Cases {
        $result = $Results[$Id]
        $result | Should -Not -BeNullOrEmpty
        "$($result.ErrorId) ($($result.Message))" | Should -BeLike "$ErrorId (*"
        $result.Changed | Should -BeNullOrEmpty -Because "a bad input must not change $(@($result.Changed) -join ', ')"
    }
}

# The -WhatIf sweep (WhatIf.Cases.ps1), run by the same runner in the same session after the corpus: every -WhatIf (or
# $WhatIfPreference = $true) call of a state-changing cmdlet ends without an error, says "What if:", and changes nothing.
Describe '-WhatIf: no error, "What if:" shown, nothing changed' {
    It 'covers every cmdlet of the module that takes -WhatIf' {
        $WhatIfCases.Count | Should -BeGreaterOrEqual 31
        @($WhatIfCases.Id | Sort-Object -Unique).Count | Should -Be $WhatIfCases.Count
        $text = $WhatIfCases.Run -join "`n"
        $names = (& $Pwsh @PwshPrefix -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; (Get-Command -Module Seekapa.Ops | Where-Object { `$_.Parameters.ContainsKey('WhatIf') }).Name") 2>&1
        $names.Count | Should -BeGreaterOrEqual 21
        @($names | Where-Object { $text -notmatch "\b$_\b" }) | Should -BeNullOrEmpty -Because 'every cmdlet that changes state has a -WhatIf row'
    }

    It '<Id>: <Run>' -ForEach $WhatIfCases {
        $result = $Results["WhatIf-$Id"]
        $result | Should -Not -BeNullOrEmpty
        "$($result.ErrorId) $($result.Message)".Trim() | Should -BeNullOrEmpty -Because '-WhatIf is not an error'
        @($HostLines["WhatIf-$Id"] | Where-Object { $_ -like 'What if:*' }).Count | Should -BeGreaterThan 0 -Because '-WhatIf says what it would have done'
        $result.Changed | Should -BeNullOrEmpty -Because "-WhatIf must not change $(@($result.Changed) -join ', ')"
    }
}
