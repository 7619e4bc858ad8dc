using System.Management.Automation;
using System.Net;
using Seekapa.Ops.Tests.Cmdlets;
using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Redis;

/// <summary>
/// Issue 5 item 11 for the Redis cmdlets: with -Verbose -Debug and known passwords, in success and failure, no output
/// object, error, verbose, debug, warning or information record contains a password.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRedactionTests : IDisposable
{
    private const string WrongPassword = "Wr0ng-redis-pw-5b7e";
    private readonly CmdletHost _host = new();

    [Fact]
    public void NoStreamContainsAPassword()
    {
        var secured = RedisServer.Secured;
        secured.Seed(11, 3, "redact");
        var result = _host.Invoke("""
            $ErrorActionPreference = 'Continue'
            & {
                Get-SeekapaRedisStats $secured -Password $pw -Verbose -Debug
                Get-SeekapaRedisStats "redis://:$plainPw@$secured/11" -Verbose -Debug
                Get-SeekapaRedisStats "rediss://$tls" -Password $pw -CaCertificatePath $ca -Verbose -Debug
                Get-SeekapaRedisStats $secured -Password $wrongPw -Verbose -Debug
                Get-SeekapaRedisStats "redis://:$wrongPlain@$secured" -Verbose -Debug
                Get-SeekapaRedisStats "redis://:$plainPw@127.0.0.1:$refusedPort" -Timeout 2 -Verbose -Debug
                Get-SeekapaRedisStats "redis://:$plainPw@bad host" -Verbose -Debug
                Get-SeekapaRedisStats $tls -Tls -Password $pw -Timeout 3 -Verbose -Debug
                Clear-SeekapaRedisCache $secured -Database 11 -Password $pw -WhatIf -Verbose -Debug
                Clear-SeekapaRedisCache "redis://:$plainPw@$secured/11" -Confirm:$false -Verbose -Debug
                Clear-SeekapaRedisCache $secured -Database 11 -Password $wrongPw -Confirm:$false -Verbose -Debug
                Clear-SeekapaRedisCache "redis://:$plainPw@$secured/11" -Database 12 -Confirm:$false -Verbose -Debug
            } *>&1
            """, new Dictionary<string, object?>
        {
            ["secured"] = secured.Endpoint,
            ["tls"] = secured.TlsEndpoint,
            ["ca"] = secured.CaCertificatePath,
            ["plainPw"] = RedisServer.Password,
            ["wrongPlain"] = WrongPassword,
            ["pw"] = new NetworkCredential(string.Empty, RedisServer.Password).SecurePassword,
            ["wrongPw"] = new NetworkCredential(string.Empty, WrongPassword).SecurePassword,
            ["refusedPort"] = RedisServer.FreePort(),
        });

        var records = result.Output.Select(o => o.BaseObject).ToList();
        // Every kind of record was produced, so the assertion below covers them all.
        Assert.Equal(3, records.OfType<RedisStats>().Count());
        Assert.Single(records.OfType<RedisFlushResult>());
        Assert.Equal(7, records.OfType<ErrorRecord>().Count());
        Assert.Contains(records, r => r is VerboseRecord);
        Assert.Contains(records, r => r is DebugRecord);

        foreach (var text in result.Output.Select(StreamText.Of).Concat(result.Errors.Select(StreamText.Of)))
        {
            Assert.DoesNotContain(RedisServer.Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPassword, text, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _host.Dispose();
}

/// <summary>Everything a record can show a user: serialized objects, and for errors every message, target and inner exception.</summary>
internal static class StreamText
{
    public static string Of(object record) => record switch
    {
        PSObject ps when ps.BaseObject is not PSCustomObject => Of(ps.BaseObject) + PSSerializer.Serialize(ps, 4),
        ErrorRecord e => string.Join('\n', e.ToString(), e.Exception.ToString(), e.ErrorDetails?.Message, e.ErrorDetails?.RecommendedAction,
            e.TargetObject?.ToString(), e.CategoryInfo.ToString(), e.FullyQualifiedErrorId, PSSerializer.Serialize(e, 4)),
        InformationalRecord i => i.Message,
        InformationRecord i => i.MessageData?.ToString() ?? string.Empty,
        _ => record.ToString() + PSSerializer.Serialize(record, 4),
    };
}
