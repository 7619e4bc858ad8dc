# Invoke-SeekapaPrometheusQuery through the BUILT module, against a real prometheus scraping itself
# (tools/Prometheus.psm1: 127.0.0.1, a free port, stopped after).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    Import-Module (Join-Path $Root 'tools/Prometheus.psm1') -Force
    $script:Prometheus = Start-TestPrometheus -MinimumScrapes 6
}

AfterAll {
    if ($script:Prometheus) { Stop-TestPrometheus $script:Prometheus }
}

Describe 'Invoke-SeekapaPrometheusQuery' {
    It 'returns instant samples with the labels as properties' {
        $up = Invoke-SeekapaPrometheusQuery up -Endpoint $Prometheus.Url
        $up | Should -BeOfType Seekapa.Ops.PrometheusSample
        $up.Value | Should -Be 1
        $up.job | Should -Be 'prometheus'
        $up.instance | Should -Be "127.0.0.1:$($Prometheus.Port)"
        $up.Timestamp | Should -BeOfType [DateTimeOffset]
    }

    It 'returns one object per series and point for a range' {
        $points = Invoke-SeekapaPrometheusQuery 'rate(prometheus_http_requests_total[5s])' -Endpoint $Prometheus.Url -Since 4s -Step 1s
        $points | Should -Not -BeNullOrEmpty
        $points | ForEach-Object { $_.ResultType | Should -Be 'Matrix'; $_.handler | Should -Not -BeNullOrEmpty }
        ($points | Group-Object Series | ForEach-Object Count | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 5
    }

    It 'accepts -Start and -End as strings and a TimeSpan step' {
        # The window must lie after the first scrapes of this fresh server, or its first points are missing.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Invoke-SeekapaPrometheusQuery 'count_over_time(up[10s])' -Endpoint $Prometheus.Url).Value -lt 8 -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 250
        }
        $end = [DateTimeOffset]::FromUnixTimeSeconds([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() - 1)
        $points = Invoke-SeekapaPrometheusQuery up -Endpoint $Prometheus.Url -Start $end.AddSeconds(-4).ToString('o') -End $end.ToString('o') -Step ([TimeSpan]::FromSeconds(2))
        $points.Timestamp | Should -Be @($end.AddSeconds(-4), $end.AddSeconds(-2), $end)
    }

    It 'turns bad PromQL into an ErrorRecord carrying errorType, and goes on with the next query' {
        $samples = 'sum(rate(up[5m]', 'up' | Invoke-SeekapaPrometheusQuery -Endpoint $Prometheus.Url -ErrorVariable failures -ErrorAction SilentlyContinue
        @($samples).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'PrometheusQueryFailed,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].ErrorDetails.Message | Should -Match 'errorType bad_data.*parse error'
    }

    It 'parses NaN and infinities' {
        $values = '0/0', '1/0', '-1/0' | Invoke-SeekapaPrometheusQuery -Endpoint $Prometheus.Url | ForEach-Object Value
        [double]::IsNaN($values[0]) | Should -BeTrue
        $values[1] | Should -Be ([double]::PositiveInfinity)
        $values[2] | Should -Be ([double]::NegativeInfinity)
    }

    It 'shows a table with the timestamp, metric, value and labels, and no stream shows the token' {
        $token = ConvertTo-SecureString 'Pester-token-71be' -AsPlainText -Force
        $all = Invoke-SeekapaPrometheusQuery up -Endpoint $Prometheus.Url -BearerToken $token -Verbose -Debug *>&1 | Out-String -Width 200
        $all | Should -Match 'TIMESTAMP\s+METRIC\s+VALUE\s+LABELS'
        $all | Should -Match 'up\s+1\s+\{instance='
        $all | Should -Not -Match 'Pester-token-71be'
    }
}
