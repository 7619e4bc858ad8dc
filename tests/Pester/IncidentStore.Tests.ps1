# The incident store kept in the cluster (kubernetes://<namespace>), used from separate pwsh processes that share no
# disk, against the sandbox API server.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Sandbox = Start-Sandbox -SandboxPath $SandboxPath -Scenario healthy
    $script:PreviousKubeconfig = $env:KUBECONFIG
    $script:PreviousStore = $env:SEEKAPA_INCIDENT_STORE
    # The store resolves its connection like every cluster cmdlet: the session's default connection (set here, since an
    # earlier file in this process may have connected elsewhere), else the kubeconfig's current context (the child pwsh).
    $env:KUBECONFIG = $Sandbox.Kubeconfig
    $null = Connect-SeekapaCluster -Kubeconfig $Sandbox.Kubeconfig
    $script:Ns = 'seekapa-incidents'
    $script:Store = "kubernetes://$Ns"

    function Invoke-Kubectl {
        $out = & kubectl --kubeconfig $Sandbox.Kubeconfig @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $($args -join ' ') failed ($LASTEXITCODE): $out" }
        $out
    }

    function New-FromJson([string] $Json) {
        # kubectl create <kind> sends protobuf, which the sandbox does not speak; create -f sends JSON.
        $file = New-TemporaryFile
        try { Set-Content -Path $file -Value $Json; $null = Invoke-Kubectl create -f $file }
        finally { Remove-Item $file }
    }

    function Get-ConfigMap([string] $Id) {
        (Invoke-Kubectl get configmap "seekapa-incident-$Id" -n $Ns -o json) -join "`n" | ConvertFrom-Json
    }

    New-FromJson "{""apiVersion"":""v1"",""kind"":""Namespace"",""metadata"":{""name"":""$Ns""}}"
}

AfterAll {
    $env:KUBECONFIG = $PreviousKubeconfig
    $env:SEEKAPA_INCIDENT_STORE = $PreviousStore
    if ($Sandbox) { Stop-Sandbox $Sandbox }
}

Describe 'The incident store in the cluster' {
    It '8 separate pwsh processes adding 25 notes each leave 200 notes on one incident' {
        $incident = Start-SeekapaIncident SEV2 'Checkout errors from eight writers' -Store $Store -Confirm:$false
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
foreach (`$n in 1..25) { Add-SeekapaIncidentNote "writer `$env:SEEKAPA_WRITER note `$n" -Incident '$($incident.Id)' -Store '$Store' }
"@
        $writers = foreach ($w in 1..8) {
            $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
            foreach ($a in @($PwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
            $psi.Environment['SEEKAPA_WRITER'] = "$w"
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $psi.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($psi)
            [pscustomobject]@{ Process = $process; Out = $process.StandardOutput.ReadToEndAsync(); Err = $process.StandardError.ReadToEndAsync() }
        }
        foreach ($writer in $writers) {
            $writer.Process.WaitForExit()
            $writer.Process.ExitCode | Should -Be 0 -Because "$($writer.Out.Result) $($writer.Err.Result)"
        }

        # Counted from the ConfigMap as the API server holds it, not through the module.
        $document = (Get-ConfigMap $incident.Id).data.'incident.json' | ConvertFrom-Json
        $notes = @($document.timeline | Where-Object kind -EQ 'Note')
        $notes.Count | Should -Be 200
        @($notes.text | Sort-Object -Unique).Count | Should -Be 200
        (Get-SeekapaIncident -Id $incident.Id -Store $Store).Timeline.Count | Should -Be 201
    }

    It 'a corrupt ConfigMap is IncidentStoreCorrupt and stays exactly as it was' {
        $id = 'sev-1-20240115-corrupt-record'
        New-FromJson (@{
                apiVersion = 'v1'; kind = 'ConfigMap'
                metadata = @{ name = "seekapa-incident-$id"; namespace = $Ns; labels = @{ 'app.kubernetes.io/managed-by' = 'seekapa-ops'; 'seekapa.io/incident' = $id } }
                data = @{ 'incident.json' = '{ "id": "sev-1-20240115-corrupt-record", "timeline": [ {' }
            } | ConvertTo-Json -Depth 5)
        $before = Get-ConfigMap $id

        Get-SeekapaIncident -Id $id -Store $Store -ErrorAction SilentlyContinue -ErrorVariable getErrors
        Add-SeekapaIncidentNote 'lost?' -Incident $id -Store $Store -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable noteErrors
        $listed = @(Get-SeekapaIncident -All -Store $Store -ErrorAction SilentlyContinue -ErrorVariable listErrors)

        $getErrors[0].FullyQualifiedErrorId | Should -BeLike 'IncidentStoreCorrupt,*'
        $noteErrors[0].FullyQualifiedErrorId | Should -BeLike 'IncidentStoreCorrupt,*'
        $listErrors[0].FullyQualifiedErrorId | Should -BeLike 'IncidentStoreCorrupt,*'
        $listed.Id | Should -Not -Contain $id
        $after = Get-ConfigMap $id
        $after.metadata.resourceVersion | Should -Be $before.metadata.resourceVersion
        $after.data.'incident.json' | Should -BeExactly $before.data.'incident.json'
    }

    It 'a namespace that does not exist is IncidentStoreNamespaceNotFound and nothing is created' {
        { Start-SeekapaIncident SEV3 'Nowhere' -Store 'kubernetes://no-such-namespace' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'IncidentStoreNamespaceNotFound,*'
        & kubectl --kubeconfig $Sandbox.Kubeconfig get namespace no-such-namespace 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'a store that is not a folder or kubernetes://<namespace> is IncidentStoreInvalid' {
        { Get-SeekapaIncident -Store 'kubernetes://Not_Valid' -ErrorAction Stop } | Should -Throw -ErrorId 'IncidentStoreInvalid,*'
    }

    It '$env:SEEKAPA_INCIDENT_STORE picks the store and the automatic timeline writes to the active incident there' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$env:SEEKAPA_INCIDENT_STORE = '$Store'
`$incident = Start-SeekapaIncident SEV2 'Backend saturated' -Confirm:`$false
`$null = Set-SeekapaWorkloadScale backend-deployment -Replicas 4 -Namespace seekapa-production -Confirm:`$false
Add-SeekapaIncidentNote 'scaled out to 4'
@{ Id = `$incident.Id } | ConvertTo-Json
"@
        $document = (Get-ConfigMap $result.Id).data.'incident.json' | ConvertFrom-Json
        $scale = @($document.timeline | Where-Object kind -EQ 'Action')
        $scale.Count | Should -Be 1
        $scale[0].cmdlet | Should -Be 'Set-SeekapaWorkloadScale'
        $scale[0].after | Should -Be 'replicas 4'
        ($document.timeline | Select-Object -Last 1).text | Should -Be 'scaled out to 4'
    }
}
