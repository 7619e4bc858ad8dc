# PostgreSQL end to end through the BUILT module, against a real server started here (tools/Postgres.psm1):
# connect, test, activity summary, stopping old queries through the pipeline, table sizes, a setting, a script.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $Root 'tools/Postgres.psm1') -Force
    $script:Pg = Start-TestPostgres
    $script:Db = Connect-SeekapaDatabase -ConnectionString $Pg.ConnectionString

    function Wait-Until {
        # The test's own clock: polls a condition, never asserts on elapsed time.
        param([scriptblock] $Condition, [string] $What, [int] $Seconds = 30)
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Waited $Seconds s for: $What" }
            Start-Sleep -Milliseconds 100
        }
    }
}

AfterAll {
    if ($script:Pg) { Stop-TestPostgres $script:Pg }
}

Describe 'PostgreSQL through the built module' {
    It 'connects, shows where and as whom but never the password, and tests the connection' {
        $Db.Host | Should -Be '127.0.0.1'
        $Db.Port | Should -Be $Pg.Port
        $Db.User | Should -Be 'postgres'
        $shown = ($Db | Format-Table | Out-String) + ($Db | Format-List * | Out-String)
        $shown | Should -Match 'HOST'
        $shown | Should -Not -Match ([regex]::Escape($Pg.Password))

        $test = Test-SeekapaDatabaseConnection
        $test.User | Should -Be 'postgres'
        $test.Superuser | Should -BeTrue
        $test.InRecovery | Should -BeFalse
        $test.ServerVersion | Should -Be $Db.ServerVersion
        $test.MaxConnections | Should -Be 50
        ($test | Format-Table | Out-String -Width 250) | Should -Match 'LATENCY'
    }

    It 'summarizes connections against max_connections minus the reserved ones' {
        $summary = Get-SeekapaDatabaseActivity -Summary
        $summary.MaxConnections | Should -Be 50
        $summary.ReservedConnections | Should -Be 3
        $summary.UsableConnections | Should -Be 47
        $summary.Total | Should -BeGreaterOrEqual 1
        $summary.Active | Should -BeGreaterOrEqual 1
        ($summary | Format-Table | Out-String -Width 250) | Should -Match 'USABLE'
    }

    It 'stops exactly the old queries piped from Get-SeekapaDatabaseActivity, never the young ones' {
        $old = 1..2 | ForEach-Object { Start-TestPostgresSession $Pg 'SELECT pg_sleep(300);' -ApplicationName 'old-report' }
        Wait-Until { @(Get-SeekapaDatabaseActivity -MinDuration 2s | Where-Object Application -EQ 'old-report').Count -eq 2 } 'two old sessions'
        $young = Start-TestPostgresSession $Pg ((1..2000 | ForEach-Object { 'SELECT pg_sleep(0.05);' }) -join "`n") -ApplicationName 'young-worker'
        Wait-Until { @(Get-SeekapaDatabaseActivity -ExcludeIdle:$false | Where-Object Application -EQ 'young-worker').Count -eq 1 } 'the young session'

        $listed = Get-SeekapaDatabaseActivity -MinDuration 2s
        ($listed | Format-Table | Out-String -Width 250) | Should -Match 'DURATION'
        $stops = $listed | Stop-SeekapaDatabaseQuery -Confirm:$false

        @($stops).Count | Should -Be 2
        $stops.Outcome | Should -Be @('Terminated', 'Terminated')
        foreach ($process in $old) { $process.WaitForExit(30000) | Should -BeTrue; $process.ExitCode | Should -Not -Be 0 }
        $young.HasExited | Should -BeFalse
        @(Get-SeekapaDatabaseActivity -ExcludeIdle:$false | Where-Object Application -EQ 'young-worker').Count | Should -Be 1
        ($stops | Format-Table | Out-String -Width 250) | Should -Match 'OUTCOME'
    }

    It 'runs a script in one transaction and lists table sizes' {
        $result = Invoke-SeekapaSqlScript -Sql @'
CREATE TABLE orders (id int PRIMARY KEY, note text);
INSERT INTO orders SELECT i, repeat('x', 100) FROM generate_series(1, 5000) i;
ANALYZE orders;
'@ -Confirm:$false
        $result.Statements | Should -Be 3
        $result.RowsAffected | Should -Be 5000

        $tables = Get-SeekapaTableSize -Top 5
        $tables[0].Table | Should -Be 'orders'
        $tables[0].EstimatedRows | Should -Be 5000
        $tables[0].IndexBytes | Should -BeGreaterThan 0
        ($tables | Format-Table | Out-String -Width 250) | Should -Match '\d+ kB'
    }

    It 'rolls a failing script back and says which statement failed' {
        $err = $null
        Invoke-SeekapaSqlScript -Sql "CREATE TABLE partial (id int);`nINSERT INTO nowhere VALUES (1);" -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SqlScriptFailed,*'
        $err[0].TargetObject.Statement | Should -Be 2
        $err[0].TargetObject.Line | Should -Be 2
        @(Get-SeekapaTableSize | Where-Object Table -EQ 'partial').Count | Should -Be 0
    }

    It 'changes a setting with ALTER SYSTEM and says when a restart is needed' {
        $now = Set-SeekapaDatabaseSetting work_mem 16MB -Confirm:$false
        $now.NewValue | Should -Be '16MB'
        $now.PendingRestart | Should -BeFalse
        $later = Set-SeekapaDatabaseSetting max_connections 60 -Confirm:$false
        $later.Context | Should -Be 'postmaster'
        $later.PendingRestart | Should -BeTrue
        ($later | Format-Table | Out-String -Width 250) | Should -Match 'RESTART NEEDED'
        Set-SeekapaDatabaseSetting "work_mem'; DROP TABLE orders; --" 1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable bad
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'SettingNotFound,*'
        @(Get-SeekapaTableSize | Where-Object Table -EQ 'orders').Count | Should -Be 1
    }

    It 'verifies a remote server by default, warns for Require and never sends an Entra token unverified' {
        # .invalid never resolves: everything asserted here happens before (or instead of) a connection.
        $token = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJwZXN0ZXIifQ.' + [guid]::NewGuid().ToString('N')
        $cred = [pscredential]::new('app', (ConvertTo-SecureString 'not-used-1234' -AsPlainText -Force))
        { Connect-SeekapaDatabase db.seekapa.invalid -User ops -AccessToken $token -SslMode Require } |
            Should -Throw -ErrorId 'InsecureTokenTransport*'
        { Connect-SeekapaDatabase db.seekapa.invalid -Credential $cred -SslRootCertificate (Join-Path $TestDrive 'missing-ca.crt') } |
            Should -Throw -ErrorId 'SslRootCertificateNotFound*'

        $warnings = $null
        $thrown = $null
        try { Connect-SeekapaDatabase db.seekapa.invalid -Credential $cred -SslMode Require -WarningVariable warnings -WarningAction SilentlyContinue }
        catch { $thrown = $_ }
        $thrown.FullyQualifiedErrorId | Should -BeLike 'DatabaseUnreachable*'
        "$warnings" | Should -Match 'does not verify'

        # The session default is still the local server (without TLS: loopback keeps its behaviour).
        (Test-SeekapaDatabaseConnection).Host | Should -Be '127.0.0.1'
        (Test-SeekapaDatabaseConnection).SslMode | Should -Be 'Disable'
    }

    It 'Stop-TestPostgres leaves no server, session or directory behind' {
        $other = Start-TestPostgres
        $session = Start-TestPostgresSession $other 'SELECT pg_sleep(300);'
        $pidFile = Join-Path $other.DataDirectory 'postmaster.pid'
        $postmaster = [int](Get-Content $pidFile -TotalCount 1)

        Stop-TestPostgres $other

        $session.HasExited | Should -BeTrue
        Test-Path $other.Root | Should -BeFalse
        # The postmaster was re-parented when pg_ctl exited: once stopped it is gone, or a zombie its new parent has yet to reap.
        Wait-Until { -not (Test-Path "/proc/$postmaster") -or (Get-Content "/proc/$postmaster/stat" -Raw) -match '^\d+ \(.*\) Z' } 'the postmaster to exit'
        $client = [System.Net.Sockets.TcpClient]::new()
        { $client.Connect('127.0.0.1', $other.Port) } | Should -Throw
        $client.Dispose()
    }
}
