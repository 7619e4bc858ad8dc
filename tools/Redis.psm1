# Starts and stops throwaway redis-server instances on 127.0.0.1 (a free port) for Pester and the Demo. Each server runs
# under sh, which kills it and removes its directory as soon as this process closes the server's stdin: on
# Stop-TestRedis, or when this pwsh exits or dies. Nothing is left running.

Import-Module (Join-Path $PSScriptRoot 'GuardedServer.psm1')

function Start-TestRedis {
    [CmdletBinding()]
    param(
        # Sets requirepass: clients must authenticate with it.
        [string] $Password,
        [int] $TimeoutSeconds = 20
    )
    foreach ($tool in 'redis-server', 'redis-cli') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "'$tool' is required and was not found. Install it: sudo apt-get install -y redis-server"
        }
    }
    # A port taken between choosing and binding makes redis-server exit: choose again.
    for ($attempt = 1; ; $attempt++) {
        $directory = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "seekapa-redis-$([guid]::NewGuid().ToString('n'))")).FullName
        $port = Get-FreePort
        $arguments = @('--port', "$port", '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', $directory)
        if ($Password) { $arguments += '--requirepass', $Password }
        $server = Start-GuardedServer -FileName redis-server -Arguments $arguments -Directory $directory
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not $server.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            if (Test-RedisAnswers $port) {
                return [pscustomobject]@{
                    PSTypeName = 'Seekapa.TestRedis'
                    Process    = $server.Process
                    Output     = $server.Output
                    Port       = $port
                    Endpoint   = "127.0.0.1:$port"
                    Password   = $Password
                }
            }
            Start-Sleep -Milliseconds 50
        }
        $output = Stop-GuardedServer $server.Process $server.Output
        if ($attempt -ge 3) { throw "redis-server did not start on 127.0.0.1:${port}: $output" }
    }
}

function Stop-TestRedis {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Redis)
    process { if ($Redis) { $null = Stop-GuardedServer $Redis.Process $Redis.Output } }
}

function Invoke-TestRedisCli {
    # redis-cli against a test server (its password, no warning about it), for arranging data and checking it.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Redis,
        [int] $Database = 0,
        [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Command
    )
    $auth = @(if ($Redis.Password) { '-a', $Redis.Password, '--no-auth-warning' })
    $output = & redis-cli -h 127.0.0.1 -p $Redis.Port @auth -n $Database @Command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "redis-cli $($Command -join ' ') failed ($LASTEXITCODE): $output" }
    $output
}

function Test-RedisAnswers([int] $Port) {
    # +PONG, or -NOAUTH when a password is required: either way the server answers commands.
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $client.Connect([System.Net.IPAddress]::Loopback, $Port)
        $stream = $client.GetStream()
        $stream.Write([Text.Encoding]::ASCII.GetBytes("PING`r`n"))
        $stream.Read([byte[]]::new(64), 0, 64) -gt 0
    }
    catch { $false }
    finally { $client.Dispose() }
}

Export-ModuleMember -Function Start-TestRedis, Stop-TestRedis, Invoke-TestRedisCli
