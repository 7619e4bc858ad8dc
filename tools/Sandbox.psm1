# Starts and stops the sandbox cluster (out/sandbox) as a child process, for build.ps1 (Demo, Bench) and Pester.

function Start-Sandbox {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $SandboxPath,
        [string] $Scenario,
        [int] $Pods,
        [int] $Namespaces,
        # Lines of history in each container's synthetic log (the sandbox's --log-lines).
        [int] $LogLines,
        # Only the API server: nothing reacts to objects (benchmarks that change statuses themselves).
        [switch] $NoControllers,
        # Real endpoints behind pod ports for port-forward: 'NAMESPACE/POD:PORT=HOST:PORT' (the sandbox's --backend).
        [string[]] $Backend,
        [string] $Kubeconfig = (Join-Path ([System.IO.Path]::GetTempPath()) "seekapa-sandbox-$([guid]::NewGuid().ToString('n')).kubeconfig"),
        [int] $TimeoutSeconds = 60
    )
    $dll = Join-Path $SandboxPath 'Seekapa.Ops.Sandbox.dll'
    if (-not (Test-Path $dll)) { throw "The sandbox is not built ($dll). Run: dotnet pwsh ./build.ps1 -Task Build" }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--kubeconfig', $Kubeconfig)) { $psi.ArgumentList.Add($a) }
    if ($Scenario) { $psi.ArgumentList.Add('--scenario'); $psi.ArgumentList.Add($Scenario) }
    if ($Pods) { $psi.ArgumentList.Add('--pods'); $psi.ArgumentList.Add("$Pods") }
    if ($Namespaces) { $psi.ArgumentList.Add('--namespaces'); $psi.ArgumentList.Add("$Namespaces") }
    if ($LogLines) { $psi.ArgumentList.Add('--log-lines'); $psi.ArgumentList.Add("$LogLines") }
    if ($NoControllers) { $psi.ArgumentList.Add('--no-controllers') }
    foreach ($b in $Backend) { $psi.ArgumentList.Add('--backend'); $psi.ArgumentList.Add($b) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    # Drain stderr asynchronously so a chatty server cannot block on a full pipe.
    $stderr = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $url = $null
    while (-not $url) {
        $lineTask = $process.StandardOutput.ReadLineAsync()
        $remaining = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $lineTask.Wait($remaining) -or $null -eq $lineTask.Result) {
            try { $process.Kill($true) } catch { }
            throw "The sandbox did not become ready within $TimeoutSeconds s. stderr: $($stderr.Result)"
        }
        if ($lineTask.Result -match '^sandbox ready (\S+) kubeconfig (.+)$') { $url = $Matches[1] }
    }
    # Keep draining stdout so the child never blocks writing to it.
    $null = $process.StandardOutput.ReadToEndAsync()
    # The sandbox writes its CA next to the kubeconfig (x.kubeconfig -> x.ca.crt): SSL_CERT_FILE for clients of its fake
    # Azure Resource Manager, whose bearer token is the admin user's kubeconfig token (the first user entry).
    $caPath = [IO.Path]::ChangeExtension([IO.Path]::GetFullPath($Kubeconfig), '.ca.crt')
    $adminToken = if ((Get-Content $Kubeconfig -Raw) -match '(?m)^\s+token: "([^"]+)"') { $Matches[1] }
    [pscustomobject]@{
        Process = $process; Url = $url; Kubeconfig = $Kubeconfig; CaPath = $caPath; AdminToken = $adminToken
        ArmSubscriptionId = '00000000-0000-0000-0000-00000000cafe'; ArmResourceGroup = 'seekapa-rg'
    }
}

function Stop-Sandbox {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Sandbox)
    process {
        if ($Sandbox -and -not $Sandbox.Process.HasExited) {
            $Sandbox.Process.Kill($true)
            $null = $Sandbox.Process.WaitForExit(10000)
        }
        if ($Sandbox.Kubeconfig -and (Test-Path $Sandbox.Kubeconfig)) { Remove-Item $Sandbox.Kubeconfig -Force }
        if ($Sandbox.CaPath -and (Test-Path $Sandbox.CaPath)) { Remove-Item $Sandbox.CaPath -Force }
    }
}

Export-ModuleMember -Function Start-Sandbox, Stop-Sandbox
