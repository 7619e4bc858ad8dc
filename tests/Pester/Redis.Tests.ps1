# Get-SeekapaRedisStats and Clear-SeekapaRedisCache through the BUILT module, against real redis-server instances
# (tools/Redis.psm1: 127.0.0.1, free ports, stopped after).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    $script:Redis = Start-TestRedis
    $script:Secured = Start-TestRedis -Password 'Pester-redis-pw-4e1d'
    $script:Pw = ConvertTo-SecureString $Secured.Password -AsPlainText -Force

    function Set-TestKeys([object] $Server, [int] $Database, [int] $Count) {
        $null = Invoke-TestRedisCli $Server -Database $Database FLUSHDB
        foreach ($i in 1..$Count) { $null = Invoke-TestRedisCli $Server -Database $Database SET "key:$i" $i }
    }
}

AfterAll {
    $script:Redis, $script:Secured | Where-Object { $_ } | Stop-TestRedis
}

Describe 'Get-SeekapaRedisStats' {
    It 'reads INFO as typed numbers, hits and misses included' {
        Set-TestKeys $Redis 2 3
        $before = Get-SeekapaRedisStats $Redis.Endpoint
        $null = Invoke-TestRedisCli $Redis -Database 2 GET key:1
        $null = Invoke-TestRedisCli $Redis -Database 2 GET key:missing
        $after = Get-SeekapaRedisStats $Redis.Endpoint -Database 2

        $after | Should -BeOfType Seekapa.Ops.RedisStats
        $after.KeyspaceHits - $before.KeyspaceHits | Should -Be 1
        $after.KeyspaceMisses - $before.KeyspaceMisses | Should -Be 1
        $after.HitRatio | Should -BeGreaterThan 0
        $after.Version | Should -Match '^7\.'
        $after.Keyspace.Keys | Should -Be 3
        $after.UsedMemory | Should -BeGreaterThan 0
    }

    It 'shows a table an SRE can read' {
        $table = Get-SeekapaRedisStats $Redis.Endpoint | Format-Table | Out-String -Width 200
        $table | Should -Match 'ENDPOINT\s+ROLE\s+OPS/S\s+HIT%\s+EVICTED\s+CLIENTS\s+MEMORY\s+MAXMEMORY\s+KEYS'
        $table | Should -Match ([regex]::Escape($Redis.Endpoint) + '\s+master')
    }

    It 'authenticates with -Password and refuses a wrong one, without printing either' {
        (Get-SeekapaRedisStats $Secured.Endpoint -Password $Pw).Role | Should -Be 'master'
        $wrong = ConvertTo-SecureString 'Pester-wrong-pw-9c2a' -AsPlainText -Force
        $all = Get-SeekapaRedisStats $Secured.Endpoint -Password $wrong -Verbose -Debug -ErrorAction Continue *>&1 | Out-String
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'RedisAuthenticationFailed,*'
        $all | Should -Match 'rejected the credentials'
        $all | Should -Not -Match 'Pester-wrong-pw-9c2a|Pester-redis-pw-4e1d'
    }
}

Describe 'Clear-SeekapaRedisCache' {
    It 'FLUSHDB removes the keys of one database and leaves the others' {
        Set-TestKeys $Redis 0 4
        Set-TestKeys $Redis 1 6
        $result = Clear-SeekapaRedisCache $Redis.Endpoint -Database 1 -Confirm:$false
        $result.KeysRemoved | Should -Be 6
        $result.Command | Should -Be 'FLUSHDB'
        Invoke-TestRedisCli $Redis -Database 1 DBSIZE | Should -Be 0
        Invoke-TestRedisCli $Redis -Database 0 DBSIZE | Should -Be 4
    }

    It '-WhatIf counts what would go and flushes nothing' {
        Set-TestKeys $Redis 3 5
        Clear-SeekapaRedisCache $Redis.Endpoint -Database 3 -WhatIf | Should -BeNullOrEmpty
        Clear-SeekapaRedisCache $Redis.Endpoint -AllDatabases -WhatIf | Should -BeNullOrEmpty
        Invoke-TestRedisCli $Redis -Database 3 DBSIZE | Should -Be 5
    }

    It '-AllDatabases flushes every database, with a result per database' {
        Set-TestKeys $Redis 0 2
        Set-TestKeys $Redis 4 3
        $results = Clear-SeekapaRedisCache $Redis.Endpoint -AllDatabases -Confirm:$false
        ($results | Where-Object Database -eq 4).KeysRemoved | Should -Be 3
        $results.Command | Sort-Object -Unique | Should -Be 'FLUSHALL'
        foreach ($db in 0, 1, 3, 4) { Invoke-TestRedisCli $Redis -Database $db DBSIZE | Should -Be 0 }
    }

    It 'takes the keyspace entries of Get-SeekapaRedisStats from the pipeline' {
        Set-TestKeys $Secured 5 2
        $results = (Get-SeekapaRedisStats $Secured.Endpoint -Password $Pw -Database 5).Keyspace |
            Clear-SeekapaRedisCache -Password $Pw -Confirm:$false
        $results.Database | Should -Be 5
        Invoke-TestRedisCli $Secured -Database 5 DBSIZE | Should -Be 0
    }
}
