# kubectl parity for rollouts: the same rollout sequence on two identical deployments (in two namespaces, so templates,
# hashes and ReplicaSet names are identical), then kubectl on one and our cmdlets on the other must leave the same state.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    # bad-deploy marks seekapa-backend:2.14.1 as an image that crash-loops.
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario bad-deploy
    $script:Crashing = 'seekapa.azurecr.io/seekapa-backend:2.14.1'

    function Invoke-Kubectl {
        # A simple function (no common parameters), so kubectl's -o, -A, -n ... pass through untouched.
        $out = & kubectl --kubeconfig $Sandbox.Kubeconfig @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $($args -join ' ') failed ($LASTEXITCODE): $out" }
        $out
    }

    function Get-Json {
        param([string] $Namespace, [string] $Resource, [string] $Name)
        $args = @('get', $Resource, '-n', $Namespace, '-o', 'json')
        if ($Name) { $args = @('get', $Resource, $Name, '-n', $Namespace, '-o', 'json') }
        (Invoke-Kubectl @args) -join "`n" | ConvertFrom-Json -AsHashtable
    }

    function New-Twin {
        # One deployment per namespace, created by kubectl from the same manifest, rolled out three times identically.
        param([string] $Namespace, [string] $Name = 'web')
        # kubectl create namespace/deployment send protobuf, which the sandbox does not speak; create -f sends JSON.
        $manifest = @"
{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"$Namespace"}},
 {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"$Name","namespace":"$Namespace","annotations":{"kubernetes.io/change-cause":"initial 1.25"}},
  "spec":{"replicas":2,"progressDeadlineSeconds":8,"selector":{"matchLabels":{"app":"$Name"}},
   "template":{"metadata":{"labels":{"app":"$Name"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25","env":[{"name":"MODE","value":"a"}]}]}}}}]}
"@
        $file = New-TemporaryFile
        try {
            Set-Content -Path $file -Value $manifest
            $null = Invoke-Kubectl create -f $file
        }
        finally { Remove-Item $file }
        $null = Invoke-Kubectl rollout status "deployment/$Name" -n $Namespace --timeout=60s
        foreach ($step in @(@{ Image = 'nginx:1.26'; Cause = 'upgrade 1.26' }, @{ Image = 'nginx:1.27'; Cause = 'upgrade 1.27' })) {
            $null = Invoke-Kubectl annotate deployment $Name -n $Namespace --overwrite "kubernetes.io/change-cause=$($step.Cause)"
            $null = Invoke-Kubectl set image "deployment/$Name" -n $Namespace "web=$($step.Image)"
            $null = Invoke-Kubectl rollout status "deployment/$Name" -n $Namespace --timeout=60s
        }
        $null = Invoke-Kubectl set env "deployment/$Name" -n $Namespace MODE=b
        $null = Invoke-Kubectl rollout status "deployment/$Name" -n $Namespace --timeout=60s
    }

    function Get-RolloutState {
        # What a rollback must reproduce: the deployment's template and revision annotations, and every ReplicaSet's
        # name, revision, revision-history and replicas (names include the pod-template-hash).
        param([string] $Namespace, [string] $Name = 'web')
        $d = Get-Json $Namespace deployment $Name
        $sets = (Get-Json $Namespace replicasets).items | Sort-Object { $_.metadata.name } | ForEach-Object {
            '{0} rev={1} history={2} cause={3}' -f $_.metadata.name, $_.metadata.annotations['deployment.kubernetes.io/revision'],
                $_.metadata.annotations['deployment.kubernetes.io/revision-history'], $_.metadata.annotations['kubernetes.io/change-cause']
        }
        [pscustomobject]@{
            Template = $d.spec.template | ConvertTo-Json -Depth 30 -Compress
            Revision = $d.metadata.annotations['deployment.kubernetes.io/revision']
            ChangeCause = $d.metadata.annotations['kubernetes.io/change-cause']
            ReplicaSets = $sets -join "`n"
        }
    }

    New-Twin -Namespace parity-kubectl
    New-Twin -Namespace parity-seekapa
    $script:Conn = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig -Namespace parity-seekapa
}

AfterAll {
    if ($script:Sandbox) { Stop-Sandbox $script:Sandbox }
}

Describe 'Rollout history parity with kubectl' {
    It 'lists the same revisions and change-causes as kubectl rollout history' {
        $lines = Invoke-Kubectl rollout history deployment/web -n parity-kubectl
        $theirs = foreach ($l in $lines) { if ($l -match '^(\d+)\s+(.+?)\s*$') { "$($Matches[1])|$($Matches[2])" } }
        $ours = Get-SeekapaRolloutHistory web | ForEach-Object { "$($_.Revision)|$(if ($_.ChangeCause) { $_.ChangeCause } else { '<none>' })" }
        @($theirs).Count | Should -Be 4
        $ours | Should -Be $theirs
    }

    It 'reports a missing revision as RevisionNotFound' {
        { Get-SeekapaRolloutHistory web -Revision 99 -ErrorAction Stop } | Should -Throw -ErrorId 'RevisionNotFound,*'
    }
}

Describe 'Rollback parity with kubectl rollout undo' {
    It '-WhatIf sends nothing' {
        $before = (Get-Json parity-seekapa deployment web).metadata.resourceVersion
        Invoke-SeekapaRollback web -ToRevision 1 -WhatIf
        (Get-Json parity-seekapa deployment web).metadata.resourceVersion | Should -Be $before
    }

    It 'rolls back to an explicit revision exactly as kubectl rollout undo --to-revision' {
        $null = Invoke-Kubectl rollout undo deployment/web -n parity-kubectl --to-revision=2
        $result = Invoke-SeekapaRollback web -ToRevision 2 -Confirm:$false
        $result.Outcome | Should -Be 'RolledBack'
        $result.FromRevision | Should -Be 4
        $result.ToRevision | Should -Be 2
        $null = Invoke-Kubectl rollout status deployment/web -n parity-kubectl --timeout=60s
        $null = Wait-SeekapaRollout web -Timeout (New-TimeSpan -Seconds 60)
        $theirs = Get-RolloutState parity-kubectl
        $ours = Get-RolloutState parity-seekapa
        $ours.Revision | Should -Be '5'
        $ours.Template | Should -Be $theirs.Template
        $ours.Revision | Should -Be $theirs.Revision
        $ours.ChangeCause | Should -Be $theirs.ChangeCause
        $ours.ReplicaSets | Should -Be $theirs.ReplicaSets
        $ours.ReplicaSets | Should -Match 'rev=5 history=2 '
    }

    It 'rolls back to the previous revision (the second-highest) exactly as kubectl rollout undo, and waits' {
        $null = Invoke-Kubectl rollout undo deployment/web -n parity-kubectl
        $null = Invoke-Kubectl rollout status deployment/web -n parity-kubectl --timeout=60s
        $result = Invoke-SeekapaRollback web -Wait -Timeout (New-TimeSpan -Seconds 60) -Confirm:$false
        $result.ToRevision | Should -Be 4
        $result.Status.Complete | Should -BeTrue
        $theirs = Get-RolloutState parity-kubectl
        $ours = Get-RolloutState parity-seekapa
        $ours.Template | Should -Be $theirs.Template
        $ours.Revision | Should -Be $theirs.Revision
        $ours.ReplicaSets | Should -Be $theirs.ReplicaSets
    }

    It 'skips, without error, a rollback to the template already running' {
        $current = (Get-SeekapaRolloutHistory web | Where-Object IsCurrent).Revision
        $rv = (Get-Json parity-seekapa deployment web).metadata.resourceVersion
        $result = Invoke-SeekapaRollback web -ToRevision $current -Confirm:$false -ErrorAction Stop
        $result.Outcome | Should -Be 'Skipped'
        (Get-Json parity-seekapa deployment web).metadata.resourceVersion | Should -Be $rv
    }

    It 'binds Get-SeekapaDeployment output by property name' {
        $result = Get-SeekapaDeployment web | Invoke-SeekapaRollback -WhatIf
        $result | Should -BeNullOrEmpty
        Get-SeekapaDeployment -Namespace parity-seekapa | Select-Object -ExpandProperty Name | Should -Contain 'web'
    }
}

Describe 'Rollout status parity with kubectl' {
    It 'agrees with kubectl rollout status on a failed rollout (progress deadline exceeded)' {
        foreach ($ns in 'parity-kubectl', 'parity-seekapa') {
            $null = Invoke-Kubectl set image deployment/web -n $ns "web=$Crashing"
        }
        $kubectl = & kubectl --kubeconfig $Sandbox.Kubeconfig rollout status deployment/web -n parity-kubectl --timeout=90s 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        "$kubectl" | Should -Match 'deployment "web" exceeded its progress deadline'
        $err = $null
        Wait-SeekapaRollout web -Timeout (New-TimeSpan -Seconds 90) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RolloutFailed,*'
        "$($err[0])" | Should -Match 'deployment "web" exceeded its progress deadline'
        (Get-SeekapaDeployment web).RolloutState | Should -Be 'Failed'
    }

    It 'recovers the failed deployment by rolling back, as the runbook says, and agrees on success' {
        $null = Invoke-Kubectl rollout undo deployment/web -n parity-kubectl
        $kubectl = Invoke-Kubectl rollout status deployment/web -n parity-kubectl --timeout=60s
        "$kubectl" | Should -Match 'deployment "web" successfully rolled out'
        $results = @(Get-SeekapaDeployment -Namespace parity-seekapa | Where-Object RolloutState -eq 'Failed' |
            Invoke-SeekapaRollback -Wait -Confirm:$false)
        $results.Count | Should -Be 1
        $results[0].Name | Should -Be 'web'
        $results[0].Outcome | Should -Be 'RolledBack'
        $results[0].Status.Complete | Should -BeTrue
        (Get-SeekapaDeployment web).RolloutState | Should -Be 'Complete'
        (Get-RolloutState parity-seekapa).Template | Should -Be (Get-RolloutState parity-kubectl).Template
    }
}
