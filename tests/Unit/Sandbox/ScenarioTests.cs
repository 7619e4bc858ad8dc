using System.Diagnostics;
using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox;
using Seekapa.Ops.Sandbox.Resources;
using Seekapa.Ops.Sandbox.Scenarios;
using Seekapa.Ops.Sandbox.Store;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>Scenario files, relative times and the synthetic pod generator.</summary>
public sealed class ScenarioTests
{
    private static readonly DateTimeOffset Origin = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static ResourceService NewService() => new(new ObjectStore(), BuiltInResources.Create(), TimeProvider.System);

    [Theory]
    [InlineData("-5m", "2025-03-10T11:55:00Z")]
    [InlineData("-2d1h", "2025-03-08T11:00:00Z")]
    [InlineData("+30s", "2025-03-10T12:00:30Z")]
    [InlineData("now", "2025-03-10T12:00:00Z")]
    public void RelativeTimesAreResolvedAgainstTheStart(string text, string expected)
    {
        Assert.True(RelativeTime.TryParse(text, Origin, out var t));
        Assert.Equal(DateTimeOffset.Parse(expected), t);
    }

    [Fact]
    public void OnlyTimestampFieldsAreRewritten()
    {
        var obj = JsonNode.Parse("""
            {"metadata":{"creationTimestamp":"-1h","name":"-5m"},
             "status":{"containerStatuses":[{"lastState":{"terminated":{"startedAt":"-4m","finishedAt":"-3m","reason":"OOMKilled"}}}],
                       "conditions":[{"lastTransitionTime":"2024-01-01T00:00:00Z"}]}}
            """)!;
        RelativeTime.Resolve(obj, Origin);
        Assert.Equal("2025-03-10T11:00:00Z", (string?)obj["metadata"]!["creationTimestamp"]);
        Assert.Equal("-5m", (string?)obj["metadata"]!["name"]);
        var terminated = obj["status"]!["containerStatuses"]![0]!["lastState"]!["terminated"]!;
        Assert.Equal("2025-03-10T11:56:00Z", (string?)terminated["startedAt"]);
        Assert.Equal("2025-03-10T11:57:00Z", (string?)terminated["finishedAt"]);
        Assert.Equal("2024-01-01T00:00:00Z", (string?)obj["status"]!["conditions"]![0]!["lastTransitionTime"]);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("healthy")]
    [InlineData("unhealthy")]
    public void ShippedScenariosLoadWithValidOwners(string name)
    {
        var service = NewService();
        new ScenarioLoader(service, Origin).Load(name);
        var registry = service.Registry;
        Assert.NotNull(service.Store.Get(service.Namespaces, "", "seekapa-production"));

        var byUid = registry.All.SelectMany(r => service.Store.Snapshot(r).Items).ToDictionary(o => o.Uid);
        foreach (var resource in registry.All)
        {
            foreach (var obj in service.Store.Snapshot(resource).Items)
            {
                var json = obj.ToJsonObject();
                foreach (var owner in json["metadata"]!["ownerReferences"]?.AsArray() ?? [])
                {
                    Assert.True(byUid.TryGetValue((string)owner!["uid"]!, out var target), $"{obj.Key}: owner {owner["name"]} exists");
                    Assert.Equal((string?)owner["name"], target.Name);
                    Assert.Equal((string?)owner["kind"], target.Resource.Kind);
                }
                AssertTimesAreAbsolute(json, obj.Key.ToString());
            }
        }
    }

    private static void AssertTimesAreAbsolute(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (child is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String &&
                        (key.EndsWith("Timestamp", StringComparison.Ordinal) || key.EndsWith("Time", StringComparison.Ordinal) || key.EndsWith("At", StringComparison.Ordinal)))
                    {
                        Assert.True(DateTimeOffset.TryParse(v.GetValue<string>(), out _), $"{where}: {key} = {v}");
                    }
                    AssertTimesAreAbsolute(child, where);
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    AssertTimesAreAbsolute(child, where);
                }
                break;
        }
    }

    [Fact]
    public void UnhealthyExtendsHealthyAndKeepsOwnersWhenRedefiningObjects()
    {
        var service = NewService();
        new ScenarioLoader(service, Origin).Load("unhealthy");
        var deployments = service.Registry.Resolve("deploy")!;
        var replicaSets = service.Registry.Resolve("rs")!;
        var deployment = service.Store.Get(deployments, "seekapa-production", "backend-deployment")!;
        var rs = service.Store.Get(replicaSets, "seekapa-production", "backend-deployment-7c9b5d8f6b")!.ToJsonObject();
        Assert.Equal(deployment.Uid, (string?)rs["metadata"]!["ownerReferences"]![0]!["uid"]);
        Assert.Equal(2, (int?)rs["status"]!["readyReplicas"]);
        Assert.NotNull(service.Store.Get(service.Registry.Resolve("po")!, "monitoring", "grafana-7f8b9c5d6c-m9x4p"));
    }

    [Fact]
    public void UnknownScenariosNameTheAvailableOnes()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new ScenarioLoader(NewService(), Origin).Load("no-such-scenario"));
        Assert.Contains("healthy", e.Message, StringComparison.Ordinal);
        Assert.Contains("unhealthy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AScenarioFileByPathCanIncludeShippedOnes()
    {
        var file = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            { "include": ["empty"], "namespaces": ["team-a"],
              "objects": [ { "apiVersion": "v1", "kind": "Pod",
                             "metadata": { "name": "solo", "namespace": "team-a", "creationTimestamp": "-90s" },
                             "spec": { "containers": [ { "name": "c", "image": "nginx" } ] } } ] }
            """);
        try
        {
            var service = NewService();
            new ScenarioLoader(service, Origin).Load(file);
            var pod = service.Store.Get(service.Registry.Resolve("pods")!, "team-a", "solo")!;
            Assert.Equal(Origin.AddSeconds(-90), pod.CreationTimestamp);
            Assert.NotNull(service.Store.Get(service.Namespaces, "", "kube-system"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void GeneratingTenThousandPodsIsQuickAndMostlyHealthy()
    {
        var service = NewService();
        var clock = Stopwatch.StartNew();
        PodGenerator.Generate(service, 10_000, 7, Origin);
        clock.Stop();

        var pods = service.Store.Snapshot(service.Registry.Resolve("pods")!).Items;
        Assert.Equal(10_000, pods.Length);
        Assert.Equal(7, pods.Select(p => p.Namespace).Distinct().Count());
        var running = pods.Count(p => p.Fields["status.phase"] == "Running");
        Assert.InRange(running, 9_500, 9_990);
        // Not a benchmark assertion, just a guard against an accidental quadratic: seconds, not minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"generated in {clock.Elapsed}");
    }
}
