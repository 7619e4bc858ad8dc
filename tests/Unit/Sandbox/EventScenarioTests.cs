using System.Text.Json.Nodes;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The events a runbook looks for are in the scenarios, in both the core/v1 (count) and events.k8s.io (series) styles.</summary>
public sealed class EventScenarioTests(UnhealthySandboxFixture sandbox) : IClassFixture<UnhealthySandboxFixture>
{
    private const string MicroTime = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$";

    private async Task<IReadOnlyList<JsonObject>> Events() => await sandbox.Server.ListAsync("events");

    private static JsonObject One(IEnumerable<JsonObject> events, string reason, string? name = null) =>
        events.FirstOrDefault(e => (string?)e["reason"] == reason && (name is null || (string?)e["involvedObject"]!["name"] == name))
        ?? throw new Xunit.Sdk.XunitException($"no {reason} event{(name is null ? "" : " for " + name)}");

    [Fact]
    public async Task TheUnhealthyScenarioHasTheRunbooksEvents()
    {
        var events = await Events();
        foreach (var reason in (string[])["Scheduled", "Pulled", "Started", "BackOff", "Unhealthy", "Killing", "FailedScheduling", "OOMKilling", "SystemOOM", "Evicted", "Failed"])
        {
            One(events, reason);
        }
        Assert.All(events.Where(e => (string?)e["reason"] is "BackOff" or "Unhealthy" or "FailedScheduling" or "OOMKilling" or "SystemOOM" or "Evicted"),
            e => Assert.Equal("Warning", (string?)e["type"]));

        var oom = One(events, "OOMKilling");
        Assert.Equal("default", (string?)oom["metadata"]!["namespace"]);
        Assert.Equal("Node", (string?)oom["involvedObject"]!["kind"]);
        Assert.Equal("kernel-monitor", (string?)oom["source"]!["component"]);
        Assert.StartsWith("Memory cgroup out of memory: Killed process ", (string?)oom["message"], StringComparison.Ordinal);
        Assert.Contains("(dotnet)", (string?)oom["message"], StringComparison.Ordinal);

        var systemOom = One(events, "SystemOOM");
        Assert.Equal("kubelet", (string?)systemOom["reportingComponent"]);
        Assert.Equal(7, (int)systemOom["series"]!["count"]!);
        Assert.Matches(MicroTime, (string?)systemOom["series"]!["lastObservedTime"]);
        Assert.Matches(MicroTime, (string?)systemOom["eventTime"]);
        Assert.Null(systemOom["firstTimestamp"]);

        var readiness = One(events, "Unhealthy", "backend-deployment-7c9b5d8f6b-x4k2p");
        Assert.Equal("Readiness probe failed: HTTP probe failed with statuscode: 503", (string?)readiness["message"]);
        Assert.NotNull(readiness["series"]);

        var scheduling = One(events, "FailedScheduling");
        Assert.StartsWith("report-generator-", (string?)scheduling["involvedObject"]!["name"], StringComparison.Ordinal);
        Assert.Equal(12, (int)scheduling["count"]!);
        Assert.NotNull(scheduling["lastTimestamp"]);

        var scheduled = One(events, "Scheduled", "search-indexer-5d6f8b7c9d-v8n3c");
        Assert.Matches(MicroTime, (string?)scheduled["eventTime"]);
        Assert.Equal("default-scheduler", (string?)scheduled["reportingComponent"]);

        var evicted = One(events, "Evicted");
        Assert.Equal("frontend-deployment-6d8f7b9c5b-wq7zr", (string?)evicted["involvedObject"]!["name"]);
        // The loader fills the involved object's uid so describe finds the events.
        Assert.False(string.IsNullOrEmpty((string?)readiness["involvedObject"]!["uid"]));
    }

    [Fact]
    public async Task EventsPrintAsTheApiServersEventTable()
    {
        using var http = SandboxClients.Http(sandbox.Server, sandbox.Server.AdminToken);
        var (_, table) = await SandboxHttp.GetJsonAsync(http, "/api/v1/events", SandboxHttp.TableAccept);
        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"],
            table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 1, 1, 1], table["columnDefinitions"]!.AsArray().Select(c => (int)c!["priority"]!));
        var rows = table["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray()).ToList();

        // events.k8s.io style: Last Seen from series.lastObservedTime, Count from series.count, Source from reporting*.
        var systemOom = rows.Single(c => (string?)c[2] == "SystemOOM");
        // Ages are HumanDuration: "3m" plus the seconds since the sandbox started.
        Assert.Matches(@"^3m(\d+s)?$", (string?)systemOom[0]);
        Assert.Equal(["Warning", "SystemOOM", "node/aks-nodepool1-31718369-vmss000000"], systemOom.Skip(1).Take(3).Select(c => (string?)c));
        Assert.Equal("kubelet, aks-nodepool1-31718369-vmss000000", (string?)systemOom[5]);
        Assert.Equal("40m", (string?)systemOom[7]);
        Assert.Equal(7, (int)systemOom[8]!);

        // core/v1 style: lastTimestamp and count.
        var scheduling = rows.Single(c => (string?)c[2] == "FailedScheduling");
        Assert.Matches(@"^6\ds$", (string?)scheduling[0]);
        Assert.Equal(12, (int)scheduling[8]!);
        Assert.Equal("default-scheduler", (string?)scheduling[5]);

        // A single events.k8s.io event: Last Seen = First Seen = eventTime, count 1.
        var scheduled = rows.Single(c => (string?)c[2] == "Scheduled" && ((string?)c[3])!.StartsWith("pod/search-indexer-", StringComparison.Ordinal));
        Assert.Matches(@"^[45]\ds$", (string?)scheduled[0]);
        Assert.Equal(1, (int)scheduled[8]!);
    }
}

/// <summary>The bad deploy's pods have the scheduling, pull, start, kill and back-off history an engineer reads.</summary>
public sealed class BadDeployEventTests(BadDeploySandboxFixture sandbox) : IClassFixture<BadDeploySandboxFixture>
{
    [Fact]
    public async Task CrashingPodsHaveTheirEvents()
    {
        var events = (await sandbox.Server.ListAsync("events", "seekapa-production"))
            .Where(e => (string?)e["involvedObject"]!["name"] == "backend-deployment-7c9b5d8f6b-x4k2p").ToList();
        var reasons = events.Select(e => (string?)e["reason"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "Scheduled", "Pulled", "Started", "Killing", "BackOff", "Unhealthy" }, reasons);
        var started = events.Single(e => (string?)e["reason"] == "Started");
        Assert.Equal(8, (int)started["series"]!["count"]!);
        Assert.Equal("Readiness probe failed: HTTP probe failed with statuscode: 503",
            (string?)events.Single(e => (string?)e["reason"] == "Unhealthy")["message"]);
    }
}
