#Requires -Version 7.4
<#
.SYNOPSIS
    Measures how fast Wait-SeekapaRollout and `kubectl rollout status` notice that a rollout finished.
.DESCRIPTION
    The sandbox runs without controllers, so this script alone decides when a deployment's status changes. Each round:
      1. creates a deployment whose status says "2 of 3 updated replicas are available" (not done);
      2. starts `kubectl rollout status` (a child process) and Wait-SeekapaRollout (a runspace in this process, the
         module imported and warmed up by an earlier call) and waits until both are watching (kubectl has printed its
         "Waiting for ..." line; our cmdlet has written its first progress record);
      3. notes t0 and writes the complete status with one PUT to /status;
      4. notes when each waiter reported success: kubectl's "successfully rolled out" line read from its stdout, and the
         instant Wait-SeekapaRollout returned inside its runspace.
    Latency = t1 - t0 (wall clock of the same machine). The first round warms up and is not counted. Reports medians,
    p90 and the ratio ours/kubectl; DESIGN's target is completion seen within 200 ms. Nothing is asserted.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/Measure-RolloutWait.ps1 -ModulePath out/Seekapa.Ops -SandboxPath out/sandbox
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SandboxPath,
    [int] $Rounds = 15,
    [string] $OutFile = (Join-Path $PSScriptRoot 'rollout-results.md')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot '../tools/Sandbox.psm1') -Force
$ModulePath = (Resolve-Path $ModulePath).Path

$sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario empty -NoControllers
try {
    # The admin token and server from the kubeconfig the sandbox wrote (its own fixed layout).
    $kubeconfig = Get-Content $sandbox.Kubeconfig -Raw
    $token = [regex]::Match($kubeconfig, '(?m)^\s+token:\s*"?([^"\s]+)').Groups[1].Value
    $server = $sandbox.Url.TrimEnd('/')
    # A local benchmark against our own sandbox: its self-signed CA is not in the machine store.
    $handler = [System.Net.Http.HttpClientHandler]::new()
    $handler.ServerCertificateCustomValidationCallback = [System.Net.Http.HttpClientHandler]::DangerousAcceptAnyServerCertificateValidator
    $http = [System.Net.Http.HttpClient]::new($handler)
    $http.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)

    function Send-Json([string] $Method, [string] $Path, [string] $Body) {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), "$server$Path")
        $request.Content = [System.Net.Http.StringContent]::new($Body, [Text.Encoding]::UTF8, 'application/json')
        $response = $http.SendAsync($request).GetAwaiter().GetResult()
        $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "$Method $Path -> $([int]$response.StatusCode): $text" }
        $text | ConvertFrom-Json -AsHashtable
    }

    $null = Send-Json POST '/api/v1/namespaces' '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}}'

    $runspace = [runspacefactory]::CreateRunspace()
    $runspace.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $runspace
    $null = $ps.AddScript("Import-Module '$ModulePath'; `$null = Connect-SeekapaCluster -Kubeconfig '$($sandbox.Kubeconfig)' -Namespace bench").Invoke()

    $rows = [System.Collections.Generic.List[object]]::new()
    for ($round = 0; $round -le $Rounds; $round++) {
        $name = "lat-$round"
        $status = @{ observedGeneration = 1; replicas = 3; updatedReplicas = 3; readyReplicas = 2; availableReplicas = 2 }
        $deployment = @{
            apiVersion = 'apps/v1'; kind = 'Deployment'
            metadata = @{ name = $name; namespace = 'bench'; annotations = @{ 'deployment.kubernetes.io/revision' = '1' } }
            spec = @{ replicas = 3; selector = @{ matchLabels = @{ app = $name } }
                template = @{ metadata = @{ labels = @{ app = $name } }; spec = @{ containers = @(@{ name = 'app'; image = 'nginx:1.27' }) } } }
            status = $status
        }
        $created = Send-Json POST '/apis/apps/v1/namespaces/bench/deployments' ($deployment | ConvertTo-Json -Depth 20)

        # kubectl: a child process; its first "Waiting" line proves the watch is open.
        $psi = [System.Diagnostics.ProcessStartInfo]::new('kubectl')
        foreach ($a in @('--kubeconfig', $sandbox.Kubeconfig, 'rollout', 'status', "deployment/$name", '-n', 'bench', '--timeout=60s')) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $kubectl = [System.Diagnostics.Process]::Start($psi)
        $null = $kubectl.StandardError.ReadToEndAsync()
        $line = $kubectl.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(30000) -or $line.Result -notmatch 'Waiting') { throw "kubectl did not start waiting: $($line.Result)" }
        $kubectlDone = $kubectl.StandardOutput.ReadLineAsync()

        # Ours: the cmdlet in the warmed runspace; its first progress record proves the watch is open.
        $ours = [powershell]::Create()
        $ours.Runspace = $runspace
        $null = $ours.AddScript("`$null = Wait-SeekapaRollout $name -Timeout (New-TimeSpan -Seconds 60); [DateTime]::UtcNow")
        $async = $ours.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($ours.Streams.Progress.Count -eq 0 -and -not $async.IsCompleted) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'Wait-SeekapaRollout did not start waiting' }
            Start-Sleep -Milliseconds 5
        }
        # Both are past their initial list; give the watches a moment to be registered server-side.
        Start-Sleep -Milliseconds 300

        $status.availableReplicas = 3; $status.readyReplicas = 3
        $created.status = $status
        $t0 = [DateTime]::UtcNow
        $null = Send-Json PUT "/apis/apps/v1/namespaces/bench/deployments/$name/status" ($created | ConvertTo-Json -Depth 20)

        if (-not $kubectlDone.Wait(60000)) { throw 'kubectl did not finish' }
        $kubectlAt = [DateTime]::UtcNow
        if ($kubectlDone.Result -notmatch 'successfully rolled out') { throw "kubectl said: $($kubectlDone.Result)" }
        $oursAt = $ours.EndInvoke($async) | Select-Object -Last 1
        $ours.Dispose()
        $kubectl.WaitForExit()
        if ($round -eq 0) { continue }
        $rows.Add([pscustomobject]@{
            Round = $round
            OursMs = [Math]::Round(($oursAt - $t0).TotalMilliseconds, 1)
            KubectlMs = [Math]::Round(($kubectlAt - $t0).TotalMilliseconds, 1)
        })
    }
    $ps.Dispose(); $runspace.Dispose()
}
finally {
    Stop-Sandbox $sandbox
}

function Get-Percentile([double[]] $Values, [double] $P) {
    $sorted = $Values | Sort-Object
    $sorted[[Math]::Min($sorted.Count - 1, [int][Math]::Ceiling($P * $sorted.Count) - 1)]
}
$oursMedian = Get-Percentile $rows.OursMs 0.5
$kubectlMedian = Get-Percentile $rows.KubectlMs 0.5
$report = @"
# Rollout wait latency

Run $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC on $([Environment]::ProcessorCount) cores, $Rounds rounds (plus one warm-up),
by ``bench/Measure-RolloutWait.ps1`` (``build.ps1 -Task Bench``). Latency: from the PUT that completes the deployment's
status to the waiter reporting success. Target (DESIGN.md): within 200 ms.

| | median ms | p90 ms | max ms |
|---|---|---|---|
| Wait-SeekapaRollout | $oursMedian | $(Get-Percentile $rows.OursMs 0.9) | $(($rows.OursMs | Measure-Object -Maximum).Maximum) |
| kubectl rollout status | $kubectlMedian | $(Get-Percentile $rows.KubectlMs 0.9) | $(($rows.KubectlMs | Measure-Object -Maximum).Maximum) |

Ratio of medians ours/kubectl: $([Math]::Round($oursMedian / [Math]::Max($kubectlMedian, 0.1), 2))

Rounds (ms, ours / kubectl): $(($rows | ForEach-Object { "$($_.OursMs)/$($_.KubectlMs)" }) -join ', ')
"@
$report | Set-Content -Path $OutFile
$report
