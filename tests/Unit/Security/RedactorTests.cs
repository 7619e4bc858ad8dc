using Seekapa.Ops.Core.Security;
using Xunit;

namespace Seekapa.Ops.Tests.Security;

public class RedactorTests
{
    [Theory]
    [InlineData("Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123")]
    [InlineData("Host=db;Username=app;Password=S3cr3t!x;Database=seekapa", "S3cr3t!x")]
    [InlineData("postgresql://app:hunter2hunter2@db.example.com:5432/seekapa", "hunter2hunter2")]
    [InlineData("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl in header", "eyJhbGciOiJSUzI1NiJ9")]
    [InlineData("client_secret=abc123def456&grant_type=client_credentials", "abc123def456")]
    [InlineData("api-key: 0123456789abcdef", "0123456789abcdef")]
    public void SecretsNeverSurvive(string text, string secret)
    {
        var redacted = Redactor.Redact(text);
        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryTextIsUntouched()
    {
        const string text = "pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" at the cluster scope";
        Assert.Equal(text, Redactor.Redact(text));
    }

    [Fact]
    public void KnownSecretValuesAreRemovedWherever_they_appear()
    {
        var redacted = Redactor.Redact("the server echoed opaque-value-42 back", new[] { "opaque-value-42", null });
        Assert.Equal("the server echoed *** back", redacted);
    }

    [Fact]
    public void UrlKeepsUserButNotPassword()
    {
        Assert.Equal("postgresql://app:***@db:5432/x", Redactor.Redact("postgresql://app:pw123456@db:5432/x"));
    }
}
