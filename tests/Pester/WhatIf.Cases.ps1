# The -WhatIf sweep: every row is one -WhatIf (or $WhatIfPreference = $true) call of a state-changing cmdlet, run by
# BadInput.Runner.ps1 in the same session and against the same servers as the bad-input corpus. A row must end with no
# error, show "What if:" and leave every state it could touch unchanged (BadInput.Tests.ps1). Rows 1-31 are the security
# review of 2026-12-07 (section 5, "-WhatIf verification"); W-rows cover what came after it (port-forwards, the incident
# store kept in the cluster) and invocations the review did not try. Variables as in BadInput.Cases.ps1, plus: $pod (a
# running pod), $sleeper (the PID of a live pg_sleep(900) session), $freePort (a loopback port nothing listens on),
# $fwd (a running port-forward), $kstore (kubernetes://$ns) and $kbase (an active incident kept there).
# Touches, beyond the corpus's: pods (names, uids, specs), configmaps (where the cluster store keeps incidents), forwards
# (the session's port-forwards and whether their ports, and $freePort, are listened on).
@(
    @{ Id = '1'; Run = 'Invoke-SeekapaRollback backend-deployment -Namespace $ns -Wait -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '2'; Run = 'Invoke-SeekapaRollback backend-deployment -Namespace $ns -ToRevision 2 -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '3'; Run = 'Restart-SeekapaWorkload prometheus -Namespace $ns -WhatIf'; Touches = 'k8s', 'pods', 'store' }
    @{ Id = '4'; Run = 'Set-SeekapaWorkloadScale backend-deployment -Namespace $ns -Replicas 0 -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '5'; Run = 'Set-SeekapaWorkloadScale redis-master -Kind StatefulSet -Namespace $ns -Replicas 5 -CurrentReplicas 1 -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '6'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -MemoryLimit 3Gi -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '7'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ X = 1 } -FromSecret @{ Y = ''backend-db/host'' } -Remove Z -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '8'; Run = 'Remove-SeekapaPod $pod -Namespace $ns -WhatIf'; Touches = 'k8s', 'pods', 'store' }
    @{ Id = '9'; Run = 'Remove-SeekapaPod $pod -Namespace $ns -Force -WhatIf'; Touches = 'k8s', 'pods', 'store' }
    @{ Id = '10'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Restart backend-deployment -Wait -WhatIf'; Touches = 'k8s', 'store' }
    @{ Id = '11'; Run = 'Set-SeekapaDatabaseSetting work_mem 64MB -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = '12'; Run = 'Invoke-SeekapaSqlScript -Sql ''DELETE FROM app.accounts'' -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = '13'; Run = 'Get-SeekapaDatabaseActivity | Where-Object Pid -eq $sleeper | Stop-SeekapaDatabaseQuery -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = '14'; Run = 'Stop-SeekapaDatabaseQuery -MinDuration 1s -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = '15'; Run = 'Stop-SeekapaDatabaseQuery -MinDuration 1s -Cancel -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = '16'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -Database 0 -WhatIf'; Touches = 'redis', 'store' }
    @{ Id = '17'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -AllDatabases -WhatIf'; Touches = 'redis', 'store' }
    @{ Id = '18'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName x-restored -Wait -WhatIf'; Touches = 'arm', 'store' }
    @{ Id = '19'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -Name work_mem -Value 8192 -WhatIf'; Touches = 'arm', 'store' }
    @{ Id = '20'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -Name max_connections -Value 900 -Restart -Wait -WhatIf'; Touches = 'arm', 'store' }
    @{ Id = '21'; Run = 'Start-SeekapaIncident SEV2 ''what if'' -SlackChannel -SlackToken $slackTok -SlackApiUrl $api -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdTok -PagerDutyApiUrl $api -PagerDutyFrom ops@example.com -WhatIf'; Touches = 'store', 'session', 'requests' }
    @{ Id = '22'; Run = 'Set-SeekapaIncident $base -Status Identified -SlackToken $slackTok -SlackApiUrl $api -WhatIf'; Touches = 'store', 'requests' }
    @{ Id = '23'; Run = 'Add-SeekapaIncidentNote ''what if'' -Incident $base -WhatIf'; Touches = 'store' }
    @{ Id = '24'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl $api -WhatIf'; Touches = 'requests', 'store' }
    @{ Id = '25'; Run = 'Format-SeekapaIncidentMessage Update -Incident $base | Send-SeekapaIncidentMessage -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl $api -WhatIf'; Touches = 'requests', 'store' }
    @{ Id = '26'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause r -Resolution r -PagerDutyToken $pdTok -PagerDutyApiUrl $api -PagerDutyFrom ops@example.com -SlackToken $slackTok -SlackApiUrl $api -WhatIf'; Touches = 'store', 'session', 'requests' }
    @{ Id = '27'; Run = 'Export-SeekapaPostmortem -Incident $base -Path (Join-Path $scratch whatif.md) -WhatIf'; Touches = 'files', 'store' }
    @{ Id = '28'; Run = '$WhatIfPreference = $true; Set-SeekapaWorkloadScale redis-master -Kind StatefulSet -Namespace $ns -Replicas 4'; Touches = 'k8s', 'store' }
    @{ Id = '29'; Run = '$WhatIfPreference = $true; Clear-SeekapaRedisCache $redis -Password $redisPw -Database 1'; Touches = 'redis', 'store' }
    @{ Id = '30'; Run = '$WhatIfPreference = $true; Set-SeekapaDatabaseSetting work_mem 32MB'; Touches = 'pg', 'store' }
    @{ Id = '31'; Run = '$WhatIfPreference = $true; Add-SeekapaIncidentNote ''what if'' -Incident $base'; Touches = 'store' }

    # --- Since the review: port-forwards and the incident store kept in the cluster (ConfigMaps, in the k8s snapshot)
    @{ Id = 'W1'; Run = 'Start-SeekapaPortForward svc/redis-master "$($freePort):6379" -Namespace $ns -WhatIf'; Touches = 'forwards', 'k8s' }
    @{ Id = 'W2'; Run = 'Start-SeekapaPortForward redis-master-0 :6379 -Namespace $ns -WhatIf'; Touches = 'forwards', 'k8s' }
    @{ Id = 'W3'; Run = 'Stop-SeekapaPortForward -Id $fwd.Id -WhatIf'; Touches = 'forwards' }
    @{ Id = 'W4'; Run = 'Get-SeekapaPortForward | Stop-SeekapaPortForward -WhatIf'; Touches = 'forwards' }
    @{ Id = 'W5'; Run = '$WhatIfPreference = $true; Start-SeekapaPortForward svc/redis-master "$($freePort):6379" -Namespace $ns'; Touches = 'forwards', 'k8s' }
    @{ Id = 'W6'; Run = 'Start-SeekapaIncident SEV3 ''what if in the cluster'' -Store $kstore -WhatIf'; Touches = 'configmaps', 'store', 'session' }
    @{ Id = 'W7'; Run = 'Add-SeekapaIncidentNote ''what if'' -Incident $kbase -Store $kstore -WhatIf'; Touches = 'configmaps', 'store' }
    @{ Id = 'W8'; Run = 'Set-SeekapaIncident $kbase -Status Identified -Store $kstore -WhatIf'; Touches = 'configmaps', 'store' }
    @{ Id = 'W9'; Run = 'Stop-SeekapaIncident -Incident $kbase -RootCause r -Resolution r -Store $kstore -WhatIf'; Touches = 'configmaps', 'store', 'session' }
    @{ Id = 'W10'; Run = 'Export-SeekapaPostmortem -Incident $kbase -Store $kstore -Path (Join-Path $scratch cluster.md) -WhatIf'; Touches = 'files', 'configmaps' }
    @{ Id = 'W11'; Run = '$WhatIfPreference = $true; Start-SeekapaIncident SEV3 ''what if in the cluster'' -Store $kstore'; Touches = 'configmaps', 'store', 'session' }

    # --- Other invocations of the same cmdlets
    @{ Id = 'W12'; Run = 'Export-SeekapaPostmortem -Incident $base -Path (Join-Path $scratch pm.md) -Force -WhatIf'; Touches = 'files', 'store' }
    @{ Id = 'W13'; Run = 'Invoke-SeekapaSqlScript -Sql ''DROP TABLE app.accounts; ALTER SYSTEM SET work_mem = ''''1MB'''''' -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = 'W14'; Run = 'Stop-SeekapaDatabaseQuery -Pid $sleeper -WhatIf'; Touches = 'pg', 'store' }
    @{ Id = 'W15'; Run = 'Restart-SeekapaWorkload postgres-read -Kind StatefulSet -Namespace $ns -WhatIf'; Touches = 'k8s', 'pods', 'store' }
    @{ Id = 'W16'; Run = 'Start-SeekapaIncident SEV4 ''what if'' -WhatIf'; Touches = 'store', 'session' }
    @{ Id = 'W17'; Run = '$WhatIfPreference = $true; Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName x-restored'; Touches = 'arm', 'store' }
)
