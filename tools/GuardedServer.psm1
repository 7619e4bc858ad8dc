# Shared by tools/Redis.psm1 and tools/Prometheus.psm1: a free loopback port, and a server process that cannot outlive us.

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-GuardedServer {
    # fd 3 keeps our stdin for the watcher (the server reads /dev/null); when stdin closes the watcher kills the server;
    # the shell then removes the server's directory and exits.
    param([string] $FileName, [string[]] $Arguments, [string] $Directory)
    $script = 'exec 3<&0; "$0" "$@" </dev/null & child=$!; (read _ <&3; kill $child 2>/dev/null) & wait $child; status=$?; rm -rf "$PWD"; exit $status'
    $psi = [System.Diagnostics.ProcessStartInfo]::new('sh')
    foreach ($a in @('-c', $script, $FileName) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $Directory
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    # Drained asynchronously so the server never blocks on a full pipe; read for error messages once it has exited.
    [pscustomobject]@{ Process = $process; Output = @($process.StandardOutput.ReadToEndAsync(), $process.StandardError.ReadToEndAsync()) }
}

function Stop-GuardedServer([System.Diagnostics.Process] $Process, $Output) {
    # Returns what the server printed.
    try { $Process.StandardInput.Close() } catch { }
    if (-not $Process.WaitForExit(15000)) { $Process.Kill($true) }
    $null = [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]]$Output, 5000)
    ($Output | Where-Object IsCompletedSuccessfully | ForEach-Object Result) -join [Environment]::NewLine
}

Export-ModuleMember -Function Get-FreePort, Start-GuardedServer, Stop-GuardedServer
