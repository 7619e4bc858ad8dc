BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario unhealthy

    function Get-KubectlPods {
        param([string[]] $Arguments)
        $lines = & kubectl --kubeconfig $Sandbox.Kubeconfig get pods @Arguments
        if ($LASTEXITCODE -ne 0) { throw "kubectl failed: $lines" }
        # RESTARTS may hold spaces ("5 (3m ago)"): parse the columns by their known shapes.
        foreach ($line in $lines | Select-Object -Skip 1) {
            if ($line -match '^(?:(?<ns>\S+)\s+)?(?<name>\S+)\s+(?<ready>\d+/\d+)\s+(?<status>\S+)\s+(?<restarts>\d+(?: \([^)]*\))?)\s+(?<age>\S+)$') {
                [pscustomobject]@{ Namespace = $Matches.ns; Name = $Matches.name; Ready = $Matches.ready; Status = $Matches.status; Restarts = $Matches.restarts; Age = $Matches.age }
            }
            else { throw "unparsed kubectl line: $line" }
        }
    }
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'Get-SeekapaPodHealth against the sandbox' {
    It 'agrees with kubectl get pods -A on every pod and column' {
        # Ages are second-granular: kubectl runs between our two reads, so its row equals one of them.
        $before = Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Sandbox.Kubeconfig
        $theirs = Get-KubectlPods -Arguments '-A'
        $after = Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Sandbox.Kubeconfig
        $theirs.Count | Should -BeGreaterThan 10
        $before.Count | Should -Be $theirs.Count
        $row = { param($p) "$($p.Ready)|$($p.Status)|$($p.RestartsDisplay)|$($p.Age)" }
        $byKey = @{}
        foreach ($p in $before) { $byKey["$($p.Namespace)/$($p.Name)"] = @(& $row $p) }
        foreach ($p in $after) { $byKey["$($p.Namespace)/$($p.Name)"] += & $row $p }
        foreach ($k in $theirs) {
            $rows = $byKey["$($k.Namespace)/$($k.Name)"]
            $rows | Should -Not -BeNullOrEmpty -Because "kubectl lists $($k.Namespace)/$($k.Name)"
            $rows | Should -Contain "$($k.Ready)|$($k.Status)|$($k.Restarts)|$($k.Age)" -Because "$($k.Namespace)/$($k.Name)"
        }
    }

    It 'connects, becomes the session default, and lists the default namespace like kubectl get pods' {
        $connection = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig
        $connection | Should -BeOfType ([Seekapa.Ops.ClusterConnection])
        $connection.ServerVersion | Should -Not -BeNullOrEmpty
        $connection.Namespace | Should -Be 'seekapa-production'
        "$connection" | Should -Not -Match 'token'
        $ours = Get-SeekapaPodHealth
        $theirs = Get-KubectlPods
        @($ours.Name | Sort-Object) | Should -Be @($theirs.Name | Sort-Object)
        $ours | ForEach-Object { $_.Namespace | Should -Be 'seekapa-production' }
    }

    It '-Unhealthy returns exactly the pods that are not healthy, and each says why' {
        $all = Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Sandbox.Kubeconfig
        $unhealthy = Get-SeekapaPodHealth -AllNamespaces -Unhealthy -Kubeconfig $Sandbox.Kubeconfig
        $unhealthy.Count | Should -BeGreaterThan 0
        @($unhealthy.Name | Sort-Object) | Should -Be @($all | Where-Object { -not $_.Healthy } | ForEach-Object Name | Sort-Object)
        $unhealthy | ForEach-Object { $_.Problem | Should -Not -BeNullOrEmpty }
        # kubectl's "grep -v Running" misses a Running pod that was OOMKilled minutes ago; we do not.
        $unhealthy | Where-Object { $_.Status -eq 'Running' -and $_.LastTerminationReason -eq 'OOMKilled' } | Should -Not -BeNullOrEmpty
    }

    It 'filters by selector and sorts by restarts in the pipeline' {
        $top = Get-SeekapaPodHealth -Selector app=backend -Kubeconfig $Sandbox.Kubeconfig | Sort-Object Restarts -Descending | Select-Object -First 5
        $top | Should -Not -BeNullOrEmpty
        $top | ForEach-Object { $_.Labels['app'] | Should -Be 'backend' }
        $top[0].Restarts | Should -BeGreaterOrEqual $top[-1].Restarts
        $kubectl = Get-KubectlPods -Arguments '-l', 'app=backend'
        (Get-SeekapaPodHealth -Selector app=backend -Kubeconfig $Sandbox.Kubeconfig).Count | Should -Be $kubectl.Count
    }

    It 'resolves owners to the Deployment through the ReplicaSet' {
        $backend = Get-SeekapaPodHealth -Selector app=backend -Kubeconfig $Sandbox.Kubeconfig | Select-Object -First 1
        $backend.Owner | Should -Be 'Deployment/backend-deployment'
    }

    It 'shows a NAMESPACE column with -AllNamespaces and none without' {
        $withNs = Get-SeekapaPodHealth -AllNamespaces -Kubeconfig $Sandbox.Kubeconfig | Format-Table | Out-String -Width 250
        $withoutNs = Get-SeekapaPodHealth -Kubeconfig $Sandbox.Kubeconfig | Format-Table | Out-String -Width 250
        $withNs | Should -Match '(?m)^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE'
        $withoutNs | Should -Match '(?m)^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE'
    }

    It 'matches -Name wildcards silently and reports a missing explicit name as PodNotFound' {
        $name = (Get-KubectlPods)[0].Name
        (Get-SeekapaPodHealth -Name $name -Kubeconfig $Sandbox.Kubeconfig).Name | Should -Be $name
        Get-SeekapaPodHealth -Name 'no-such-pod-*' -Kubeconfig $Sandbox.Kubeconfig -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none | Should -BeNullOrEmpty
        $err = $null
        Get-SeekapaPodHealth -Name 'no-such-pod' -Kubeconfig $Sandbox.Kubeconfig -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PodNotFound,*'
        $err[0].TargetObject | Should -Be 'no-such-pod'
    }

    It 'reports a missing namespace as NamespaceNotFound and an unknown context as ContextNotFound' {
        $err = $null
        Get-SeekapaPodHealth -Namespace no-such-ns -Kubeconfig $Sandbox.Kubeconfig -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NamespaceNotFound,*'
        { Get-SeekapaPodHealth -Context nope -Kubeconfig $Sandbox.Kubeconfig -ErrorAction Stop } | Should -Throw -ErrorId 'ContextNotFound,*'
    }

    It 'reports 403 as Forbidden naming the verb and resource' {
        $err = $null
        Get-SeekapaPodHealth -AllNamespaces -Context seekapa-sandbox-viewer -Kubeconfig $Sandbox.Kubeconfig -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Forbidden,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        "$($err[0])" | Should -Match 'list pods'
    }
}

Describe 'The private load context' {
    It 'works in a session that loaded an older YamlDotNet first (as other modules do)' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $oldYaml = Join-Path $packages 'yamldotnet/13.7.1/lib/net7.0/YamlDotNet.dll'
        Test-Path $oldYaml | Should -BeTrue -Because 'tools/Tools.proj downloads YamlDotNet 13.7.1'
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
`$old = [System.Reflection.Assembly]::LoadFrom('$oldYaml')
Import-Module '$ModulePath'
`$c = Connect-SeekapaCluster -Kubeconfig '$($Sandbox.Kubeconfig)'
`$pods = @(Get-SeekapaPodHealth -AllNamespaces)
`$private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'Seekapa.Ops'
@{
    DefaultYaml = `$old.GetName().Version.ToString()
    PrivateYaml = (`$private.Assemblies | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' }).GetName().Version.ToString()
    Context = `$c.Context
    Pods = `$pods.Count
} | ConvertTo-Json
"@
        $result.DefaultYaml | Should -Be '13.0.0.0'
        $result.PrivateYaml | Should -Not -Be '13.0.0.0'
        $result.Context | Should -Be 'seekapa-sandbox'
        $result.Pods | Should -BeGreaterThan 10
    }
}
