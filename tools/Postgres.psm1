# Starts and stops a throwaway PostgreSQL server (the machine's own initdb and pg_ctl) for Pester and tools/Demo.ps1:
# 127.0.0.1 on a free port, a Unix socket in its temporary directory, SCRAM passwords over TCP, fsync off.
# initdb and pg_ctl refuse to run as root, so as root they run as the postgres user (runuser), in a directory it owns.

function Get-PostgresBinDirectory {
    # Debian's layout (/usr/lib/postgresql/N/bin, often not on PATH), newest version first; else initdb on PATH.
    $debian = Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction SilentlyContinue |
        Sort-Object { [double]($_.Directory.Parent.Name -replace '[^\d.]', '') } -Descending | Select-Object -First 1
    if ($debian) { return $debian.DirectoryName }
    $onPath = Get-Command initdb -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return Split-Path $onPath.Source }
    throw "PostgreSQL's initdb was not found (in /usr/lib/postgresql/*/bin or on PATH). Install it: sudo apt-get install -y postgresql"
}

function Invoke-PostgresTool {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)][string] $Tool, [string[]] $Arguments)
    $exe = Join-Path $Server.BinDirectory $Tool
    $output = if ($Server.RunAs) { & runuser -u $Server.RunAs -- $exe @Arguments 2>&1 } else { & $exe @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "$Tool $($Arguments -join ' ') failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
}

function Start-TestPostgres {
    <#
    .SYNOPSIS
        Creates and starts a PostgreSQL server in a new temporary directory (about 2 s) and returns what is needed to use
        and stop it: Host, Port, Superuser, Password, ConnectionString (the superuser, no TLS), DataDirectory, Root.
    #>
    [CmdletBinding()]
    param(
        [int] $MaxConnections = 50,
        [int] $TimeoutSeconds = 60
    )
    $runAs = if ($IsLinux -and (& id -u) -eq '0') { 'postgres' } else { $null }
    $root = Join-Path ([IO.Path]::GetTempPath()) ('seekapa-pg-' + [guid]::NewGuid().ToString('n').Substring(0, 12))
    $server = [pscustomobject]@{
        Host             = '127.0.0.1'
        Port             = 0
        Superuser        = 'postgres'
        Password         = 'pg-' + [guid]::NewGuid().ToString('n')
        ConnectionString = $null
        Root             = $root
        DataDirectory    = Join-Path $root 'data'
        BinDirectory     = Get-PostgresBinDirectory
        RunAs            = $runAs
        Sessions         = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
        Running          = $false
    }
    $null = New-Item -ItemType Directory -Path $root
    try {
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode($root, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute') }
        $pwfile = Join-Path $root 'pwfile'
        Set-Content -Path $pwfile -Value $server.Password -NoNewline
        if ($runAs) { & chown -R "${runAs}:${runAs}" $root }
        Invoke-PostgresTool $server initdb @('-D', $server.DataDirectory, '-U', $server.Superuser, '--pwfile', $pwfile, '--auth-local=trust',
            '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions')
        Remove-Item $pwfile -Force
        Add-Content -Path (Join-Path $server.DataDirectory 'postgresql.conf') -Value "`ninclude = 'seekapa-tests.conf'"
        for ($attempt = 1; ; $attempt++) {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start(); $server.Port = $listener.LocalEndpoint.Port; $listener.Stop()
            Set-Content -Path (Join-Path $server.DataDirectory 'seekapa-tests.conf') -Value @"
listen_addresses = '127.0.0.1'
port = $($server.Port)
unix_socket_directories = '$root'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = $MaxConnections
"@
            if ($runAs) { & chown -R "${runAs}:${runAs}" $server.DataDirectory }
            try {
                Invoke-PostgresTool $server pg_ctl @('-D', $server.DataDirectory, '-l', (Join-Path $root 'server.log'), '-w', '-t', "$TimeoutSeconds", 'start')
                break
            }
            catch {
                # Another process took the port between the probe and the start: try another one.
                if ($attempt -ge 3) { throw }
            }
        }
        $server.Running = $true
        $server.ConnectionString = "Host=127.0.0.1;Port=$($server.Port);Username=$($server.Superuser);Password=$($server.Password);Database=postgres;SSL Mode=Disable"
        $server
    }
    catch {
        Stop-TestPostgres $server
        throw
    }
}

function Start-TestPostgresSession {
    <#
    .SYNOPSIS
        Runs SQL in a psql process of its own (e.g. 'SELECT pg_sleep(600);' for a long-running session) and returns the
        process. Each statement is sent separately, as psql reads a file. Stop-TestPostgres ends it if it still runs.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Server,
        [Parameter(Mandatory)][string] $Sql,
        [string] $User = $Server.Superuser,
        [string] $Password = $Server.Password,
        [string] $ApplicationName = 'seekapa-test-session'
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $Server.BinDirectory 'psql'))
    foreach ($a in @('-h', $Server.Host, '-p', "$($Server.Port)", '-U', $User, '-d', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1')) { $psi.ArgumentList.Add($a) }
    $psi.Environment['PGPASSWORD'] = $Password
    $psi.Environment['PGAPPNAME'] = $ApplicationName
    $psi.Environment['PGSSLMODE'] = 'disable'
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $process.StandardInput.WriteLine($Sql)
    $process.StandardInput.Close()
    $Server.Sessions.Add($process)
    $process
}

function Stop-TestPostgres {
    <#
    .SYNOPSIS
        Ends the sessions Start-TestPostgresSession started, stops the server at once (pg_ctl -m immediate) and deletes
        its directory. Safe to call twice, and on a server that failed to start.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Server)
    process {
        foreach ($session in $Server.Sessions) {
            if (-not $session.HasExited) { try { $session.Kill($true) } catch { } ; $null = $session.WaitForExit(5000) }
        }
        $Server.Sessions.Clear()
        if ((Test-Path (Join-Path $Server.DataDirectory 'postmaster.pid'))) {
            try { Invoke-PostgresTool $Server pg_ctl @('-D', $Server.DataDirectory, '-m', 'immediate', '-w', 'stop') } catch { Write-Warning $_ }
        }
        $Server.Running = $false
        if (Test-Path $Server.Root) { Remove-Item $Server.Root -Recurse -Force }
    }
}

Export-ModuleMember -Function Start-TestPostgres, Start-TestPostgresSession, Stop-TestPostgres
