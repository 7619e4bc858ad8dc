# Starts and stops a throwaway prometheus (the Debian package) on 127.0.0.1 (a free port), scraping itself every second
# so that queries have data, for Pester and the Demo. It runs under sh, which kills it and removes its directory
# (configuration and TSDB) as soon as this process closes its stdin: on Stop-TestPrometheus, or when this pwsh exits
# or dies. Nothing is left running.

Import-Module (Join-Path $PSScriptRoot 'GuardedServer.psm1')

function Start-TestPrometheus {
    [CmdletBinding()]
    param(
        # Also wait until `up` has this many samples, so that range queries and rate() over a few seconds have data.
        [int] $MinimumScrapes = 1,
        [int] $TimeoutSeconds = 60
    )
    if (-not (Get-Command prometheus -ErrorAction SilentlyContinue)) {
        throw "'prometheus' is required and was not found. Install it: sudo apt-get install -y prometheus"
    }
    for ($attempt = 1; ; $attempt++) {
        $directory = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "seekapa-prometheus-$([guid]::NewGuid().ToString('n'))")).FullName
        $port = Get-FreePort
        $config = Join-Path $directory 'prometheus.yml'
        @"
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$port']
"@ | Set-Content $config
        $arguments = @("--config.file=$config", "--web.listen-address=127.0.0.1:$port", "--storage.tsdb.path=$(Join-Path $directory 'data')", '--web.enable-lifecycle')
        $server = Start-GuardedServer -FileName prometheus -Arguments $arguments -Directory $directory
        $url = "http://127.0.0.1:$port"
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not $server.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            if ((Get-ScrapeCount $url) -ge $MinimumScrapes) {
                return [pscustomobject]@{ PSTypeName = 'Seekapa.TestPrometheus'; Process = $server.Process; Output = $server.Output; Port = $port; Url = $url }
            }
            Start-Sleep -Milliseconds 250
        }
        $output = Stop-GuardedServer $server.Process $server.Output
        if ($attempt -ge 3 -or $output -notmatch 'address already in use') { throw "prometheus did not become ready on ${url}: $output" }
    }
}

function Stop-TestPrometheus {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Prometheus)
    process { if ($Prometheus) { $null = Stop-GuardedServer $Prometheus.Process $Prometheus.Output } }
}

function Get-ScrapeCount([string] $Url) {
    # How many samples `up` has: 0 until the server is ready and has scraped itself.
    try {
        $ready = Invoke-WebRequest "$Url/-/ready" -SkipHttpErrorCheck -TimeoutSec 5
        if ($ready.StatusCode -ne 200) { return 0 }
        $answer = Invoke-RestMethod "$Url/api/v1/query?query=$([uri]::EscapeDataString('count_over_time(up[10m])'))" -TimeoutSec 5
        if ($answer.data.result.Count -eq 0) { return 0 }
        [int]$answer.data.result[0].value[1]
    }
    catch { 0 }
}

Export-ModuleMember -Function Start-TestPrometheus, Stop-TestPrometheus
