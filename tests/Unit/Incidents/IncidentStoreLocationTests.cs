using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class IncidentStoreLocationTests
{
    [Theory]
    [InlineData("kubernetes://seekapa-incidents", "seekapa-incidents", null)]
    [InlineData("KUBERNETES://seekapa-incidents/", "seekapa-incidents", null)]
    [InlineData("kubernetes://ops?context=aks-prod", "ops", "aks-prod")]
    [InlineData("kubernetes://ops?context=arn%3Aaws%3Aeks%3Aeu%3A1%3Acluster%2Fprod", "ops", "arn:aws:eks:eu:1:cluster/prod")]
    [InlineData("kubernetes://ops?context=alice@prod", "ops", "alice@prod")]
    public void ClusterStoresNameANamespaceAndOptionallyAContext(string text, string ns, string? context)
    {
        var location = IncidentStoreLocation.Parse(text);

        Assert.True(location.InCluster);
        Assert.Equal((ns, context, null), (location.Namespace, location.Context, location.Directory));
    }

    [Theory]
    [InlineData("/var/lib/seekapa/incidents")]
    [InlineData("./incidents")]
    [InlineData(@"C:\ops\incidents")]
    public void AnythingElseWithoutASchemeIsAFolder(string text)
    {
        var location = IncidentStoreLocation.Parse(text);

        Assert.False(location.InCluster);
        Assert.Equal(text, location.Directory);
    }

    [Theory]
    [InlineData("kubernetes://")]
    [InlineData("kubernetes://?context=x")]
    [InlineData("kubernetes://Not_A_Namespace")]
    [InlineData("kubernetes://ops?ctx=x")]
    [InlineData("kubernetes://ops?context=")]
    [InlineData("s3://bucket/incidents")]
    [InlineData("   ")]
    public void ABadStoreIsIncidentStoreInvalid(string text)
    {
        var ex = Assert.Throws<SeekapaException>(() => IncidentStoreLocation.Parse(text));

        Assert.Equal("IncidentStoreInvalid", ex.ErrorId);
    }
}
