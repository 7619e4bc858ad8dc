using Seekapa.Ops.Core.Incidents;
using Xunit;

namespace Seekapa.Ops.Tests.Incidents;

public sealed class IncidentIdsTests
{
    [Theory]
    [InlineData("API 5xx spike", "api-5xx-spike")]
    [InlineData("  Database -- corruption!!  on   postgres-0 ", "database-corruption-on-postgres-0")]
    [InlineData("Café déjà vu", "cafe-deja-vu")]
    [InlineData("___", "incident")]
    [InlineData("Payment processing errors after the deploy of backend 1.2.4 to production", "payment-processing-errors-after-the-depl")]
    [InlineData("Authentication service down for everyone in EU", "authentication-service-down-for-everyone")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void SlugIsLowercaseAlphanumericDashesCollapsedAndAtMost40(string title, string slug)
    {
        Assert.Equal(slug, IncidentIds.Slug(title));
        Assert.True(IncidentIds.Slug(title).Length <= IncidentIds.MaxSlugLength);
        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", IncidentIds.Slug(title));
    }

    [Fact]
    public void BaseIdFollowsTheRunbookChannelPatternInUtc()
    {
        var started = new DateTimeOffset(2024, 1, 15, 23, 30, 0, TimeSpan.FromHours(-5)); // 2024-01-16 04:30 UTC
        Assert.Equal("sev-2-20240116-api-5xx-spike", IncidentIds.Base(IncidentSeverity.SEV2, started, "API 5xx spike"));
    }

    [Theory]
    [InlineData("sev-1-20240115-x", true)]
    [InlineData("../etc/passwd", false)]
    [InlineData("SEV-1", false)]
    [InlineData("-x", false)]
    [InlineData("", false)]
    public void OnlySafeIdsNameFiles(string id, bool valid) => Assert.Equal(valid, IncidentIds.IsValid(id));

    [Fact]
    public void ASecondIncidentWithTheSameTitleTheSameDayGetsSuffixes()
    {
        using var dir = new TempIncidentDirectory();
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero));
        var service = new IncidentService(dir.Store(), clock: clock);

        var ids = Enumerable.Range(0, 3).Select(_ => service.Start(new IncidentStart(IncidentSeverity.SEV2, "API 5xx spike"), "alice").Id).ToList();

        Assert.Equal(new[] { "sev-2-20240115-api-5xx-spike", "sev-2-20240115-api-5xx-spike-2", "sev-2-20240115-api-5xx-spike-3" }, ids);
    }

    [Fact]
    public void ParallelStartsWithTheSameTitleNeverShareAnId()
    {
        using var dir = new TempIncidentDirectory();
        var clock = new ManualClock(new DateTimeOffset(2024, 1, 15, 13, 0, 0, TimeSpan.Zero));

        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ => ids.Add(new IncidentService(dir.Store(), clock: clock).Start(new IncidentStart(IncidentSeverity.SEV3, "Slow queries"), "bob").Id));

        Assert.Equal(8, ids.Distinct().Count());
        Assert.Equal(8, dir.Store().List().Count);
    }
}
