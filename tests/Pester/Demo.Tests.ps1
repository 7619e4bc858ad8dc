# The README's main job (build.ps1 -Task Demo runs tools/Demo.ps1) run by the test suite against the built module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    function Test-ProcessAlive([int] $Id) {
        try { -not (Get-Process -Id $Id -ErrorAction Stop).HasExited } catch { $false }
    }
}

Describe 'The Demo' {
    BeforeAll {
        $script:Output = & $Pwsh @PwshPrefix -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Demo.ps1') `
            -ModulePath $ModulePath -SandboxPath $SandboxPath 2>&1 | Out-String
        $script:ExitCode = $LASTEXITCODE
        $script:Postmortem = Join-Path (Split-Path $ModulePath -Parent) 'demo/postmortem.md'
        # The Demo records what it started; the checks below judge only those processes and files.
        $script:Started = Get-Content (Join-Path (Split-Path $ModulePath -Parent) 'demo/processes.json') -Raw | ConvertFrom-Json
    }

    It 'runs unattended to the end' {
        $ExitCode | Should -Be 0 -Because $Output
        $Output | Should -Match 'PS> Export-SeekapaPostmortem'
    }

    It 'finds the crash-looping backend, rolls it back and ends healthy' {
        $Output | Should -Match 'backend-deployment\s+2/3\s+2\s+2\s+\S+\s+3\s+Failed'
        $Output | Should -Match 'Outcome\s+:\s+RolledBack'
        $Output | Should -Match 'backend-deployment\s+3/3\s+3\s+3\s+\S+\s+4\s+Complete'
        $Output | Should -Match 'FATAL Host terminated unexpectedly'
    }

    It 'writes a post-mortem whose timeline has the rollback, recorded automatically' {
        Test-Path $Postmortem | Should -BeTrue
        $text = Get-Content $Postmortem -Raw
        $text | Should -Match '(?m)^# Post-mortem: API 5xx spike after backend deploy'
        $text | Should -Match 'Invoke-SeekapaRollback'
        $text | Should -Match 'revision 3 \(seekapa\.azurecr\.io/seekapa-backend:2\.14\.1\) -> revision 2'
        $text | Should -Match 'Bad deploy of backend 2\.14\.1'
    }

    It 'finds the long-running queries in triage and stops exactly them' {
        $Output | Should -Match 'non-idle session\(s\) running longer than 3s'
        $Output | Should -Match 'report-export-1'
        ([regex]::Matches($Output, '\bTerminated\b')).Count | Should -BeGreaterOrEqual 2
        (Get-Content $Postmortem -Raw) | Should -Match 'Stop-SeekapaDatabaseQuery'
    }

    It 'leaves no PostgreSQL running and no data directory behind' {
        # An immediate stop ends the postmaster at once; wait briefly for the process to be reaped.
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while ((Test-ProcessAlive $Started.PostgresPid) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Test-ProcessAlive $Started.PostgresPid | Should -BeFalse
        Test-Path $Started.PostgresRoot | Should -BeFalse
    }

    It 'leaves no sandbox running' {
        Test-ProcessAlive $Started.SandboxPid | Should -BeFalse
    }
}
