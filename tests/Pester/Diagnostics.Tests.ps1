# kubectl parity for the diagnostics cmdlets, against the built module and the sandbox executable (bad-deploy scenario).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
    $null = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig -Namespace seekapa-production

    function Invoke-Kubectl {
        # A simple function (no common parameters), so kubectl's -o, -A, -n ... pass through untouched.
        $out = & kubectl --kubeconfig $Sandbox.Kubeconfig @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $($args -join ' ') failed ($LASTEXITCODE): $out" }
        $out
    }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'Get-SeekapaPodLog parity with kubectl logs' {
    It 'returns the same lines as kubectl logs -l --prefix --tail --previous' {
        # The crashed containers' previous logs do not grow while the two commands run (live logs do).
        $rs = (Get-SeekapaRolloutHistory backend-deployment | Where-Object IsCurrent).ReplicaSet
        $hash = $rs.Substring('backend-deployment-'.Length)
        $theirs = Invoke-Kubectl logs -l "pod-template-hash=$hash" -n seekapa-production --prefix --tail=20 --previous
        $ours = Get-SeekapaPodLog -Selector "pod-template-hash=$hash" -Tail 20 -Previous | ForEach-Object ToString
        @($theirs).Count | Should -BeGreaterThan 20
        @($ours | Sort-Object) | Should -Be @($theirs | Sort-Object)
    }

    It 'filters with -Pattern and numbers the matching lines' {
        $errors = Get-SeekapaPodLog -Selector app=backend -Pattern 'ERROR|\b5\d\d\b'
        $errors | Should -Not -BeNullOrEmpty
        $errors | ForEach-Object { $_.Line | Should -Match 'ERROR|\b5\d\d\b'; $_.LineNumber | Should -BeGreaterThan 0 }
    }

    It 'reads the crashed containers'' previous logs of the unhealthy pods' {
        $previous = Get-SeekapaPodHealth -Selector app=backend -Unhealthy | Get-SeekapaPodLog -Previous -Tail 5
        $previous | Should -Not -BeNullOrEmpty
        $pod = $previous[0].Pod
        $theirs = Invoke-Kubectl logs $pod -n seekapa-production --previous --tail=5
        @($previous | Where-Object Pod -eq $pod | ForEach-Object Line) | Should -Be @($theirs)
    }
}

Describe 'Get-SeekapaPodResourceUsage parity with kubectl top' {
    It 'has the numbers of kubectl top pods, sorted by memory like --sort-by=memory' {
        $theirs = Invoke-Kubectl top pods -n seekapa-production --no-headers --sort-by=memory | ForEach-Object {
            $cells = -split $_
            "$($cells[0]) $($cells[1]) $($cells[2])"
        }
        $ours = Get-SeekapaPodResourceUsage -SortBy Memory | ForEach-Object { "$($_.Name) $($_.Cpu) $($_.Memory)" }
        @($theirs).Count | Should -BeGreaterThan 3
        # Equal memory values may be ordered differently: compare the rows, and the memory order.
        @($ours | Sort-Object) | Should -Be @($theirs | Sort-Object)
        @($ours | ForEach-Object { ($_ -split ' ')[2] }) | Should -Be @($theirs | ForEach-Object { ($_ -split ' ')[2] })
    }

    It 'adds percentages of requests and limits' {
        $backend = Get-SeekapaPodResourceUsage -Selector app=backend | Select-Object -First 1
        $backend.MemoryLimitPercent | Should -BeGreaterThan 0
    }
}

Describe 'Get-SeekapaEvent parity with kubectl get events' {
    It 'lists the same events as kubectl, newest first' {
        # The simulated kubelet may record an event between the two reads: compare again, a few times at most.
        for ($attempt = 1; $attempt -le 5; $attempt++) {
            $theirs = @(((Invoke-Kubectl get events -A -o json) -join "`n" | ConvertFrom-Json).items |
                ForEach-Object { "$($_.metadata.namespace)|$($_.reason)|$($_.involvedObject.name)" } | Sort-Object)
            $ours = @(Get-SeekapaEvent -AllNamespaces)
            $oursKeys = @($ours | ForEach-Object { "$($_.Namespace)|$($_.Reason)|$($_.ObjectName)" } | Sort-Object)
            if (($oursKeys -join "`n") -eq ($theirs -join "`n")) { break }
            Start-Sleep -Milliseconds 500
        }
        $theirs.Count | Should -BeGreaterThan 10
        $oursKeys | Should -Be $theirs
        for ($i = 1; $i -lt $ours.Count; $i++) { $ours[$i - 1].LastSeen | Should -BeGreaterOrEqual $ours[$i].LastSeen }
    }

    It 'finds the crash-loop back-offs and node OOM kills across namespaces' {
        $found = Get-SeekapaEvent -AllNamespaces -Reason BackOff, OOMKilling -Type Warning
        $found.Reason | Should -Contain 'BackOff'
        $found | ForEach-Object { $_.Type | Should -Be 'Warning' }
    }
}

Describe 'Get-SeekapaRecentChange' {
    It 'shows the bad deploy as the newest change, with images before and after' {
        $change = Get-SeekapaRecentChange -Since (New-TimeSpan -Hours 2) | Where-Object Name -eq 'backend-deployment' | Select-Object -First 1
        $change.Revision | Should -Be 3
        $change.ImagesBefore | Should -Contain 'seekapa.azurecr.io/seekapa-backend:2.14.0'
        $change.ImagesAfter | Should -Contain 'seekapa.azurecr.io/seekapa-backend:2.14.1'
        $change.RolloutState | Should -Be 'Failed'
    }
}
