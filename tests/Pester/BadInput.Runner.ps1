# Runs the bad-input corpus (BadInput.Cases.ps1) in a fresh pwsh started by BadInput.Tests.ps1 (so that SSL_CERT_FILE,
# which trusts the sandbox's CA, is read at start-up). For every case: a snapshot of the state the case could touch, the
# case with $ErrorActionPreference = 'Stop' (so the first error, terminating or not, is the one recorded), the snapshot
# again. Writes one JSON object per case to $env:SEEKAPA_CORPUS_RESULTS. The -WhatIf sweep (WhatIf.Cases.ps1) runs the
# same way after the corpus; each case's host output (where "What if:" goes) is framed on stdout by <<case Id>> and
# <</case Id>> lines for BadInput.Tests.ps1 to read. (A transcript per case is written asynchronously: it came back empty.)
$ErrorActionPreference = 'Stop'
$config = $env:SEEKAPA_CORPUS | ConvertFrom-Json
Import-Module $config.ModulePath
Import-Module (Join-Path $config.Root 'tools/Redis.psm1')

# A loopback HTTP/1.1 server that answers every request with a small JSON document and counts what it received.
Add-Type -TypeDefinition @'
using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
public static class CorpusListener
{
    private static int _count;
    private static TcpListener _listener;
    public static int Count { get { return Volatile.Read(ref _count); } }
    public static int Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        new Thread(Accept) { IsBackground = true }.Start();
        return ((IPEndPoint)_listener.LocalEndpoint).Port;
    }
    private static void Accept()
    {
        while (true)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); } catch { return; }
            new Thread(() => Serve(client)) { IsBackground = true }.Start();
        }
    }
    private static void Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n") && stream.Read(one, 0, 1) == 1) { head.Append((char)one[0]); }
                if (head.Length == 0) { return; }
                var length = 0;
                foreach (var line in head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.None))
                {
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) { length = int.Parse(line.Substring(15).Trim()); }
                }
                var body = new byte[length];
                var read = 0;
                while (read < length) { var n = stream.Read(body, read, length - read); if (n == 0) { break; } read += n; }
                Interlocked.Increment(ref _count);
                var payload = Encoding.UTF8.GetBytes("{\"ok\":true,\"channel\":\"C0FAKE\",\"ts\":\"1700000000.000100\"}");
                var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + payload.Length + "\r\n\r\n");
                stream.Write(answer, 0, answer.Length);
                stream.Write(payload, 0, payload.Length);
            }
            catch (Exception) { }
        }
    }
}
'@
$port = [CorpusListener]::Start()

function Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }
$ns = 'seekapa-production'
$kc = $config.Kubeconfig
$bad = $config.BadKubeconfigs
$scratch = $config.Scratch
$blocked = Join-Path $scratch 'blocked'
$api = "http://127.0.0.1:$port/api/"
# A kubeconfig whose server is that plain-http listener (not a Kubernetes API), with a bearer token: review row E6.
Set-Content (Join-Path $bad 'http-token.yaml') @"
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: http://127.0.0.1:$port
  name: plain
contexts:
- context:
    cluster: plain
    user: oncall
  name: plain-ctx
current-context: plain-ctx
users:
- name: oncall
  user:
    token: corpus-plain-http-token-0042
"@
$armUrl = $config.ArmUrl
$redis = $config.Redis
$redisPw = Secure $config.RedisPassword
$pgPort = $config.PgPort
$pgCred = [pscredential]::new('postgres', (Secure $config.PgPassword))
$pgWrong = [pscredential]::new('postgres', (Secure 'wrong-password'))
$slackTok = Secure 'xoxb-corpus-0000-SECRET'
$pdTok = Secure 'pd-corpus-SECRET'
$crlfTok = Secure "tok-SECRET`r`nX-Injected: 1"
$armJwt = & {
    function Part([string] $Json) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Json)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    "$(Part '{"alg":"none","typ":"JWT"}').$(Part '{"aud":"https://management.azure.com/","tid":"t","upn":"a@b.c"}').c2ln"
}

# The session every case starts from: a cluster, a database, Azure, and an active incident; one resolved incident, and two
# corrupt incident files.
$null = Connect-SeekapaCluster -Kubeconfig $kc -Namespace $ns
$null = Connect-SeekapaDatabase 127.0.0.1 -Port $pgPort -Credential $pgCred -SslMode Disable -Database corpus
$null = Connect-SeekapaAzure -ResourceManagerUrl $armUrl -AccessToken $env:SEEKAPA_TEST_ARM_TOKEN -WarningAction SilentlyContinue
# Before the folder store's incidents, so that the session's active incident stays the folder store's $base.
$kstore = "kubernetes://$ns"
$kbase = (Start-SeekapaIncident SEV3 'whatif cluster baseline' -Store $kstore).Id
$resolved = (Start-SeekapaIncident SEV4 'corpus resolved').Id
$null = Stop-SeekapaIncident -Incident $resolved -RootCause 'r' -Resolution 'r'
$base = (Start-SeekapaIncident SEV3 'corpus baseline incident').Id
$empty = 'sev-3-20240101-corpus-empty'
$truncated = 'sev-3-20240101-corpus-truncated'
$store = $env:SEEKAPA_INCIDENT_PATH
Set-Content -Path (Join-Path $store "$empty.json") -Value '' -NoNewline
Set-Content -Path (Join-Path $store "$truncated.json") -Value ((Get-Content (Join-Path $store "$base.json") -Raw).Substring(0, 200)) -NoNewline
Export-SeekapaPostmortem -Incident $base -Path (Join-Path $scratch 'pm.md')
Set-Content -Path $blocked -Value 'a file where a folder should be'

# For the -WhatIf sweep: a live pg_sleep(900) session (whose PID the pg snapshot holds), a running port-forward, a loopback
# port nothing listens on, and an active incident in the store kept in the cluster (ConfigMaps in $ns).
$psql = Join-Path $config.PgBin 'psql'
$pgUri = "host=127.0.0.1 port=$pgPort user=postgres password=$($config.PgPassword) dbname=corpus"
$sleeperProcess = Start-Process $psql -ArgumentList "`"$pgUri application_name=whatif-sleeper`"", '-Atc', '"SELECT pg_sleep(900)"' -PassThru -RedirectStandardOutput (Join-Path $bad 'sleeper.out')
$sleeper = $null
foreach ($i in 1..100) {
    $sleeper = & $psql $pgUri -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = 'whatif-sleeper' AND query LIKE '%pg_sleep(900)%' AND now() - query_start > interval '1.5 seconds'"
    if ($sleeper) { break }
    Start-Sleep -Milliseconds 200
}
if (-not $sleeper) { throw 'The pg_sleep(900) session did not start.' }
$sleeper = [int]$sleeper
$pod = (& kubectl --kubeconfig $kc get pods -n $ns -o jsonpath='{.items[0].metadata.name}')
$fwd = Start-SeekapaPortForward svc/redis-master :6379 -Namespace $ns
$freePort = & { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $l.LocalEndpoint.Port; $l.Stop() }
# Whether something listens on a loopback port, by trying to bind it: connecting instead would open a tunnel through a
# running forward (slow, and not what is asked).
function Test-Listening([int] $Port) {
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $Port)
    try { $probe.Start(); 'closed' } catch { 'listening' } finally { $probe.Stop() }
}

$stateType = (Get-Command Start-SeekapaIncident).ImplementingType.Assembly.GetType('Seekapa.Ops.PowerShell.Infrastructure.RunspaceState')
$armHeaders = @{ Authorization = "Bearer $env:SEEKAPA_TEST_ARM_TOKEN" }
$armServers = "$($armUrl.TrimEnd('/'))/subscriptions/$($config.Subscription)/resourceGroups/seekapa-rg/providers/Microsoft.DBforPostgreSQL/flexibleServers"

function Get-State([string[]] $Touches) {
    $state = [ordered]@{}
    # k8s: Deployments, StatefulSets, Secrets; pods and configmaps (the cluster incident store) only where asked, as they
    # make the snapshot slower. One kubectl call for all of them.
    $kinds = [ordered]@{ k8s = 'Deployment', 'StatefulSet', 'Secret'; pods = @('Pod'); configmaps = @('ConfigMap') }
    $wanted = @($kinds.Keys | Where-Object { $_ -in $Touches })
    if ($wanted) {
        $objects = (& kubectl --kubeconfig $kc get (($wanted | ForEach-Object { $kinds[$_] | ForEach-Object { $_.ToLowerInvariant() + 's' } }) -join ',') -n $ns -o json) | ConvertFrom-Json -Depth 50
        foreach ($key in $wanted) {
            $state[$key] = ($objects.items | Where-Object kind -in $kinds[$key] | ForEach-Object {
                "$($_.kind)/$($_.metadata.name) uid=$($_.metadata.uid) gen=$($_.metadata.generation) spec=$($_.spec | ConvertTo-Json -Depth 30 -Compress) data=$($_.data | ConvertTo-Json -Compress)"
            }) -join "`n"
        }
    }
    switch ($Touches) {
        'pg' {
            $state.pg = (& $psql $pgUri -Atc "SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings WHERE name NOT IN ('transaction_read_only')" -c 'SELECT count(*) FROM app.accounts' -c "SELECT coalesce(string_agg(pid::text, ','), 'no sleeper') FROM pg_stat_activity WHERE query LIKE '%pg_sleep(900)%' AND pid <> pg_backend_pid()" -c "SELECT string_agg(table_schema || '.' || table_name, ',' ORDER BY 1) FROM information_schema.tables WHERE table_schema = 'app'") -join "`n"
            $state.pgAuto = Get-Content (Join-Path $config.PgData 'postgresql.auto.conf') -Raw
        }
        'redis' { $state.redis = (Invoke-TestRedisCli ([pscustomobject]@{ Port = $config.RedisPort; Password = $config.RedisPassword }) -Database 0 INFO keyspace) -join "`n" }
        'arm' {
            $servers = Invoke-RestMethod "$($armServers)?api-version=2024-08-01" -Headers $armHeaders
            $workMem = Invoke-RestMethod "$armServers/seekapa-postgres/configurations/work_mem?api-version=2024-08-01" -Headers $armHeaders
            $maxConnections = Invoke-RestMethod "$armServers/seekapa-postgres/configurations/max_connections?api-version=2024-08-01" -Headers $armHeaders
            $state.arm = "$(($servers.value | ForEach-Object { "$($_.name):$($_.properties.state)" }) -join ',') work_mem=$($workMem.properties.value) max_connections=$($maxConnections.properties.value)"
        }
        'store' {
            $state.store = (Get-ChildItem $store -File | Where-Object Extension -ne '.lock' | Sort-Object Name |
                ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName).Hash)" }) -join "`n"
        }
        'files' {
            $state.files = (Get-ChildItem $scratch -Recurse -Force | Sort-Object FullName |
                ForEach-Object { "$($_.FullName) $(if (-not $_.PSIsContainer) { (Get-FileHash $_.FullName).Hash })" }) -join "`n"
        }
        'forwards' {
            $state.forwards = "$((Get-SeekapaPortForward | ForEach-Object { "$($_.Id) $($_.Endpoint) $(Test-Listening $_.LocalPort)" }) -join ',') free=$(Test-Listening $freePort)"
        }
        'requests' { $state.requests = [CorpusListener]::Count }
        'session' {
            $s = $stateType.GetProperty('Current').GetValue($null)
            $state.session = "cluster=$($s.DefaultCluster.Context)/$($s.DefaultCluster.Namespace) db=$($s.DefaultDatabase.Host):$($s.DefaultDatabase.Port)/$($s.DefaultDatabase.Database) azure=$($s.DefaultAzure.SubscriptionId) active=$($s.ActiveIncident.Id)"
        }
    }
    $state
}

$cases = @(. (Join-Path $PSScriptRoot 'BadInput.Cases.ps1')) + @(. (Join-Path $PSScriptRoot 'WhatIf.Cases.ps1') | ForEach-Object { $_.Id = "WhatIf-$($_.Id)"; $_ })
$results = foreach ($case in $cases) {
    $touches = @($case.Touches)
    $before = Get-State $touches
    $record = $null
    $Host.UI.WriteLine("<<case $($case.Id)>>")
    try {
        & {
            $ErrorActionPreference = 'Stop'
            $ConfirmPreference = 'None'
            $null = . ([scriptblock]::Create($case.Run)) 6>$null 5>$null 4>$null 3>$null
        }
    }
    catch { $record = $_ }
    finally { $Host.UI.WriteLine("<</case $($case.Id)>>") }
    $after = Get-State $touches
    # A snapshot that came back empty would compare equal whatever happened: count it as a failure, not a pass.
    $changed = @($before.Keys | Where-Object { "$($before[$_])" -ne "$($after[$_])" -or "$($before[$_])" -eq '' } |
        ForEach-Object { if ("$($before[$_])" -eq '') { "$_ (empty snapshot)" } else { $_ } })
    [pscustomobject]@{
        Id = $case.Id
        FullyQualifiedErrorId = "$($record.FullyQualifiedErrorId)"
        ErrorId = if ($record) { "$($record.FullyQualifiedErrorId)".Split(',')[0] } else { '' }
        Message = if ($record) { "$record".Substring(0, [Math]::Min(300, "$record".Length)) } else { '' }
        Changed = $changed
    }
}
Stop-Process -Id $sleeperProcess.Id -ErrorAction SilentlyContinue
$null = Stop-SeekapaPortForward -Id $fwd.Id -Confirm:$false
$results | ConvertTo-Json -Depth 5 | Set-Content -Path $env:SEEKAPA_CORPUS_RESULTS
'done'
