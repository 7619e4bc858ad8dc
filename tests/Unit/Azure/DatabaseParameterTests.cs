using Seekapa.Ops.Core.Azure.FlexibleServers;
using Seekapa.Ops.Core.Errors;
using Xunit;

namespace Seekapa.Ops.Tests.Azure;

/// <summary>The server parameter rules (allowedValues as Azure publishes them) and the editor's reads.</summary>
public sealed class DatabaseParameterTests
{
    private static ServerParameter Parameter(string dataType, string allowed, string value = "100") =>
        new("seekapa-rg", "seekapa-postgres", "p", value, value, dataType, allowed, null, "system-default", false, false, false);

    [Theory]
    [InlineData("Integer", "25-5000", "500", true)]
    [InlineData("Integer", "25-5000", "25", true)]
    [InlineData("Integer", "25-5000", "5000", true)]
    [InlineData("Integer", "25-5000", "10", false)]
    [InlineData("Integer", "25-5000", "5001", false)]
    [InlineData("Integer", "25-5000", "5.5", false)]
    [InlineData("Integer", "25-5000", "lots", false)]
    [InlineData("Integer", "-1-2147483647", "-1", true)]
    [InlineData("Integer", "-1-2147483647", "-2", false)]
    [InlineData("Integer", "0-10,100-200", "150", true)]
    [InlineData("Integer", "0-10,100-200", "50", false)]
    [InlineData("Numeric", "0-1", "0.25", true)]
    [InlineData("Numeric", "0-1", "1.5", false)]
    [InlineData("Boolean", "on,off", "ON", true)]
    [InlineData("Boolean", "on,off", "yes", false)]
    [InlineData("Enumeration", "debug5,info,warning", "info", true)]
    [InlineData("Enumeration", "debug5,info,warning", "verbose", false)]
    [InlineData("Set", "PG_STAT_STATEMENTS,PGCRYPTO,POSTGIS", "pg_stat_statements,pgcrypto", true)]
    [InlineData("Set", "PG_STAT_STATEMENTS,PGCRYPTO,POSTGIS", "pgcrypto,timescaledb", false)]
    [InlineData("String", "[a-z]+", "anything", true)]
    [InlineData("Integer", "", "anything", true)]
    public void ValuesAreCheckedAgainstAllowedValues(string dataType, string allowed, string value, bool accepted) =>
        Assert.Equal(accepted, ParameterValueRule.Violation(Parameter(dataType, allowed), value) is null);

    [Theory]
    [InlineData("Integer", "500", "500.0", true)]
    [InlineData("Integer", "500", "501", false)]
    [InlineData("Boolean", "on", "ON", true)]
    [InlineData("String", "abc", "ABC", false)]
    public void SameValueComparesLikeTheDataType(string dataType, string current, string value, bool same) =>
        Assert.Equal(same, ParameterValueRule.SameValue(Parameter(dataType, "", current), value));

    [Fact]
    public void ARefusalNamesTheAllowedValuesAndTheUnit()
    {
        var parameter = Parameter("Integer", "4096-2097151") with { Name = "work_mem", Unit = "KB" };

        var ex = Assert.Throws<SeekapaException>(() => ServerParameterEditor.Validate(parameter, "64"));

        Assert.Equal("InvalidParameterValue", ex.ErrorId);
        Assert.Contains("64 is outside the allowed range 4096-2097151", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unit KB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadOnlyParameterIsRefused()
    {
        var ex = Assert.Throws<SeekapaException>(() => ServerParameterEditor.Validate(Parameter("String", "") with { IsReadOnly = true }, "x"));
        Assert.Equal("ParameterReadOnly", ex.ErrorId);
    }

    [Fact]
    public async Task AnUnknownParameterOfAnExistingServerIsParameterNotFound()
    {
        var arm = new FakeArm()
            .On("GET", FlexibleServerArm.ConfigurationPath("max_conections"), FakeArm.Error(404, "ConfigurationNotExists", "no such configuration"))
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"), FakeArm.Json(200, FlexibleServerArm.Server("seekapa-postgres", null)));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new ServerParameterEditor(arm.Session()).GetAsync("seekapa-rg", "seekapa-postgres", "max_conections", default));

        Assert.Equal("ParameterNotFound", ex.ErrorId);
    }

    [Fact]
    public async Task AParameterOfAMissingServerIsDatabaseServerNotFound()
    {
        var arm = new FakeArm()
            .On("GET", FlexibleServerArm.ConfigurationPath("max_connections"), FakeArm.Error(404, "ResourceNotFound", "The parent resource was not found"))
            .On("GET", FlexibleServerArm.ServerPath("seekapa-rg", "seekapa-postgres"), FlexibleServerArm.NotFound("seekapa-postgres"));

        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new ServerParameterEditor(arm.Session()).GetAsync("seekapa-rg", "seekapa-postgres", "max_connections", default));

        Assert.Equal("DatabaseServerNotFound", ex.ErrorId);
    }

    [Theory]
    [InlineData("max_connections/../restart")]
    [InlineData("max connections")]
    [InlineData("")]
    public async Task AMalformedParameterNameIsRefusedBeforeAnyCall(string name)
    {
        var arm = new FakeArm();

        var ex = await Assert.ThrowsAsync<SeekapaException>(() =>
            new ServerParameterEditor(arm.Session()).GetAsync("seekapa-rg", "seekapa-postgres", name, default));

        Assert.Equal("InvalidParameterName", ex.ErrorId);
        Assert.Empty(arm.Requests);
    }
}
