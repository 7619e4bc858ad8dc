using System.Reflection;
using Seekapa.Ops.Core.Database;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

public class DatabaseTargetTests
{
    private const string Secret = "Pa55-word;with=odd'chars";

    [Theory]
    [InlineData("seekapa-postgres.postgres.database.azure.com", DatabaseSslMode.Require)]
    [InlineData("10.0.0.5", DatabaseSslMode.Require)]
    [InlineData("127.0.0.1", DatabaseSslMode.Prefer)]
    [InlineData("localhost", DatabaseSslMode.Prefer)]
    [InlineData("::1", DatabaseSslMode.Prefer)]
    [InlineData("/var/run/postgresql", DatabaseSslMode.Prefer)]
    public void SslModeDefaultsToRequireForEveryHostButThisMachine(string host, DatabaseSslMode expected)
    {
        var target = DatabaseTarget.FromServer(host, null, null, "app", Secret);
        Assert.Equal(expected, target.SslMode);
        Assert.Equal(expected.ToString(), target.Builder.SslMode.ToString());
    }

    [Theory]
    [InlineData(DatabaseSslMode.Disable)]
    [InlineData(DatabaseSslMode.Allow)]
    [InlineData(DatabaseSslMode.Prefer)]
    public void AWeakSslModeForARemoteHostIsRefused(DatabaseSslMode mode)
    {
        var ex = Assert.Throws<SeekapaException>(() => DatabaseTarget.FromServer("db.example.com", 5432, "seekapa", "app", Secret, mode));
        Assert.Equal("InsecureSslMode", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
        Assert.Contains("port-forward", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakModesAreAllowedOnLoopback()
    {
        Assert.Equal(DatabaseSslMode.Disable, DatabaseTarget.FromServer("127.0.0.1", 5432, null, "app", null, DatabaseSslMode.Disable).SslMode);
    }

    [Fact]
    public void TheConnectionStringsOwnSslModeIsCheckedToo()
    {
        var ex = Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromConnectionString($"Host=db.example.com;Username=app;Password=x;SSL Mode=Disable"));
        Assert.Equal("InsecureSslMode", ex.ErrorId);
        Assert.Equal(DatabaseSslMode.VerifyFull,
            DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app;sslmode=VerifyFull").SslMode);
        Assert.Equal(DatabaseSslMode.Require, DatabaseTarget.FromConnectionString("Host=db.example.com;Username=app").SslMode);
    }

    [Fact]
    public void AUriIsReadLikeLibpqDoes()
    {
        var target = DatabaseTarget.FromConnectionString("postgresql://app%40corp:p%40ss%3Bword@db.example.com:6432/seek%20apa?sslmode=verify-full&application_name=ops");
        Assert.Equal("db.example.com", target.Host);
        Assert.Equal(6432, target.Port);
        Assert.Equal("seek apa", target.Database);
        Assert.Equal("app@corp", target.User);
        Assert.Equal("p@ss;word", target.Builder.Password);
        Assert.Equal(DatabaseSslMode.VerifyFull, target.SslMode);
        Assert.Equal("ops", target.Builder.ApplicationName);
        Assert.Equal(DatabaseAuthentication.Password, target.Authentication);
    }

    [Fact]
    public void DefaultsAreFilledAndThePoolIsOff()
    {
        var target = DatabaseTarget.FromServer("127.0.0.1", null, null, "app", Secret);
        Assert.Equal(5432, target.Port);
        Assert.Equal("postgres", target.Database);
        Assert.Equal("Seekapa.Ops", target.Builder.ApplicationName);
        Assert.False(target.Builder.Pooling);
        Assert.Equal(DatabaseAuthentication.Password, target.Authentication);
        Assert.Equal(DatabaseAuthentication.None, DatabaseTarget.FromServer("127.0.0.1", null, null, "app", null).Authentication);
    }

    [Theory]
    [InlineData("Host=db;Pasword=" + Secret)]
    [InlineData("Host=db;Port=notaport;Password=" + Secret)]
    [InlineData("Username=app;Password=" + Secret)]
    [InlineData("postgresql://app:" + "pw-in-uri@db/x?unknown=1")]
    public void AnInvalidConnectionStringIsRefusedWithoutItsSecret(string connectionString)
    {
        var ex = Assert.Throws<SeekapaException>(() => DatabaseTarget.FromConnectionString(connectionString));
        Assert.Equal("InvalidConnectionString", ex.ErrorId);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-in-uri", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db host")]
    [InlineData("db;Password=x")]
    [InlineData("")]
    public void AServerThatIsNotAHostIsRefused(string server)
    {
        Assert.Equal("InvalidServer", Assert.Throws<SeekapaException>(() => DatabaseTarget.FromServer(server, null, null, "app", null)).ErrorId);
    }

    [Fact]
    public void EntraAuthenticationNeedsTheRoleName()
    {
        Assert.Equal("UserRequired", Assert.Throws<SeekapaException>(() =>
            DatabaseTarget.FromAccessToken("db.example.com", null, null, "", "token")).ErrorId);
        var target = DatabaseTarget.FromAccessToken("db.example.com", null, "seekapa", "ops@corp.example", "eyJ0.token");
        Assert.Equal(DatabaseAuthentication.AccessToken, target.Authentication);
        Assert.Equal(DatabaseSslMode.Require, target.SslMode);
    }

    [Fact]
    public void TheConnectionObjectNeverHoldsOrShowsTheSecret()
    {
        var session = DatabaseSession.Open(DatabaseTarget.FromServer("db.example.com", 5432, "seekapa", "app", Secret));
        var connection = session.Connection;
        Assert.Equal("app@db.example.com:5432/seekapa", connection.ToString());
        foreach (var property in typeof(DatabaseConnection).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.DoesNotContain(Secret, property.GetValue(connection)?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }

        Assert.Equal("login with *** failed", session.Redact($"login with {Secret} failed"));
    }

    [Fact]
    public void ADeserializedConnectionIsRefused()
    {
        var copy = new DatabaseConnection("db", 5432, "seekapa", "app", DatabaseSslMode.Require, DatabaseAuthentication.Password);
        Assert.Equal("ConnectionInvalid", Assert.Throws<SeekapaException>(() => DatabaseSession.FromConnection(copy)).ErrorId);
    }
}
