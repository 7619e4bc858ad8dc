using Seekapa.Ops.Core.Security;
using Xunit;

namespace Seekapa.Ops.Tests.Security;

/// <summary>The token formats the Redactor must recognise, and the prose it must leave alone.</summary>
public class RedactorPatternTests
{
    public static TheoryData<string, string, string> Secrets => new()
    {
        // name, text, the secret that must not survive
        { "slack bot", "posted with xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx ok", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx" },
        { "slack user", "xoxp-FAKE-SLACK-TOKEN-1234567890abcdef", "FAKE-SLACK-TOKEN-1234567890abcdef" },
        { "slack app", "app token xapp-1-A0123456789-1234567890123-abcdef0123456789", "A0123456789-1234567890123" },
        { "slack refresh", "xoxr-abcdefghij-0123456789", "abcdefghij-0123456789" },
        { "github classic", "cloned with ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 today", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" },
        { "github oauth", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a" },
        { "github user-to-server", "ghu_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a" },
        { "github server-to-server", "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a" },
        { "github refresh", "ghr_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a" },
        { "github fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123", "11ABCDEFG0123456789_abcdefghij" },
        { "aws access key", "key id AKIAIOSFODNN7EXAMPLE in the log", "AKIAIOSFODNN7EXAMPLE" },
        { "aws session key", "ASIAY34FZKBOKMUTVV7A was used", "ASIAY34FZKBOKMUTVV7A" },
        { "azure sas", "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-31&sr=b&sp=r&sig=AbCd%2Bef%3D1234", "AbCd%2Bef%3D1234" },
        { "azure storage key", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==" },
        { "jwt", "id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here", "eyJzdWIiOiJ4In0" },
        { "pem rsa", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretbody\nQWERTY==\n-----END RSA PRIVATE KEY-----\nrest", "MIIEowIBAAKCAQEAsecretbody" },
        { "pem pkcs8", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" },
        { "pem ec unterminated", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY", "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY" },
        { "connection string password", "Host=db;Username=app;Password=S3cr3t!x;Database=seekapa", "S3cr3t!x" },
        { "connection string pwd", "Server=tcp:db,1433;User Id=app;Pwd=plainpass;", "plainpass" },
        { "quoted password", "host=10.0.0.9 user=rep password='conn info pw'", "conn info pw" },
        { "json password", "{\"user\":\"a\",\"password\":\"jsonSecret99\"}", "jsonSecret99" },
        { "url credentials", "postgresql://app:hunter2hunter2@db.example.com:5432/seekapa", "hunter2hunter2" },
        { "url credentials no user", "redis://:RedisPw_4321@127.0.0.1:6379/0", "RedisPw_4321" },
        { "query api_key", "GET http://h/x?api_key=QueryKey_2468&page=2", "QueryKey_2468" },
        { "query key", "https://maps.example.com/api?key=abcdefghij", "abcdefghij" },
        { "query token", "https://h/cb?state=1&token=plaintok", "plaintok" },
        { "query access_token", "https://h/cb?access_token=opaqueaccess", "opaqueaccess" },
        { "query code", "https://app/callback?code=authcodevalue&state=x", "authcodevalue" },
        { "query password", "https://h/login?user=a&password=letmein", "letmein" },
        { "query secret", "https://h/hook?secret=webhooksecret", "webhooksecret" },
        { "bearer header", "Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123" },
        { "basic header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==" },
        { "token assignment", "leak test token=TitleTok_abcdefgh1234", "TitleTok_abcdefgh1234" },
        { "pagerduty header", "Authorization: Token token=y_NbAkKc66ryYTWUXYEu", "y_NbAkKc66ryYTWUXYEu" },
        { "token word then credential", "the token Zx8kQ2mP9rT4 leaked", "Zx8kQ2mP9rT4" },
        { "client secret", "client_secret=abc123def456&grant_type=client_credentials", "abc123def456" },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void SecretsNeverSurvive(string name, string text, string secret)
    {
        var redacted = Redactor.Redact(text);
        Assert.True(!redacted.Contains(secret, StringComparison.Ordinal), $"{name}: '{redacted}' still holds '{secret}'");
        Assert.Contains(Redactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Give either a bearer token or basic credentials (-Credential), not both.")]
    [InlineData("rotated the token yesterday")]
    [InlineData("the bearer token expired on Tuesday")]
    [InlineData("Basic authentication failed for user 'ops'")]
    [InlineData("token-based authentication is configured")]
    [InlineData("Slack answered chat.postMessage with ok")]
    [InlineData("key rotation is due; see the runbook")]
    [InlineData("https://status.example.com/health?verbose=true&page=2")]
    [InlineData("pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" at the cluster scope")]
    [InlineData("Deployment backend: image registry/backend:v1.2.3 -> registry/backend:v1.2.4")]
    [InlineData("The private key file '/etc/ssl/key.pem' was not found.")]
    public void ProseStaysReadable(string text) => Assert.Equal(text, Redactor.Redact(text));

    [Fact]
    public void OnlyTheSecretPartIsMasked()
    {
        Assert.Equal("Authorization: Bearer ***", Redactor.Redact("Authorization: Bearer abcdefghijklmnop123"));
        Assert.Equal("http://h/x?api_key=***&page=2", Redactor.Redact("http://h/x?api_key=QueryKey_2468&page=2"));
        Assert.Equal("-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----",
            Redactor.Redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"));
    }

    [Fact]
    public void FindSecretsReturnsWhatRedactMasks()
    {
        var found = Redactor.FindSecrets("Host=db;Password=S3cr3t!x and https://h/?api_key=QueryKey_2468 and rotated the token yesterday");
        Assert.Equal(new[] { "QueryKey_2468", "S3cr3t!x" }, found.OrderBy(f => f, StringComparer.Ordinal));
    }
}

/// <summary>The per-runspace registry of secrets the session was given: every redaction in its scope consults it.</summary>
public class SecretRegistryTests
{
    [Fact]
    public void RegisteredValuesAreMaskedInScopeOnly()
    {
        var registry = new SecretRegistry();
        registry.Add("opaque-redis-pw");
        const string text = "AUTH opaque-redis-pw failed";
        Assert.Equal(text, Redactor.Redact(text));
        using (SecretRegistry.Use(registry))
        {
            Assert.Equal("AUTH *** failed", Redactor.Redact(text));
        }

        Assert.Equal(text, Redactor.Redact(text));
    }

    [Fact]
    public async Task TheScopeFlowsIntoAsyncContinuations()
    {
        var registry = new SecretRegistry();
        registry.Add("plainvalue42");
        using var scope = SecretRegistry.Use(registry);
        var redacted = await Task.Run(async () =>
        {
            await Task.Yield();
            return Redactor.Redact("echo plainvalue42");
        });
        Assert.Equal("echo ***", redacted);
    }

    [Fact]
    public void AConnectionStringRegistersItsPasswordAndItsUrlEncodedForm()
    {
        var registry = new SecretRegistry();
        registry.Add("Host=db;Username=app;Password=p@ss/word:1");
        using var scope = SecretRegistry.Use(registry);
        Assert.Equal("the server echoed ***", Redactor.Redact("the server echoed p@ss/word:1"));
        Assert.Equal("postgresql://db/x?pw=***", Redactor.Redact("postgresql://db/x?pw=" + Uri.EscapeDataString("p@ss/word:1")));
    }

    [Fact]
    public void RefreshedTokensAreReadAtEveryRedaction()
    {
        var registry = new SecretRegistry();
        var current = "first-token-1";
        registry.AddSource(() => current);
        using var scope = SecretRegistry.Use(registry);
        Assert.Equal("a ***", Redactor.Redact("a first-token-1"));
        current = "second-token-2";
        Assert.Equal("b ***", Redactor.Redact("b second-token-2"));
    }

    [Fact]
    public void TooShortValuesAreNotRegistered()
    {
        var registry = new SecretRegistry();
        registry.Add("ab");
        Assert.Empty(registry.Values);
    }
}
