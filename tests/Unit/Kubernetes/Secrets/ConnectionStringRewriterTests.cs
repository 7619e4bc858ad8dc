using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Secrets;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Secrets;

public sealed class ConnectionStringRewriterTests
{
    private const string Restored = "seekapa-postgres-restored.postgres.database.azure.com";
    private const string Original = "seekapa-postgres.postgres.database.azure.com";

    private static EndpointRewrite Rewrite(string value, string server = Restored, int? port = null, string? database = null) =>
        ConnectionStringRewriter.Rewrite(value, EndpointTarget.Create(server, port, database), "Key DATABASE_URL of Secret ns/backend-db");

    private static SeekapaException Refused(string value, string? secret = null)
    {
        var ex = Assert.Throws<SeekapaException>(() => Rewrite(value));
        Assert.Equal(ConnectionStringRewriter.ErrorId, ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidData, ex.Category);
        Assert.StartsWith("Key DATABASE_URL of Secret ns/backend-db ", ex.Message, StringComparison.Ordinal);
        if (value.Trim().Length > 0)
        {
            Assert.DoesNotContain(value.Trim(), ex.Message, StringComparison.Ordinal);
        }

        if (secret is not null)
        {
            Assert.DoesNotContain(secret, ex.Message + ex.RecommendedAction, StringComparison.Ordinal);
        }

        return ex;
    }

    // Passwords with every character that has a meaning in one of the three syntaxes.
    public static TheoryData<string> HostilePasswords() => new()
    {
        "p@ss",
        "p:ss",
        "p/ss",
        "p?ss",
        "p#ss",
        "p;ss",
        "p=ss",
        "p'ss",
        "p ss",
        "p\"ss",
        "p\\ss",
        "@:/?#;=' \"\\&%+",
        "pässwörd€",
    };

    [Theory]
    [MemberData(nameof(HostilePasswords))]
    public void UrlWithAPercentEncodedPasswordKeepsEverythingButTheHost(string password)
    {
        var template = $"postgresql://seekapa_app:{Uri.EscapeDataString(password)}@HOST:5432/seekapa?sslmode=require&application_name=backend";
        var rewrite = Rewrite(template.Replace("HOST", Original, StringComparison.Ordinal));

        Assert.Equal(template.Replace("HOST", Restored, StringComparison.Ordinal), rewrite.Value);
        Assert.Equal(ConnectionStringFormat.Url, rewrite.Format);
        Assert.Equal(new DatabaseEndpoint(Original, 5432, "seekapa"), rewrite.Old);
        Assert.Equal(new DatabaseEndpoint(Restored, 5432, "seekapa"), rewrite.New);
        Assert.True(rewrite.Changed);
        Assert.DoesNotContain(password, rewrite.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostilePasswords))]
    public void KeywordValueWithAQuotedPasswordKeepsEverythingButTheHost(string password)
    {
        var quoted = "'" + password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        var template = $"host=HOST port=5432 dbname=seekapa user=seekapa_app password={quoted} sslmode=require";
        var rewrite = Rewrite(template.Replace("HOST", Original, StringComparison.Ordinal));

        Assert.Equal(template.Replace("HOST", Restored, StringComparison.Ordinal), rewrite.Value);
        Assert.Equal(ConnectionStringFormat.KeywordValue, rewrite.Format);
        Assert.Equal(new DatabaseEndpoint(Original, 5432, "seekapa"), rewrite.Old);
    }

    [Theory]
    [MemberData(nameof(HostilePasswords))]
    public void AdoNetWithAQuotedPasswordKeepsEverythingButTheHost(string password)
    {
        var quoted = "\"" + password.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var template = $"Host=HOST;Port=5432;Database=seekapa;Username=seekapa_app;Password={quoted};SSL Mode=Require";
        var rewrite = Rewrite(template.Replace("HOST", Original, StringComparison.Ordinal));

        Assert.Equal(template.Replace("HOST", Restored, StringComparison.Ordinal), rewrite.Value);
        Assert.Equal(ConnectionStringFormat.AdoNet, rewrite.Format);
        Assert.Equal(new DatabaseEndpoint(Original, 5432, "seekapa"), rewrite.Old);
    }

    [Theory]
    [InlineData("postgresql://app:p@ss@OLD:5432/db", "postgresql://app:p@ss@NEW:5432/db")]
    [InlineData("postgresql://app:p:a@s:s@OLD/db?sslmode=require", "postgresql://app:p:a@s:s@NEW/db?sslmode=require")]
    [InlineData("postgres://app@OLD", "postgres://app@NEW")]
    [InlineData("postgres://OLD:5432/db", "postgres://NEW:5432/db")]
    [InlineData("POSTGRESQL://app:pw@OLD/db", "POSTGRESQL://app:pw@NEW/db")]
    [InlineData("postgresql://app:pw@OLD:5432/db?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca.pem&options=-c%20search_path%3Dapp",
        "postgresql://app:pw@NEW:5432/db?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca.pem&options=-c%20search_path%3Dapp")]
    [InlineData("postgresql://app:pw@OLD/db\n", "postgresql://app:pw@NEW/db\n")]
    [InlineData("  host=OLD dbname=db\r\n", "  host=NEW dbname=db\r\n")]
    [InlineData("host = OLD   dbname = 'my db'", "host = NEW   dbname = 'my db'")]
    [InlineData("host='OLD' dbname=db", "host='NEW' dbname=db")]
    [InlineData("Server=OLD;Database=db;User Id=app;Password=pw;", "Server=NEW;Database=db;User Id=app;Password=pw;")]
    [InlineData("HOST = OLD ; database=db", "HOST = NEW ; database=db")]
    [InlineData("Host=\"OLD\";Database=db", "Host=\"NEW\";Database=db")]
    [InlineData("Host=OLD:5433;Database=db", "Host=NEW:5433;Database=db")]
    public void OnlyTheHostChangesInEveryForm(string before, string after)
    {
        var rewrite = Rewrite(before.Replace("OLD", Original, StringComparison.Ordinal));
        Assert.Equal(after.Replace("NEW", Restored, StringComparison.Ordinal), rewrite.Value);
        Assert.Equal(Original, rewrite.Old.Host);
    }

    [Theory]
    [InlineData("postgresql://app:pw@OLD/db", "postgresql://app:pw@NEW:6432/restored")]
    [InlineData("postgresql://app:pw@OLD:5432/db?sslmode=require", "postgresql://app:pw@NEW:6432/restored?sslmode=require")]
    [InlineData("postgresql://app:pw@OLD", "postgresql://app:pw@NEW:6432/restored")]
    [InlineData("postgresql://app:pw@OLD?sslmode=require", "postgresql://app:pw@NEW:6432/restored?sslmode=require")]
    [InlineData("host=OLD user=app", "host=NEW port=6432 dbname=restored user=app")]
    [InlineData("host=OLD port='5432' dbname='db' user=app", "host=NEW port='6432' dbname='restored' user=app")]
    [InlineData("Host=OLD;Username=app;Password=pw", "Host=NEW;Port=6432;Database=restored;Username=app;Password=pw")]
    [InlineData("Host=OLD:5432;DB=db", "Host=NEW:6432;DB=restored")]
    [InlineData("Host='OLD';Port=5432;Database='db'", "Host='NEW';Port=6432;Database='restored'")]
    public void PortAndDatabaseAreReplacedOrAddedWhenGiven(string before, string after)
    {
        var rewrite = Rewrite(before.Replace("OLD", Original, StringComparison.Ordinal), port: 6432, database: "restored");
        Assert.Equal(after.Replace("NEW", Restored, StringComparison.Ordinal), rewrite.Value);
        Assert.Equal(new DatabaseEndpoint(Restored, 6432, "restored"), rewrite.New);
    }

    [Theory]
    [InlineData("postgresql://app:pw@old/db", "postgresql://app:pw@new/my%20db%3B%27x")]
    [InlineData("host=old dbname=db", "host=new dbname='my db;\\'x'")]
    [InlineData("host=old dbname='db'", "host=new dbname='my db;\\'x'")]
    [InlineData("Host=old;Database=db", "Host=new;Database=\"my db;'x\"")]
    [InlineData("Host=old;Database='db'", "Host=new;Database='my db;''x'")]
    public void ADatabaseNameIsEncodedForItsForm(string before, string after)
    {
        var rewrite = Rewrite(before, "new", database: "my db;'x");
        Assert.Equal(after, rewrite.Value);
        Assert.Equal("my db;'x", rewrite.New.Database);
    }

    [Fact]
    public void PercentEncodedHostAndDatabaseAreShownDecoded()
    {
        var rewrite = Rewrite("postgresql://app:pw@old-host/my%20db", "new-host");
        Assert.Equal(new DatabaseEndpoint("old-host", null, "my db"), rewrite.Old);
        Assert.Equal("postgresql://app:pw@new-host/my%20db", rewrite.Value);
    }

    [Theory]
    [InlineData("postgresql://app:pw@[2001:db8::1]:5432/db", "10.1.2.3", "postgresql://app:pw@10.1.2.3:5432/db", "2001:db8::1")]
    [InlineData("postgresql://app:pw@old:5432/db", "2001:db8::2", "postgresql://app:pw@[2001:db8::2]:5432/db", "old")]
    [InlineData("postgresql://app:pw@old:5432/db", "[2001:db8::2]", "postgresql://app:pw@[2001:db8::2]:5432/db", "old")]
    [InlineData("host=old dbname=db", "2001:db8::2", "host=2001:db8::2 dbname=db", "old")]
    [InlineData("Host=old:5432;Database=db", "2001:db8::2", "Host=[2001:db8::2]:5432;Database=db", "old")]
    [InlineData("Host=[2001:db8::1]:5432;Database=db", "new", "Host=new:5432;Database=db", "2001:db8::1")]
    [InlineData("Host=2001:db8::1;Database=db", "new", "Host=new;Database=db", "2001:db8::1")]
    public void IPv6AddressesAreBracketedWhereTheFormNeedsIt(string before, string server, string after, string oldHost)
    {
        var rewrite = Rewrite(before, server);
        Assert.Equal(after, rewrite.Value);
        Assert.Equal(oldHost, rewrite.Old.Host);
    }

    [Theory]
    [InlineData("postgresql://app:pw@SEEKAPA-POSTGRES-RESTORED.postgres.database.azure.com:5432/seekapa")]
    [InlineData("host=seekapa-postgres-restored.postgres.database.azure.com dbname=seekapa")]
    [InlineData("Host=seekapa-postgres-restored.postgres.database.azure.com;Database=seekapa")]
    public void AValueAlreadyNamingTheServerIsUnchangedAndReturnedAsIs(string value)
    {
        var rewrite = Rewrite(value);
        Assert.False(rewrite.Changed);
        Assert.Same(value, rewrite.Value);
        Assert.Equal(rewrite.Old, rewrite.New);
    }

    [Fact]
    public void TheSameHostWithAnotherPortOrDatabaseIsAChange()
    {
        var value = $"postgresql://app:pw@{Restored}:5432/seekapa";
        Assert.False(Rewrite(value, port: 5432, database: "seekapa").Changed);
        Assert.Equal($"postgresql://app:pw@{Restored}:6432/seekapa", Rewrite(value, port: 6432).Value);
        Assert.Equal($"postgresql://app:pw@{Restored}:5432/other", Rewrite(value, database: "other").Value);
    }

    [Theory]
    [InlineData("postgresql://app:pa#ss@old/db", "#")]
    [InlineData("postgresql://app:pa/ss@old/db", "'@' after the host")]
    [InlineData("postgresql://app:12/ss@old/db", "'@' after the host")]
    [InlineData("postgresql://app:12?a=1@old/db", "'@' after the host")]
    [InlineData("postgresql://app:12?x@old/db", "'@' after the host")]
    [InlineData("postgresql://app:pw@old:54x2/db", "port that is not a number")]
    [InlineData("postgresql://app:pw@old:99999/db", "port that is not a number")]
    [InlineData("postgresql://app:pw@old/d/b", "'/' in its database name")]
    [InlineData("postgresql://app:pw@h1:5432,h2:5432/db", "several hosts")]
    [InlineData("postgresql:///db?host=/var/run/postgresql", "no host")]
    [InlineData("postgresql://app:pw@old/db?host=other", "sets host in its query")]
    [InlineData("postgresql://app:pw@old/db?dbname=other", "sets dbname in its query")]
    [InlineData("postgresql://app:pw@old/db?sslmode", "not key=value")]
    [InlineData("mysql://app:pw@old/db", "mysql://")]
    [InlineData("", "is empty")]
    [InlineData(" \n", "is empty")]
    [InlineData("just some text", "not a connection string")]
    [InlineData("host=h1,h2 dbname=db", "several hosts")]
    [InlineData("host=old hostaddr=10.0.0.1 dbname=db", "hostaddr")]
    [InlineData("host=old host=other", "more than once")]
    [InlineData("host=old port=5432,5433", "several hosts")]
    [InlineData("host=old port=abc", "port that is not a number")]
    [InlineData("host=old password='unterminated", "no valid host")]
    [InlineData("dbname=db user=app", "no host")]
    [InlineData("Host=h1,h2;Database=db", "several hosts")]
    [InlineData("Host=old;Server=other", "more than once")]
    [InlineData("Host=my host;Database=db", "no valid host")]
    [InlineData("Host=old:abc;Database=db", "not a number")]
    [InlineData("Database=db;Username=app", "no host")]
    public void AmbiguousOrUnsupportedValuesAreRefusedWithoutShowingThem(string value, string reason)
    {
        var ex = Refused(value);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusalNeverEchoesThePassword()
    {
        Refused("postgresql://app:Sup3r#Secret@old/db", "Sup3r#Secret");
        Refused("Host=h1,h2;Password=Sup3rSecret", "Sup3rSecret");
        Refused("host=old hostaddr=10.0.0.1 password=Sup3rSecret", "Sup3rSecret");
    }

    [Theory]
    [InlineData("user@host")]
    [InlineData("host:5432")]
    [InlineData("host/db")]
    [InlineData("host?sslmode=disable")]
    [InlineData("two words")]
    [InlineData("-leading-dash")]
    [InlineData("trailing.")]
    [InlineData("[not-an-address]")]
    [InlineData("fe80::1%eth0")]
    public void ServersThatAreNotAHostNameOrAddressAreRefused(string server)
    {
        var ex = Assert.Throws<SeekapaException>(() => EndpointTarget.Create(server));
        Assert.Equal("InvalidServer", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
    }

    [Theory]
    [InlineData(Restored, Restored, false)]
    [InlineData("10.0.0.5", "10.0.0.5", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("[2001:db8::1]", "2001:db8::1", true)]
    [InlineData("postgres_local", "postgres_local", false)]
    public void HostNamesAndAddressesAreAccepted(string server, string host, bool ipv6)
    {
        var target = EndpointTarget.Create(server);
        Assert.Equal(host, target.Host);
        Assert.Equal(ipv6, target.IsIPv6);
    }

    [Fact]
    public void PortAndDatabaseAreValidated()
    {
        Assert.Equal("InvalidPort", Assert.Throws<SeekapaException>(() => EndpointTarget.Create("db", 0)).ErrorId);
        Assert.Equal("InvalidPort", Assert.Throws<SeekapaException>(() => EndpointTarget.Create("db", 65536)).ErrorId);
        Assert.Equal("InvalidDatabase", Assert.Throws<SeekapaException>(() => EndpointTarget.Create("db", null, "")).ErrorId);
        Assert.Equal("InvalidDatabase", Assert.Throws<SeekapaException>(() => EndpointTarget.Create("db", null, "a\nb")).ErrorId);
        Assert.Equal("InvalidDatabase", Assert.Throws<SeekapaException>(() => EndpointTarget.Create("db", null, new string('x', 64))).ErrorId);
        Assert.Equal("x", EndpointTarget.Create("db", 1, "x").Database);
    }
}
