namespace Seekapa.Ops.Tests;
public class PlaceholderTests { [Xunit.Fact] public void Builds() => Xunit.Assert.True(true); }
