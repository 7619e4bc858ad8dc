# Start-/Get-/Stop-SeekapaPortForward through the BUILT module, against the sandbox executable (bad-deploy) whose
# redis-master-0 is backed by a real redis-server (tools/Redis.psm1) through the sandbox's --backend flag.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $Root 'tools/Redis.psm1') -Force
    $script:Redis = Start-TestRedis
    $script:Ns = 'seekapa-production'
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy -Backend "$Ns/redis-master-0:6379=127.0.0.1:$($Redis.Port)"
    $null = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig -Namespace $Ns

    function Invoke-Cli([int] $Port, [string[]] $Command) {
        $output = & redis-cli -h 127.0.0.1 -p $Port @Command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "redis-cli $($Command -join ' ') failed ($LASTEXITCODE): $output" }
        $output
    }
}

AfterAll {
    Get-SeekapaPortForward | Stop-SeekapaPortForward -Confirm:$false
    if ($script:Sandbox) { $script:Sandbox | Stop-Sandbox }
    if ($script:Redis) { $script:Redis | Stop-TestRedis }
}

Describe 'Start-SeekapaPortForward' {
    AfterEach { Get-SeekapaPortForward | Stop-SeekapaPortForward -Confirm:$false }

    It 'reaches the real redis-server through svc/redis-master (named targetPort) with redis-cli' {
        $fwd = Start-SeekapaPortForward svc/redis-master :6379
        $fwd | Should -BeOfType Seekapa.Ops.PortForward
        $fwd.Pod | Should -Be 'redis-master-0'
        $fwd.RemotePort | Should -Be 6379
        $fwd.Target | Should -Be 'service/redis-master'
        $fwd.State | Should -Be 'Running'
        Invoke-Cli $fwd.LocalPort PING | Should -Be 'PONG'
        (Invoke-Cli $fwd.LocalPort INFO, server) -join "`n" | Should -Match "tcp_port:$($Redis.Port)"
        $fwd.Connections | Should -Be 2
    }

    It 'accepts a bare pod name and LOCAL:REMOTE' {
        $free = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $free.Start(); $port = $free.LocalEndpoint.Port; $free.Stop()
        $fwd = Start-SeekapaPortForward redis-master-0 "${port}:6379"
        $fwd.LocalPort | Should -Be $port
        $fwd.Target | Should -Be 'pod/redis-master-0'
        Invoke-Cli $port PING | Should -Be 'PONG'
    }

    It 'refuses <Target> <Port> with <ErrorId> and starts nothing' -ForEach @(
        @{ Target = 'svc/no-such-service'; Port = '6379'; ErrorId = 'ResourceNotFound' }
        @{ Target = 'svc/redis-master'; Port = '6380'; ErrorId = 'PortNotExposed' }
        @{ Target = 'pod/redis-master-0'; Port = '80'; ErrorId = 'PortNotExposed' }
        @{ Target = 'cronjob/x'; Port = '80'; ErrorId = 'InvalidTarget' }
        @{ Target = 'svc/redis-master'; Port = '1:2:3'; ErrorId = 'InvalidPortSpec' }
    ) {
        $result = Start-SeekapaPortForward $Target $Port -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        @(Get-SeekapaPortForward).Count | Should -Be 0
    }

    It 'starts nothing under -WhatIf' {
        Start-SeekapaPortForward svc/redis-master :6379 -WhatIf | Should -BeNullOrEmpty
        @(Get-SeekapaPortForward).Count | Should -Be 0
    }
}

Describe 'Get-SeekapaPortForward and Stop-SeekapaPortForward' {
    It 'lists the running forwards and stops them by pipeline, releasing the port' {
        $a = Start-SeekapaPortForward svc/redis-master :6379
        $b = Start-SeekapaPortForward sts/redis-master :6379
        @(Get-SeekapaPortForward).Id | Should -Be @($a.Id, $b.Id)
        (Get-SeekapaPortForward -Id $b.Id).Target | Should -Be 'statefulset/redis-master'
        (Get-SeekapaPortForward -Target 'service/*').Id | Should -Be $a.Id
        $table = Get-SeekapaPortForward | Format-Table | Out-String
        $table | Should -Match 'LOCAL\s+TARGET\s+POD'

        $stopped = $a | Stop-SeekapaPortForward -Confirm:$false -PassThru
        $stopped.State | Should -Be 'Stopped'
        (Get-SeekapaPortForward).Id | Should -Be $b.Id
        $client = [System.Net.Sockets.TcpClient]::new()
        { $client.Connect('127.0.0.1', $a.LocalPort) } | Should -Throw
        $client.Dispose()

        Stop-SeekapaPortForward -Id $b.Id -WhatIf
        (Get-SeekapaPortForward).Id | Should -Be $b.Id
        Stop-SeekapaPortForward -All -Confirm:$false
        @(Get-SeekapaPortForward).Count | Should -Be 0
    }

    It 'writes PortForwardNotFound for an id that is not running' {
        Get-SeekapaPortForward -Id 9999 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PortForwardNotFound,*'
    }

    It 'stops every forward when the runspace closes' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $fwd = $ps.AddScript("Import-Module '$ModulePath'; Start-SeekapaPortForward svc/redis-master :6379 -Kubeconfig '$($Sandbox.Kubeconfig)' -Namespace $Ns").Invoke() |
            Select-Object -First 1
        $ps.Streams.Error | Should -BeNullOrEmpty
        Invoke-Cli $fwd.LocalPort PING | Should -Be 'PONG'

        $runspace.Close()
        $ps.Dispose()
        $fwd.State | Should -Be 'Stopped'
        $client = [System.Net.Sockets.TcpClient]::new()
        { $client.Connect('127.0.0.1', $fwd.LocalPort) } | Should -Throw
        $client.Dispose()
    }
}
