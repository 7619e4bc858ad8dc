using System.Management.Automation;
using System.Net;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Seekapa.Ops.Tests.Redis;
using Xunit;

namespace Seekapa.Ops.Tests.Prometheus;

/// <summary>
/// Issue 5 item 11 for Invoke-SeekapaPrometheusQuery: with -Verbose -Debug, a known bearer token and basic password,
/// against the real server and a proxy that echoes credentials into its 401, no stream contains a secret.
/// </summary>
public sealed class PrometheusRedactionTests : IDisposable
{
    private const string Token = "tok-redact-4a1f9e0c";
    private const string Password = "Pw-redact-c3d2b1";
    private readonly CmdletHost _host = new();

    [Fact]
    public async Task NoStreamContainsTheTokenOrThePassword()
    {
        await using var proxy = await PrometheusLoopback.StartAsync();
        proxy.ExpectedAuthorization = "Bearer something-else";
        var result = _host.Invoke("""
            $ErrorActionPreference = 'Continue'
            & {
                Invoke-SeekapaPrometheusQuery up -Endpoint $url -BearerToken $token -Verbose -Debug
                Invoke-SeekapaPrometheusQuery 'rate(up[5m]' -Endpoint $url -Credential $cred -Since 10s -Verbose -Debug
                Invoke-SeekapaPrometheusQuery up -Endpoint "http://ops:$plainPw@$($url.Authority)" -Verbose -Debug
                Invoke-SeekapaPrometheusQuery up -Endpoint $proxy -BearerToken $token -Verbose -Debug
                Invoke-SeekapaPrometheusQuery up -Endpoint "http://ops:$plainPw@$($proxy.Authority)" -Verbose -Debug
                Invoke-SeekapaPrometheusQuery up -Endpoint "http://ops:$plainPw@127.0.0.1:$refusedPort" -Timeout 1 -Verbose -Debug
                Invoke-SeekapaPrometheusQuery up -Endpoint "ftp://ops:$plainPw@host" -Verbose -Debug
            } *>&1
            """, new Dictionary<string, object?>
        {
            ["url"] = PrometheusServer.Shared.Url,
            ["proxy"] = proxy.Url,
            ["plainPw"] = Password,
            ["token"] = new NetworkCredential(string.Empty, Token).SecurePassword,
            ["cred"] = new PSCredential("ops", new NetworkCredential(string.Empty, Password).SecurePassword),
            ["refusedPort"] = RedisServer.FreePort(),
        });

        var records = result.Output.Select(o => o.BaseObject).ToList();
        Assert.Equal(2, records.OfType<PrometheusSample>().Count());
        Assert.Equal(5, records.OfType<ErrorRecord>().Count());
        Assert.Contains(records, r => r is VerboseRecord);
        Assert.Contains(records, r => r is DebugRecord);
        // The proxy did receive the credentials, so its echo of them was a real test of the redaction.
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ops:{Password}"));
        Assert.Equal([$"Bearer {Token}", $"Basic {basic}"], proxy.Authorizations);

        foreach (var text in result.Output.Select(StreamText.Of).Concat(result.Errors.Select(StreamText.Of)))
        {
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(basic, text, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _host.Dispose();
}
