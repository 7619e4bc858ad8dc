using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;
using Seekapa.Ops.PowerShell.Infrastructure;
using Xunit;

namespace Seekapa.Ops.Tests.Security;

/// <summary>$Error, Get-Error and transcripts print Exception.Message and inner exceptions, not only ErrorDetails.</summary>
public class ErrorRecordsRedactionTests
{
    [Fact]
    public void TheExceptionMessageTargetAndInnerExceptionsAreRedactedToo()
    {
        var registry = new SecretRegistry();
        registry.Add("session-known-pw-77");
        using var scope = SecretRegistry.Use(registry);
        var inner = new InvalidOperationException("server said: session-known-pw-77 is wrong");
        var ex = new SeekapaException("DatabaseAuthenticationFailed", FailureCategory.AuthenticationError,
            "login failed with session-known-pw-77 for xoxb-123456789012-abcdefghijklmnop", "https://h/x?api_key=Qk_24681357", "retry", inner);

        var record = ErrorRecords.From(ex);

        Assert.Equal("DatabaseAuthenticationFailed", record.FullyQualifiedErrorId);
        Assert.Equal("login failed with *** for ***", record.Exception.Message);
        Assert.Equal(record.Exception.Message, record.ErrorDetails.Message);
        Assert.Equal("https://h/x?api_key=***", record.TargetObject);
        Assert.Null(record.Exception.InnerException);
        Assert.DoesNotContain("session-known-pw-77", record.Exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExceptionWithoutSecretsIsKeptAsIs()
    {
        var inner = new TimeoutException("no answer within 30 s");
        var ex = new SeekapaException("ClusterUnreachable", FailureCategory.ConnectionError, "Cannot reach the cluster", "ctx", inner: inner);
        var record = ErrorRecords.From(ex);
        Assert.Same(ex, record.Exception);
        Assert.Same(inner, record.Exception.InnerException);
    }
}
