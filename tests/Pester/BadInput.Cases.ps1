# The bad-input corpus: every row is one bad input to one cmdlet, the ErrorId its FullyQualifiedErrorId must start with,
# and the state it could touch (compared before/after by BadInput.Tests.ps1). Rows are numbered as the security review
# of 2026-12-07 numbers them (1-122, E1-E27) where they come from it; N-rows are new inputs of the same kind. Variables:
# $ns, $kc (sandbox kubeconfig), $bad (folder of broken kubeconfigs), $api (a loopback listener that counts requests),
# $slackTok/$pdTok (SecureStrings), $redis/$redisPw, $pgHost/$pgPort/$pgCred, $scratch, $base (the baseline incident id).
# Touches: k8s (Deployments, StatefulSets, Secrets), pg (settings, auto.conf, tables, rows), redis (keyspace), arm (servers
# and parameters), store (incident files), files (scratch folder), requests (the listener), session (default connections);
# WhatIf.Cases.ps1 adds pods, configmaps and forwards.
@(
    # --- Cluster and pods
    @{ Id = '1'; Run = 'Get-SeekapaPodHealth -Kubeconfig /nonexistent/kc'; ErrorId = 'KubeconfigNotFound'; Touches = 'k8s' }
    @{ Id = '2'; Run = 'Get-SeekapaPodHealth -Kubeconfig /etc/hostname'; ErrorId = 'KubeconfigInvalid'; Touches = 'k8s' }
    @{ Id = '3'; Run = 'Get-SeekapaPodHealth -Kubeconfig $kc -Context nope'; ErrorId = 'ContextNotFound'; Touches = 'k8s' }
    @{ Id = '4'; Run = 'Get-SeekapaPodHealth -Namespace ''Bad_NS!'''; ErrorId = 'InvalidNamespace'; Touches = 'k8s' }
    @{ Id = '5'; Run = 'Get-SeekapaPodHealth -Namespace does-not-exist'; ErrorId = 'NamespaceNotFound'; Touches = 'k8s' }
    @{ Id = '6'; Run = 'Get-SeekapaPodHealth -Namespace $ns -Selector ''app in (a,'''; ErrorId = 'InvalidSelector'; Touches = 'k8s' }
    @{ Id = '7'; Run = 'Get-SeekapaPodHealth -Namespace $ns -Selector ''app=b=c,,'''; ErrorId = 'InvalidSelector'; Touches = 'k8s' }
    @{ Id = '8'; Run = 'Get-SeekapaPodHealth nonexistent-pod -Namespace $ns'; ErrorId = 'PodNotFound'; Touches = 'k8s' }
    @{ Id = 'N1'; Run = 'Connect-SeekapaCluster -Kubeconfig /nonexistent/kc'; ErrorId = 'KubeconfigNotFound'; Touches = 'k8s', 'session' }
    @{ Id = 'N2'; Run = 'Connect-SeekapaCluster -Kubeconfig $kc nope'; ErrorId = 'ContextNotFound'; Touches = 'session' }
    @{ Id = 'N3'; Run = 'Connect-SeekapaCluster -Kubeconfig $kc -Namespace ''Bad_NS!'''; ErrorId = 'InvalidNamespace'; Touches = 'session' }
    @{ Id = 'E1'; Run = 'Connect-SeekapaCluster -Kubeconfig (Join-Path $bad corrupt-key.yaml)'; ErrorId = 'KubeconfigInvalid'; Touches = 'session' }
    @{ Id = 'E1b'; Run = 'Connect-SeekapaCluster -Kubeconfig (Join-Path $bad corrupt-cert.yaml)'; ErrorId = 'KubeconfigInvalid'; Touches = 'session' }
    @{ Id = 'E3'; Run = 'Connect-SeekapaCluster -Kubeconfig (Join-Path $bad unterminated.yaml)'; ErrorId = 'KubeconfigInvalid'; Touches = 'session' }
    @{ Id = 'N4'; Run = 'Get-SeekapaPodHealth -Kubeconfig (Join-Path $bad empty.yaml)'; ErrorId = 'KubeconfigInvalid'; Touches = 'k8s' }
    @{ Id = 'N5'; Run = 'Get-SeekapaPodResourceUsage -Namespace ''UPPER'''; ErrorId = 'InvalidNamespace'; Touches = 'k8s' }
    @{ Id = 'N6'; Run = 'Get-SeekapaPodResourceUsage -Namespace $ns -Selector ''=x'''; ErrorId = 'InvalidSelector'; Touches = 'k8s' }
    @{ Id = 'N7'; Run = 'Get-SeekapaPodHealth -Namespace ('''' + ''a'' * 64)'; ErrorId = 'InvalidNamespace'; Touches = 'k8s' }

    # --- Workloads
    @{ Id = '9'; Run = 'Get-SeekapaDeployment nope-deploy -Namespace $ns'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s' }
    @{ Id = '10'; Run = 'Get-SeekapaRolloutHistory backend-deployment -Namespace $ns -Revision 999'; ErrorId = 'RevisionNotFound'; Touches = 'k8s' }
    @{ Id = '11'; Run = 'Invoke-SeekapaRollback backend-deployment -Namespace $ns -ToRevision 999 -Confirm:$false'; ErrorId = 'RevisionNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '12'; Run = 'Invoke-SeekapaRollback backend-deployment -Namespace $ns -ToRevision -1 -Confirm:$false'; ErrorId = 'RevisionNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '13'; Run = 'Invoke-SeekapaRollback nope-deploy -Namespace $ns -Confirm:$false'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '14'; Run = 'Set-SeekapaWorkloadScale backend-deployment -Namespace $ns -Replicas -1 -Confirm:$false'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'k8s', 'store' }
    @{ Id = '15'; Run = 'Set-SeekapaWorkloadScale nope-deploy -Namespace $ns -Replicas 3 -Confirm:$false'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '16'; Run = 'Set-SeekapaWorkloadScale backend-deployment -Namespace $ns -Replicas 3 -CurrentReplicas 42 -Confirm:$false'; ErrorId = 'ScalePreconditionFailed'; Touches = 'k8s', 'store' }
    @{ Id = '17'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -MemoryLimit 4Gx -Confirm:$false'; ErrorId = 'InvalidQuantity'; Touches = 'k8s', 'store' }
    @{ Id = '18'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -CpuLimit ''-1'' -Confirm:$false'; ErrorId = 'InvalidQuantity'; Touches = 'k8s', 'store' }
    @{ Id = '19'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -CpuRequest 4 -CpuLimit 1 -Confirm:$false'; ErrorId = 'InvalidRequest'; Touches = 'k8s', 'store' }
    @{ Id = '20'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -Container nomatch -CpuLimit 1 -Confirm:$false'; ErrorId = 'ContainerNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '21'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ ''A=B'' = ''x'' } -Confirm:$false'; ErrorId = 'InvalidEnvName'; Touches = 'k8s', 'store' }
    @{ Id = '22'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ ''A B'' = ''x'' } -Confirm:$false'; ErrorId = 'InvalidEnvName'; Touches = 'k8s', 'store' }
    @{ Id = '23'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ ''"},{"name":"INJ'' = ''x'' } -Confirm:$false'; ErrorId = 'InvalidEnvName'; Touches = 'k8s', 'store' }
    @{ Id = '24'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ X = (ConvertTo-SecureString x -AsPlainText -Force) } -Confirm:$false'; ErrorId = 'InvalidEnv'; Touches = 'k8s', 'store' }
    @{ Id = '25'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -FromSecret @{ X = ''../etc/key'' } -Confirm:$false'; ErrorId = 'InvalidEnv'; Touches = 'k8s', 'store' }
    @{ Id = '26'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ A = 1 } -Remove A -Confirm:$false'; ErrorId = 'InvalidEnv'; Touches = 'k8s', 'store' }
    @{ Id = '27'; Run = 'Remove-SeekapaPod ''Bad Name'' -Namespace $ns -Confirm:$false'; ErrorId = 'InvalidName'; Touches = 'k8s', 'store' }
    @{ Id = '28'; Run = 'Remove-SeekapaPod nonexistent-pod -Namespace $ns -Confirm:$false'; ErrorId = 'PodNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '29'; Run = 'Wait-SeekapaRollout backend-deployment -Namespace $ns -Timeout -5'; ErrorId = 'InvalidTimeout'; Touches = 'k8s' }
    @{ Id = '43'; Run = 'Restart-SeekapaWorkload backend-deployment -Namespace $ns -Kind StatefulSet -Confirm:$false'; ErrorId = 'StatefulSetNotFound'; Touches = 'k8s', 'store' }
    @{ Id = 'N8'; Run = 'Restart-SeekapaWorkload nope-deploy -Namespace $ns -Confirm:$false'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s', 'store' }
    @{ Id = 'N9'; Run = 'Restart-SeekapaWorkload ''Bad Name'' -Namespace $ns -Confirm:$false'; ErrorId = 'InvalidName'; Touches = 'k8s', 'store' }
    @{ Id = 'N10'; Run = 'Set-SeekapaContainerResource backend-deployment -Namespace $ns -MemoryRequest ''1.5.5Gi'' -Confirm:$false'; ErrorId = 'InvalidQuantity'; Touches = 'k8s', 'store' }
    @{ Id = 'N11'; Run = 'Set-SeekapaContainerEnv backend-deployment -Namespace $ns -Env @{ ''1ABC'' = ''x'' } -Confirm:$false'; ErrorId = 'InvalidEnvName'; Touches = 'k8s', 'store' }
    @{ Id = 'N12'; Run = 'Set-SeekapaWorkloadScale nope-sts -Kind StatefulSet -Namespace $ns -Replicas 2 -Confirm:$false'; ErrorId = 'StatefulSetNotFound'; Touches = 'k8s', 'store' }
    @{ Id = 'N13'; Run = 'Get-SeekapaRolloutHistory nope-deploy -Namespace $ns'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s' }
    @{ Id = 'N14'; Run = 'Get-SeekapaDeployment -Namespace ''Bad_NS!'''; ErrorId = 'InvalidNamespace'; Touches = 'k8s' }
    @{ Id = 'N15'; Run = 'Wait-SeekapaRollout nope-deploy -Namespace $ns -Timeout 3'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s' }
    @{ Id = 'N16'; Run = 'Invoke-SeekapaRollback ''Bad Name'' -Namespace $ns -Confirm:$false'; ErrorId = 'InvalidName'; Touches = 'k8s', 'store' }

    # --- Logs and events
    @{ Id = '31'; Run = 'Get-SeekapaPodLog -Namespace $ns -Deployment backend-deployment -Pattern ''(['''; ErrorId = 'InvalidPattern'; Touches = 'k8s' }
    @{ Id = '32'; Run = 'Get-SeekapaPodLog -Namespace $ns -Deployment backend-deployment -Tail -5'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'k8s' }
    @{ Id = '33'; Run = 'Get-SeekapaPodLog nonexistent-pod-xyz -Namespace $ns'; ErrorId = 'PodNotFound'; Touches = 'k8s' }
    @{ Id = '34'; Run = 'Get-SeekapaEvent -Namespace $ns -Since yesterday'; ErrorId = 'ParameterArgumentTransformationError'; Touches = 'k8s' }
    @{ Id = '35'; Run = 'Get-SeekapaEvent -Namespace $ns -For deployment/'; ErrorId = 'InvalidObjectReference'; Touches = 'k8s' }
    @{ Id = 'N17'; Run = 'Get-SeekapaPodLog -Namespace $ns -Deployment nope-deploy'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s' }
    @{ Id = 'N18'; Run = 'Get-SeekapaPodLog -Namespace $ns -Deployment backend-deployment -Pattern ''a{2,1}'''; ErrorId = 'InvalidPattern'; Touches = 'k8s' }
    @{ Id = 'N19'; Run = 'Get-SeekapaEvent -Namespace $ns -For ''pod'''; ErrorId = 'InvalidObjectReference'; Touches = 'k8s' }
    @{ Id = 'N20'; Run = 'Get-SeekapaRecentChange -Namespace $ns -Since forever'; ErrorId = 'ParameterArgumentTransformationError'; Touches = 'k8s' }
    @{ Id = 'N21'; Run = 'Get-SeekapaPodLog -Namespace $ns -Selector ''app in ('''; ErrorId = 'InvalidSelector'; Touches = 'k8s' }

    # --- Database endpoint in a Secret
    @{ Id = '36'; Run = 'Set-SeekapaDatabaseEndpoint ''evil.com;Password=x'' -Namespace $ns -Secret backend-db -Confirm:$false'; ErrorId = 'InvalidServer'; Touches = 'k8s', 'store' }
    @{ Id = '37'; Run = 'Set-SeekapaDatabaseEndpoint ''u@evil.com/db?sslmode=disable'' -Namespace $ns -Secret backend-db -Confirm:$false'; ErrorId = 'InvalidServer'; Touches = 'k8s', 'store' }
    @{ Id = '38'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret nope -Confirm:$false'; ErrorId = 'SecretNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '39'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Key NOPE -Confirm:$false'; ErrorId = 'SecretKeyNotFound'; Touches = 'k8s', 'store' }
    @{ Id = '40'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Key ''../x'' -Confirm:$false'; ErrorId = 'InvalidSecretKey'; Touches = 'k8s', 'store' }
    @{ Id = '41'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Database "a$([char]0)b" -Confirm:$false'; ErrorId = 'InvalidDatabase'; Touches = 'k8s', 'store' }
    @{ Id = '42'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Restart nope-deploy -Confirm:$false'; ErrorId = 'DeploymentNotFound'; Touches = 'k8s', 'store' }
    @{ Id = 'N22'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret backend-db -Port 70000 -Confirm:$false'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'k8s', 'store' }
    @{ Id = 'N23'; Run = 'Set-SeekapaDatabaseEndpoint ''db example.com'' -Namespace $ns -Secret backend-db -Confirm:$false'; ErrorId = 'InvalidServer'; Touches = 'k8s', 'store' }
    @{ Id = 'N24'; Run = 'Set-SeekapaDatabaseEndpoint db.example.com -Namespace $ns -Secret ''Bad Name'' -Confirm:$false'; ErrorId = 'InvalidName'; Touches = 'k8s', 'store' }

    # --- PostgreSQL
    @{ Id = '44'; Run = 'Connect-SeekapaDatabase 127.0.0.1 -Port 1 -Credential $pgCred -SslMode Disable'; ErrorId = 'DatabaseUnreachable'; Touches = 'pg', 'session' }
    @{ Id = '45'; Run = 'Connect-SeekapaDatabase 127.0.0.1 -Port $pgPort -Credential $pgWrong -SslMode Disable'; ErrorId = 'DatabaseAuthenticationFailed'; Touches = 'pg', 'session' }
    @{ Id = '46'; Run = 'Connect-SeekapaDatabase -ConnectionString ''Host=x;Bogus=1;Password=pw123456'''; ErrorId = 'InvalidConnectionString'; Touches = 'pg', 'session' }
    @{ Id = '47'; Run = 'Connect-SeekapaDatabase -ConnectionString ''postgresql://u:p%ZZ@h/db?foo=1'''; ErrorId = 'InvalidConnectionString'; Touches = 'pg', 'session' }
    @{ Id = '48'; Run = 'Connect-SeekapaDatabase remote.example.com -Credential $pgCred -SslMode Disable'; ErrorId = 'InsecureSslMode'; Touches = 'pg', 'session' }
    @{ Id = '49'; Run = 'Connect-SeekapaDatabase ''a;b'' -Credential $pgCred'; ErrorId = 'InvalidServer'; Touches = 'pg', 'session' }
    @{ Id = '50'; Run = 'Connect-SeekapaDatabase 127.0.0.1 -Port $pgPort -Credential $pgCred -SslMode Disable -Database nope_db'; ErrorId = 'DatabaseNotFound'; Touches = 'pg', 'session' }
    @{ Id = '51'; Run = 'Set-SeekapaDatabaseSetting "work_mem''; DROP TABLE app.accounts; --" 1MB -Confirm:$false'; ErrorId = 'SettingNotFound'; Touches = 'pg', 'store' }
    @{ Id = '52'; Run = 'Set-SeekapaDatabaseSetting work_mem "1MB''; DROP TABLE app.accounts; --" -Confirm:$false'; ErrorId = 'InvalidSettingValue'; Touches = 'pg', 'store' }
    @{ Id = '53'; Run = 'Set-SeekapaDatabaseSetting work_mem "1MB`n; ALTER SYSTEM SET fsync=off" -Confirm:$false'; ErrorId = 'InvalidSettingValue'; Touches = 'pg', 'store' }
    @{ Id = '54'; Run = 'Set-SeekapaDatabaseSetting work_mem 4Gx -Confirm:$false'; ErrorId = 'InvalidSettingValue'; Touches = 'pg', 'store' }
    @{ Id = '55'; Run = 'Set-SeekapaDatabaseSetting server_version 1 -Confirm:$false'; ErrorId = 'SettingReadOnly'; Touches = 'pg', 'store' }
    @{ Id = '56'; Run = 'Set-SeekapaDatabaseSetting no_such_setting 1 -Confirm:$false'; ErrorId = 'SettingNotFound'; Touches = 'pg', 'store' }
    @{ Id = '57'; Run = "Set-SeekapaDatabaseSetting '$([char]0x1E89)ork_mem' 1MB -Confirm:`$false"; ErrorId = 'SettingNotFound'; Touches = 'pg', 'store' }
    @{ Id = '58'; Run = 'Get-SeekapaTableSize -Schema "app''; DROP TABLE app.accounts; --"'; ErrorId = 'SchemaNotFound'; Touches = 'pg' }
    @{ Id = '59'; Run = 'Get-SeekapaTableSize -Top -1'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'pg' }
    @{ Id = '61'; Run = 'Stop-SeekapaDatabaseQuery -Confirm:$false'; ErrorId = 'NothingSelected'; Touches = 'pg', 'store' }
    @{ Id = '63'; Run = 'Stop-SeekapaDatabaseQuery -MinDuration forever -Confirm:$false'; ErrorId = 'ParameterArgumentTransformationError'; Touches = 'pg', 'store' }
    @{ Id = '64'; Run = 'Invoke-SeekapaSqlScript -Sql ''COMMIT; DROP TABLE app.accounts'' -Confirm:$false'; ErrorId = 'SqlScriptTransactionControl'; Touches = 'pg', 'store' }
    @{ Id = '65'; Run = 'Invoke-SeekapaSqlScript -Path /nonexistent.sql -Confirm:$false'; ErrorId = 'ScriptNotFound'; Touches = 'pg', 'store' }
    @{ Id = '67'; Run = 'Invoke-SeekapaSqlScript -Sql ''-- only a comment'' -Confirm:$false'; ErrorId = 'InvalidSqlScript'; Touches = 'pg', 'store' }
    @{ Id = '68'; Run = 'Invoke-SeekapaSqlScript -Sql ''SELECT 1'' -Timeout 0 -Confirm:$false'; ErrorId = 'InvalidTimeout'; Touches = 'pg', 'store' }
    @{ Id = '69'; Run = 'Get-SeekapaDatabaseActivity -MinDuration abc'; ErrorId = 'ParameterArgumentTransformationError'; Touches = 'pg' }
    @{ Id = 'E9'; Run = 'Invoke-SeekapaSqlScript -Sql "INSERT INTO app.accounts VALUES (900); /* c */ COMMIT; SELECT 1/0" -Confirm:$false'; ErrorId = 'SqlScriptTransactionControl'; Touches = 'pg', 'store' }
    @{ Id = 'E10'; Run = 'Invoke-SeekapaSqlScript -Sql "INSERT INTO app.accounts VALUES (901); -- c`n commit -- x`n; SELECT 1/0" -Confirm:$false'; ErrorId = 'SqlScriptTransactionControl'; Touches = 'pg', 'store' }
    @{ Id = 'E12'; Run = 'Invoke-SeekapaSqlScript -Sql "INSERT INTO app.accounts VALUES (902); PREPARE TRANSACTION ''p1''" -Confirm:$false'; ErrorId = 'SqlScriptTransactionControl'; Touches = 'pg', 'store' }
    @{ Id = 'N25'; Run = 'Invoke-SeekapaSqlScript -Sql ''SELECT 1; BEGIN; SELECT 2'' -Confirm:$false'; ErrorId = 'SqlScriptTransactionControl'; Touches = 'pg', 'store' }
    @{ Id = 'N26'; Run = 'Get-SeekapaTableSize -Schema no_such_schema'; ErrorId = 'SchemaNotFound'; Touches = 'pg' }
    @{ Id = 'N27'; Run = 'Connect-SeekapaDatabase -ConnectionString ''postgresql://h/db?sslmode=bogus'''; ErrorId = 'InvalidConnectionString'; Touches = 'pg', 'session' }
    @{ Id = 'N28'; Run = 'Stop-SeekapaDatabaseQuery -MinDuration 1s -State nope -Confirm:$false'; ErrorId = 'CannotConvertArgumentNoMessage'; Touches = 'pg', 'store' }

    # --- Redis
    @{ Id = '70'; Run = 'Get-SeekapaRedisStats 127.0.0.1:1 -Timeout 3'; ErrorId = 'RedisUnreachable'; Touches = 'redis' }
    @{ Id = '71'; Run = 'Get-SeekapaRedisStats "redis://:WrongRedisPw@$redis"'; ErrorId = 'RedisAuthenticationFailed'; Touches = 'redis' }
    @{ Id = '72'; Run = 'Get-SeekapaRedisStats $redis'; ErrorId = 'RedisAuthenticationFailed'; Touches = 'redis' }
    @{ Id = '73'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -Database 99 -Confirm:$false'; ErrorId = 'RedisDatabaseNotFound'; Touches = 'redis', 'store' }
    @{ Id = '74'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -Confirm:$false'; ErrorId = 'DatabaseNotSpecified'; Touches = 'redis', 'store' }
    @{ Id = '75'; Run = 'Clear-SeekapaRedisCache 127.0.0.1:99999 -Database 1 -Confirm:$false'; ErrorId = 'InvalidEndpoint'; Touches = 'redis', 'store' }
    @{ Id = '76'; Run = 'Clear-SeekapaRedisCache "redis://$redis/3" -Password $redisPw -Database 1 -Confirm:$false'; ErrorId = 'InvalidParameterCombination'; Touches = 'redis', 'store' }
    @{ Id = '77'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -Database 1 -Timeout 0 -Confirm:$false'; ErrorId = 'InvalidTimeout'; Touches = 'redis', 'store' }
    @{ Id = '78'; Run = 'Clear-SeekapaRedisCache $redis -Password $redisPw -Tls -CaCertificatePath /nonexistent.pem -Database 1 -Confirm:$false'; ErrorId = 'CaCertificateNotFound'; Touches = 'redis', 'store' }
    @{ Id = 'N29'; Run = 'Get-SeekapaRedisStats ''redis://[::1'''; ErrorId = 'InvalidEndpoint'; Touches = 'redis' }
    @{ Id = 'N30'; Run = 'Get-SeekapaRedisStats ''http://127.0.0.1:6379'''; ErrorId = 'InvalidEndpoint'; Touches = 'redis' }

    # --- Prometheus
    @{ Id = '80'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint http://127.0.0.1:1/ -Timeout 3'; ErrorId = 'PrometheusUnreachable'; Touches = 'requests' }
    @{ Id = '81'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint ftp://127.0.0.1/'; ErrorId = 'InvalidEndpoint'; Touches = 'requests' }
    @{ Id = '82'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint $api -Since 1h -Step 0'; ErrorId = 'InvalidStep'; Touches = 'requests' }
    @{ Id = '83'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint $api -Start (Get-Date) -End (Get-Date).AddDays(-1)'; ErrorId = 'InvalidTimeRange'; Touches = 'requests' }
    @{ Id = '84'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint $api'; ErrorId = 'PrometheusRequestFailed'; Touches = 'store' }
    @{ Id = '85'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint ($api -replace ''//'', ''//u:pw@'') -BearerToken $slackTok'; ErrorId = 'InvalidParameterCombination'; Touches = 'requests' }
    @{ Id = 'N31'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint http://prometheus.example.com:9090/ -BearerToken $slackTok'; ErrorId = 'InsecureTransport'; Touches = 'requests' }
    @{ Id = 'N32'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint http://prometheus.example.com:9090/ -Credential $pgCred'; ErrorId = 'InsecureTransport'; Touches = 'requests' }
    @{ Id = 'N33'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint http://u:pw@10.20.30.40:9090/'; ErrorId = 'InsecureTransport'; Touches = 'requests' }
    @{ Id = 'N34'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint $api -BearerToken $crlfTok'; ErrorId = 'InvalidHeaderValue'; Touches = 'requests' }
    @{ Id = 'N35'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint relative/path'; ErrorId = 'InvalidEndpoint'; Touches = 'requests' }
    @{ Id = 'N36'; Run = 'Invoke-SeekapaPrometheusQuery up -Endpoint $api -Timeout 0'; ErrorId = 'InvalidTimeout'; Touches = 'requests' }
    @{ Id = 'N37'; Run = 'Invoke-SeekapaTriage -Namespace $ns -Check Prometheus -PrometheusUrl http://u:pw@10.20.30.40:9090/'; ErrorId = 'InsecureTransport'; Touches = 'requests', 'k8s' }

    # --- Azure (the sandbox's fake Resource Manager)
    @{ Id = '86'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime not-a-date -TargetServerName x-restored -Confirm:$false'; ErrorId = 'CannotConvertArgumentNoMessage'; Touches = 'arm', 'store' }
    @{ Id = '87'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddDays(1) -TargetServerName x-restored -Confirm:$false'; ErrorId = 'RestorePointOutsideWindow'; Touches = 'arm', 'store' }
    @{ Id = '88'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime ''1999-01-01'' -TargetServerName x-restored -Confirm:$false'; ErrorId = 'RestorePointOutsideWindow'; Touches = 'arm', 'store' }
    @{ Id = '89'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName ''Bad_Name!'' -Confirm:$false'; ErrorId = 'InvalidServerName'; Touches = 'arm', 'store' }
    @{ Id = '90'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName nope-server -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName x-restored -Confirm:$false'; ErrorId = 'SourceServerNotFound'; Touches = 'arm', 'store' }
    @{ Id = '91'; Run = 'Restore-SeekapaDatabase -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName seekapa-postgres -Confirm:$false'; ErrorId = 'TargetServerExists'; Touches = 'arm', 'store' }
    @{ Id = '92'; Run = 'Restore-SeekapaDatabase -ResourceGroupName ''../../providers'' -ServerName seekapa-postgres -RestorePointInTime (Get-Date).AddHours(-1) -TargetServerName x-restored -Confirm:$false'; ErrorId = 'InvalidResourceGroupName'; Touches = 'arm', 'store' }
    @{ Id = '93'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -Name nope_param -Value 1 -Confirm:$false'; ErrorId = 'ParameterNotFound'; Touches = 'arm', 'store' }
    @{ Id = '94'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -Name work_mem -Value abc -Confirm:$false'; ErrorId = 'InvalidParameterValue'; Touches = 'arm', 'store' }
    @{ Id = '95'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName seekapa-postgres -Name work_mem -Value 1 -Confirm:$false'; ErrorId = 'InvalidParameterValue'; Touches = 'arm', 'store' }
    @{ Id = '96'; Run = 'Connect-SeekapaAzure -ResourceManagerUrl ($armUrl -replace ''^https'', ''http'') -AccessToken $env:SEEKAPA_TEST_ARM_TOKEN'; ErrorId = 'AzureEndpointInvalid'; Touches = 'arm', 'session' }
    @{ Id = '97'; Run = 'Connect-SeekapaAzure -ResourceManagerUrl $armUrl -AccessToken not-the-token'; ErrorId = 'AzureAuthenticationFailed'; Touches = 'arm', 'session' }
    @{ Id = '98'; Run = 'Get-SeekapaAzureMetric -PostgresServer seekapa-postgres -ResourceGroupName seekapa-rg -Metric nope_metric -Since 10m'; ErrorId = 'MetricUnavailable'; Touches = 'arm' }
    @{ Id = 'E21'; Run = 'Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -Admin'; ErrorId = 'LocalAccountsDisabled'; Touches = 'arm', 'session' }
    @{ Id = 'E6'; Run = 'Connect-SeekapaCluster -Kubeconfig (Join-Path $bad http-token.yaml)'; ErrorId = 'InsecureTransport'; Touches = 'session', 'requests' }
    @{ Id = 'E6b'; Run = 'Get-SeekapaPodHealth -Kubeconfig (Join-Path $bad http-token.yaml) -AllNamespaces'; ErrorId = 'InsecureTransport'; Touches = 'requests' }
    @{ Id = 'E6c'; Run = 'Connect-SeekapaCluster -Kubeconfig (Join-Path $bad http-token.yaml) -AllowInsecureTransport -WarningAction SilentlyContinue'; ErrorId = 'NotKubernetesApi'; Touches = 'session' }
    @{ Id = 'N38'; Run = 'Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod'; ErrorId = 'AksTokenRequired'; Touches = 'arm', 'session' }
    @{ Id = 'N39'; Run = 'Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-prod -AccessToken $armJwt'; ErrorId = 'AksTokenAudienceInvalid'; Touches = 'arm', 'session' }
    @{ Id = 'N40'; Run = 'Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName seekapa-aks-staging -AccessToken $env:SEEKAPA_TEST_ARM_TOKEN'; ErrorId = 'InvalidParameterCombination'; Touches = 'arm', 'session' }
    @{ Id = 'N41'; Run = 'Connect-SeekapaCluster -ResourceGroupName seekapa-rg -ClusterName nope-aks'; ErrorId = 'AksClusterNotFound'; Touches = 'arm', 'session' }
    @{ Id = 'N42'; Run = 'Connect-SeekapaAzure -ResourceManagerUrl $armUrl -AccessToken "tok`r`nX-Injected: 1"'; ErrorId = 'InvalidHeaderValue'; Touches = 'arm', 'session' }
    @{ Id = 'N43'; Run = 'Get-SeekapaAksCluster -ResourceGroupName ''../x'''; ErrorId = 'InvalidResourceGroupName'; Touches = 'arm' }
    @{ Id = 'N44'; Run = 'Connect-SeekapaAzure -Environment NoSuchCloud -AccessToken x'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'session' }
    @{ Id = 'N45'; Run = 'Set-SeekapaAzureDatabaseParameter -ResourceGroupName seekapa-rg -ServerName nope-server -Name work_mem -Value 8192 -Confirm:$false'; ErrorId = 'DatabaseServerNotFound'; Touches = 'arm', 'store' }

    # --- Incidents
    @{ Id = '100'; Run = 'Get-SeekapaIncident -Id ''../../etc/passwd'''; ErrorId = 'InvalidIncidentId'; Touches = 'store' }
    @{ Id = '101'; Run = 'Add-SeekapaIncidentNote x -Incident ''../../../tmp'''; ErrorId = 'InvalidIncidentId'; Touches = 'store' }
    @{ Id = '102'; Run = 'Add-SeekapaIncidentNote x -Incident sev-3-nonexistent'; ErrorId = 'IncidentNotFound'; Touches = 'store' }
    @{ Id = '103'; Run = 'Start-SeekapaIncident SEV9 title'; ErrorId = 'PositionalParameterNotFound'; Touches = 'store', 'session' }
    @{ Id = '104'; Run = 'Start-SeekapaIncident SEV4 (''t'' * 200000)'; ErrorId = 'TitleTooLong'; Touches = 'store', 'session' }
    @{ Id = '106'; Run = 'Start-SeekapaIncident SEV4 x -SlackChannelName ''Bad Name'' -SlackToken $slackTok'; ErrorId = 'SlackChannelNameInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = '107'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId ''../../users'' -PagerDutyToken $pdTok'; ErrorId = 'PagerDutyIncidentIdInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = '108'; Run = 'Start-SeekapaIncident SEV4 x -SlackChannel'; ErrorId = 'SlackTokenMissing'; Touches = 'store', 'session', 'requests' }
    @{ Id = '109'; Run = 'Set-SeekapaIncident $base -Status Resolved'; ErrorId = 'IncidentTransitionInvalid'; Touches = 'store' }
    @{ Id = '110'; Run = 'Set-SeekapaIncident -Incident @{ a = 1 } -Lead x'; ErrorId = 'InvalidIncidentId'; Touches = 'store' }
    @{ Id = '111'; Run = 'Export-SeekapaPostmortem -Incident $base -Path $scratch -Force'; ErrorId = 'PostmortemPathInvalid'; Touches = 'files', 'store' }
    @{ Id = '112'; Run = 'Export-SeekapaPostmortem -Incident $base -Path /proc/nope/x.md -Force'; ErrorId = 'PostmortemWriteFailed'; Touches = 'files', 'store' }
    @{ Id = '113'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl ''file:///etc/'''; ErrorId = 'SlackApiUrlInvalid'; Touches = 'requests', 'store' }
    @{ Id = '114'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl ''relative/path'''; ErrorId = 'SlackApiUrlInvalid'; Touches = 'requests', 'store' }
    @{ Id = '116'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdTok -PagerDutyApiUrl $api -PagerDutyFrom "a@b.c`r`nX-Injected: 1"'; ErrorId = 'PagerDutyFromInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = '117'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause r -Resolution r -PagerDutyToken $pdTok -PagerDutyApiUrl $api -PagerDutyFrom "a@b.c`r`nX-Injected: 1"'; ErrorId = 'PagerDutyFromInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'E7'; Run = 'Start-SeekapaIncident SEV4 x -SlackChannel -SlackToken $slackTok -SlackApiUrl ftp://127.0.0.1/api/'; ErrorId = 'SlackApiUrlInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'E8'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1 -PagerDutyToken $pdTok -PagerDutyApiUrl relative/x'; ErrorId = 'PagerDutyApiUrlInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'E19'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdTok -PagerDutyApiUrl $api -PagerDutyFrom "a@b.c`r`nContent-Length: 0`r`n`r`nDELETE /api/incidents/SMUGGLED HTTP/1.1`r`nHost: x`r`nX-Pad: "'; ErrorId = 'PagerDutyFromInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'E20'; Run = '$env:PAGERDUTY_FROM = "ops@x.com`r`nX-From-Env: 1"; try { Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1SMUG -PagerDutyToken $pdTok -PagerDutyApiUrl $api } finally { $env:PAGERDUTY_FROM = $null }'; ErrorId = 'PagerDutyFromInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'E14'; Run = 'Add-SeekapaIncidentNote x -Incident $empty'; ErrorId = 'IncidentStoreCorrupt'; Touches = 'store' }
    @{ Id = 'E15'; Run = 'Get-SeekapaIncident -Id $truncated'; ErrorId = 'IncidentStoreCorrupt'; Touches = 'store' }
    @{ Id = 'E16'; Run = 'Get-SeekapaIncident -Id $empty'; ErrorId = 'IncidentStoreCorrupt'; Touches = 'store' }
    @{ Id = 'E17'; Run = 'Stop-SeekapaIncident -Incident $truncated -RootCause r -Resolution r'; ErrorId = 'IncidentStoreCorrupt'; Touches = 'store', 'session' }
    @{ Id = 'N46'; Run = 'Start-SeekapaIncident SEV4 x -SlackChannel -SlackToken $slackTok -SlackApiUrl http://slack.example.com/api/'; ErrorId = 'InsecureTransport'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N47'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1 -PagerDutyToken $pdTok -PagerDutyApiUrl http://10.20.30.40/'; ErrorId = 'InsecureTransport'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N48'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl http://slack.example.com/api/'; ErrorId = 'InsecureTransport'; Touches = 'requests', 'store' }
    @{ Id = 'N49'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause r -Resolution r -SlackToken $slackTok -SlackApiUrl http://slack.example.com/api/'; ErrorId = 'InsecureTransport'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N50'; Run = 'Set-SeekapaIncident $base -Lead bob -SlackToken $slackTok -SlackApiUrl ftp://x/'; ErrorId = 'SlackApiUrlInvalid'; Touches = 'store', 'requests' }
    @{ Id = 'N51'; Run = 'Add-SeekapaIncidentNote (''n'' * 4001) -Incident $base'; ErrorId = 'TextTooLong'; Touches = 'store' }
    @{ Id = 'N52'; Run = 'Set-SeekapaIncident $base -Impact (''i'' * 4001)'; ErrorId = 'TextTooLong'; Touches = 'store' }
    @{ Id = 'N53'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause (''r'' * 4001) -Resolution r'; ErrorId = 'TextTooLong'; Touches = 'store', 'session' }
    @{ Id = 'N54'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause r -Resolution (''r'' * 4001)'; ErrorId = 'TextTooLong'; Touches = 'store', 'session' }
    @{ Id = 'N55'; Run = 'Stop-SeekapaIncident -Incident $base -RootCause r -Resolution r -FollowUp a, (''f'' * 4001)'; ErrorId = 'TextTooLong'; Touches = 'store', 'session' }
    @{ Id = 'N56'; Run = 'Send-SeekapaIncidentMessage -Text (''m'' * 4001) -Channel ''#ops'' -SlackToken $slackTok -SlackApiUrl $api'; ErrorId = 'TextTooLong'; Touches = 'requests', 'store' }
    @{ Id = 'N57'; Run = 'Format-SeekapaIncidentMessage Update -Incident $base -NextStep (''s'' * 4001)'; ErrorId = 'TextTooLong'; Touches = 'store' }
    @{ Id = 'N58'; Run = 'Start-SeekapaIncident SEV4 x -Impact (''i'' * 4001)'; ErrorId = 'TextTooLong'; Touches = 'store', 'session' }
    @{ Id = 'N59'; Run = 'Start-SeekapaIncident SEV4 "$([char]0x202E)$([char]0x200F)`r`n"'; ErrorId = 'InvalidTitle'; Touches = 'store', 'session' }
    @{ Id = 'N60'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1 -PagerDutyToken $pdTok -PagerDutyFrom ''not-an-address'''; ErrorId = 'PagerDutyFromInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N61'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1'; ErrorId = 'PagerDutyTokenMissing'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N62'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'' -SlackToken $crlfTok -SlackApiUrl $api'; ErrorId = 'InvalidHeaderValue'; Touches = 'requests', 'store' }
    @{ Id = 'N63'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1 -PagerDutyToken $crlfTok -PagerDutyApiUrl $api'; ErrorId = 'InvalidHeaderValue'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N64'; Run = 'Export-SeekapaPostmortem -Incident $base -Path (Join-Path $scratch pm.md)'; ErrorId = 'PostmortemFileExists'; Touches = 'files', 'store' }
    @{ Id = 'N65'; Run = 'Export-SeekapaPostmortem -Incident $base -Path (Join-Path $blocked pm.md) -Force'; ErrorId = 'PostmortemWriteFailed'; Touches = 'files', 'store' }
    @{ Id = 'N66'; Run = 'Export-SeekapaPostmortem -Incident sev-3-nonexistent -Path (Join-Path $scratch n.md)'; ErrorId = 'IncidentNotFound'; Touches = 'files', 'store' }
    @{ Id = 'N67'; Run = 'Set-SeekapaIncident $base -Severity SEV7'; ErrorId = 'CannotConvertArgumentNoMessage'; Touches = 'store' }
    @{ Id = 'N68'; Run = 'Set-SeekapaIncident $base -Status Sleeping'; ErrorId = 'CannotConvertArgumentNoMessage'; Touches = 'store' }
    @{ Id = 'N69'; Run = 'Stop-SeekapaIncident -Incident $resolved -RootCause r -Resolution r'; ErrorId = 'IncidentAlreadyResolved'; Touches = 'store', 'session' }
    @{ Id = 'N70'; Run = 'Set-SeekapaIncident $resolved -Status Identified'; ErrorId = 'IncidentAlreadyResolved'; Touches = 'store' }
    @{ Id = 'N71'; Run = 'Get-SeekapaSeverityPolicy -Path /nonexistent/policy.json'; ErrorId = 'SeverityPolicyNotFound'; Touches = 'store' }
    @{ Id = 'N72'; Run = 'Send-SeekapaIncidentMessage -Text hi -Channel ''#ops'''; ErrorId = 'SlackTokenMissing'; Touches = 'requests', 'store' }
    @{ Id = 'N73'; Run = 'Start-SeekapaIncident SEV4 x -PagerDutyIncidentId Q1 -PagerDutyToken $pdTok -PagerDutyApiUrl ftp://127.0.0.1/'; ErrorId = 'PagerDutyApiUrlInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N74'; Run = 'Start-SeekapaIncident SEV4 x -SlackChannel -SlackToken $slackTok -SlackApiUrl ''relative/path'''; ErrorId = 'SlackApiUrlInvalid'; Touches = 'store', 'session', 'requests' }
    @{ Id = 'N75'; Run = 'Start-SeekapaIncident SEV4 x -SlackApiUrl ''http://u:p@127.0.0.1/api/'''; ErrorId = 'SlackApiUrlInvalid'; Touches = 'store', 'session', 'requests' }

    # --- Endpoints
    @{ Id = '119'; Run = 'Test-SeekapaEndpoint ftp://127.0.0.1/'; ErrorId = 'InvalidUri'; Touches = 'requests' }
    @{ Id = '120'; Run = 'Test-SeekapaEndpoint $api -BodyPattern ''('''; ErrorId = 'InvalidPattern'; Touches = 'requests' }
    @{ Id = '121'; Run = 'Test-SeekapaEndpoint $api -Timeout 0'; ErrorId = 'InvalidTimeout'; Touches = 'requests' }
    @{ Id = 'N76'; Run = 'Test-SeekapaEndpoint $api -Header @{ ''X-Api-Key'' = "k`r`nX-Injected: 1" }'; ErrorId = 'InvalidHeaderValue'; Touches = 'requests' }
    @{ Id = 'N77'; Run = 'Test-SeekapaEndpoint $api -Header @{ "X-Key: 1`r`nX" = ''v'' }'; ErrorId = 'InvalidHeaderName'; Touches = 'requests' }
    @{ Id = 'N78'; Run = 'Test-SeekapaEndpoint $api -Method HEAD -BodyPattern ok'; ErrorId = 'InvalidParameterCombination'; Touches = 'requests' }
    @{ Id = 'N79'; Run = 'Test-SeekapaEndpoint $api -ExpectedStatus 700'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'requests' }
    @{ Id = 'N80'; Run = 'Test-SeekapaEndpoint relative/path'; ErrorId = 'InvalidUri'; Touches = 'requests' }
    @{ Id = 'N81'; Run = 'Test-SeekapaEndpoint $api -Method POST'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'requests' }
    @{ Id = 'N82'; Run = 'Test-SeekapaEndpoint $api -ThrottleLimit 0'; ErrorId = 'ParameterArgumentValidationError'; Touches = 'requests' }
    @{ Id = 'N83'; Run = 'Invoke-SeekapaTriage -Namespace $ns -Check Endpoints -Endpoint ftp://x/'; ErrorId = 'InvalidUri'; Touches = 'requests', 'k8s' }
)
