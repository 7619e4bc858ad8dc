using System.Text.Json.Nodes;
using Seekapa.Ops.Sandbox.Patching;
using Xunit;

namespace Seekapa.Ops.Tests.Sandbox;

/// <summary>The patch engines on their own: RFC 6902, RFC 7386 and Kubernetes strategic merge patch.</summary>
public sealed class PatchTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    private static JsonObject Smp(string original, string patch, string plural = "deployments") =>
        StrategicMergePatch.Apply(Obj(original), patch, PatchSchema.For(plural));

    [Fact]
    public void JsonPatchAppliesEveryOperationInOrder()
    {
        var doc = Obj("""{"a":{"b":1,"c":[1,2]},"x/y":{"t~n":"v"}}""");
        var result = JsonPatch.Apply(doc, """
            [
              {"op":"add","path":"/a/d","value":{"e":true}},
              {"op":"add","path":"/a/c/1","value":9},
              {"op":"add","path":"/a/c/-","value":3},
              {"op":"replace","path":"/a/b","value":"two"},
              {"op":"remove","path":"/x~1y/t~0n"},
              {"op":"copy","from":"/a/d","path":"/copied"},
              {"op":"move","from":"/a/c","path":"/moved"},
              {"op":"test","path":"/moved/1","value":9}
            ]
            """);
        AssertJson("""{"a":{"b":"two","d":{"e":true}},"x/y":{},"copied":{"e":true},"moved":[1,9,2,3]}""", result);
        // The input is never modified.
        AssertJson("""{"a":{"b":1,"c":[1,2]},"x/y":{"t~n":"v"}}""", doc);
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""[{"op":"replace","path":"/a","value":5},{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"add","path":"/no/such","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/list/5","value":1}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""")]
    public void JsonPatchFailuresAreNotMalformedAndLeaveTheDocumentAlone(string patch)
    {
        var doc = Obj("""{"a":1,"list":[1]}""");
        var e = Assert.Throws<PatchException>(() => JsonPatch.Apply(doc, patch));
        Assert.False(e.Malformed);
        AssertJson("""{"a":1,"list":[1]}""", doc);
    }

    [Fact]
    public void JsonPatchThatIsNotAnArrayIsMalformed() =>
        Assert.True(Assert.Throws<PatchException>(() => JsonPatch.Apply(Obj("{}"), """{"op":"add"}""")).Malformed);

    [Fact]
    public void MergePatchMergesObjectsReplacesListsAndNullDeletes()
    {
        var result = MergePatch.Apply(Obj("""{"a":{"b":1,"c":2},"l":[1,2],"k":"v"}"""), """{"a":{"b":null,"d":3},"l":[3],"k":null,"n":{"x":null}}""");
        AssertJson("""{"a":{"c":2,"d":3},"l":[3],"n":{}}""", result);
    }

    private const string Deployment = """
        {"metadata":{"name":"d","labels":{"app":"d","tier":"api"},"finalizers":["a","b","c"]},
         "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}},
          "template":{"metadata":{"labels":{"app":"d"}},
           "spec":{"containers":[
             {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "resources":{"limits":{"cpu":"1","memory":"1Gi"}},"ports":[{"containerPort":80,"name":"http"}]},
             {"name":"sidecar","image":"side:1"}],
            "tolerations":[{"key":"k1","operator":"Exists"}]}}}}
        """;

    [Fact]
    public void ContainersAndEnvMergeByName()
    {
        // What kubectl set env sends: the changed entry plus the full order of both lists.
        var result = Smp(Deployment, """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
              "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"FOO"}],"env":[{"name":"B","value":"two"},{"name":"FOO","value":"bar"}],"name":"app"}]}}}}
            """);
        var app = result["spec"]!["template"]!["spec"]!["containers"]![0]!;
        AssertJson("""[{"name":"A","value":"1"},{"name":"B","value":"two"},{"name":"FOO","value":"bar"}]""", app["env"]);
        Assert.Equal("app:1", (string?)app["image"]);
        Assert.Equal("sidecar", (string?)result["spec"]!["template"]!["spec"]!["containers"]![1]!["name"]);
    }

    [Fact]
    public void PatchDeleteRemovesAListElementByMergeKey()
    {
        var result = Smp(Deployment, """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"$patch":"delete","name":"A"}]}]}}}}""");
        AssertJson("""[{"name":"B","value":"2"}]""", result["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]);
    }

    [Fact]
    public void ResourcesMapsMergeAndNewContainersAppend()
    {
        var result = Smp(Deployment, """
            {"spec":{"template":{"spec":{"containers":[
              {"name":"app","resources":{"limits":{"memory":"4Gi","cpu":"500m"},"requests":{"cpu":"100m"}}},
              {"name":"new","image":"new:1"}]}}}}
            """);
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        AssertJson("""{"limits":{"cpu":"500m","memory":"4Gi"},"requests":{"cpu":"100m"}}""", containers[0]!["resources"]);
        Assert.Equal(["app", "sidecar", "new"], containers.Select(c => (string?)c!["name"]));
    }

    [Fact]
    public void ListsWithoutAStrategyAreReplaced()
    {
        var result = Smp(Deployment, """{"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}""");
        AssertJson("""[{"key":"k2","operator":"Exists"}]""", result["spec"]!["template"]!["spec"]!["tolerations"]);
    }

    [Fact]
    public void NullDeletesMapKeysAndLabelsMerge()
    {
        var result = Smp(Deployment, """{"metadata":{"labels":{"tier":null,"team":"x"}}}""");
        AssertJson("""{"app":"d","team":"x"}""", result["metadata"]!["labels"]);
    }

    [Fact]
    public void PatchReplaceOnAMapReplacesTheWholeMap()
    {
        // The StatefulSet rollback shape: the template in the patch is the whole new template.
        var result = Smp(Deployment, """{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"old"}},"spec":{"containers":[{"name":"app","image":"app:0"}]}}}}""");
        AssertJson("""{"metadata":{"labels":{"app":"old"}},"spec":{"containers":[{"name":"app","image":"app:0"}]}}""", result["spec"]!["template"]);
        Assert.Equal(1, (int)result["spec"]!["replicas"]!);
    }

    [Fact]
    public void PatchReplaceInAListReplacesTheWholeList()
    {
        var result = Smp(Deployment, """{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o:1"}]}}}}""");
        AssertJson("""[{"name":"only","image":"o:1"}]""", result["spec"]!["template"]!["spec"]!["containers"]);
    }

    [Fact]
    public void PatchDeleteOnAMapRemovesIt()
    {
        var result = Smp(Deployment, """{"spec":{"strategy":{"$patch":"delete"}}}""");
        Assert.Null(result["spec"]!["strategy"]);
    }

    [Fact]
    public void RetainKeysDropsUnlistedFields()
    {
        // kubectl's patch when switching a deployment to Recreate: rollingUpdate must go.
        var result = Smp(Deployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");
        AssertJson("""{"type":"Recreate"}""", result["spec"]!["strategy"]);
    }

    [Fact]
    public void DeleteFromPrimitiveListAndPrimitiveUnion()
    {
        var result = Smp(Deployment, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"finalizers":["d","a"]}}""");
        AssertJson("""["a","c","d"]""", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void SetElementOrderReordersLikeTheApiServer()
    {
        // Only an order: the listed elements take that order.
        var reordered = Smp(Deployment, """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}}}""");
        Assert.Equal(["sidecar", "app"], reordered["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));

        // Server-only elements keep their live position relative to listed ones (strategicpatch's mergeSortedSlice).
        var env = Smp(Deployment, """
            {"spec":{"template":{"spec":{"containers":[{"name":"app","$setElementOrder/env":[{"name":"C"},{"name":"A"}],"env":[{"name":"C","value":"3"}]}]}}}}
            """);
        Assert.Equal(["C", "A", "B"], env["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => (string?)e!["name"]));
    }

    [Fact]
    public void MissingMergeKeyIsRejected() =>
        Assert.Throws<PatchException>(() => Smp(Deployment, """{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"""));

    [Fact]
    public void PodSpecUsesThePodSchema()
    {
        var result = Smp("""{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"b:2"}]}}""", "pods");
        AssertJson("""[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]""", result["spec"]!["containers"]);
    }
}
