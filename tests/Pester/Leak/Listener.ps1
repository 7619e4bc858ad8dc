# A loopback HTTP server for Leak.Tests.ps1 that answers as Slack's Web API (/slack/api/...), PagerDuty's REST API v2
# (/pd/incidents/{id}), Prometheus' HTTP API (/prom/api/v1/...) and a health endpoint (/health, /down), and appends
# every request it receives (method, URL, headers, body) to a JSON-lines log. Started and stopped by the test.
param(
    [Parameter(Mandatory)][int] $Port,
    [Parameter(Mandatory)][string] $Log
)
$ErrorActionPreference = 'Stop'
$listener = [System.Net.HttpListener]::new()
$listener.Prefixes.Add("http://127.0.0.1:$Port/")
$listener.Start()
while ($listener.IsListening) {
    $context = $listener.GetContext()
    $request = $context.Request
    $reader = [IO.StreamReader]::new($request.InputStream, [Text.Encoding]::UTF8)
    $body = $reader.ReadToEnd()
    $headers = [ordered]@{}
    foreach ($name in $request.Headers.AllKeys) { $headers[$name] = $request.Headers[$name] }
    $path = $request.Url.AbsolutePath
    [pscustomobject]@{ Method = $request.HttpMethod; Url = $request.RawUrl; Path = $path; Headers = $headers; Body = $body } |
        ConvertTo-Json -Compress -Depth 5 | Add-Content -Path $Log -Encoding utf8

    $status = 200
    # First match wins (break): the Slack paths also match the catch-all '^/slack/api/'.
    $answer = switch -Regex ($path) {
        '^/slack/api/conversations\.create$' {
            $name = try { ($body | ConvertFrom-Json).name } catch { 'incident' }
            @{ ok = $true; channel = @{ id = 'C0LEAK00001'; name = $name; is_channel = $true } } | ConvertTo-Json -Compress
            break
        }
        '^/slack/api/conversations\.setTopic$' { '{"ok":true,"channel":{"id":"C0LEAK00001","topic":{"value":"topic"}}}'; break }
        '^/slack/api/' { '{"ok":true,"channel":"C0LEAK00001","ts":"1705323720.000100"}' }
        '^/pd/incidents/(\w+)$' {
            $id = $Matches[1]
            $wanted = try { ($body | ConvertFrom-Json).incident.status } catch { 'acknowledged' }
            @{ incident = @{ id = $id; type = 'incident'; status = $wanted; html_url = "https://example.pagerduty.com/incidents/$id" } } | ConvertTo-Json -Compress
            break
        }
        '^/prom/api/v1/query$' { '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[1705323720,"1"]}]}}' }
        '^/prom/api/v1/query_range$' { '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[[1705323720,"1"]]}]}}' }
        '^/health$' { '{"status":"ok"}' }
        '^/down$' { $status = 503; '{"status":"down"}' }
        default { $status = 404; '{"error":"not found"}' }
    }
    $bytes = [Text.Encoding]::UTF8.GetBytes([string]$answer)
    $context.Response.StatusCode = $status
    $context.Response.ContentType = 'application/json'
    $context.Response.ContentLength64 = $bytes.Length
    $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
    $context.Response.Close()
}
