using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Workloads;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Workloads;

public sealed class EnvPlannerTests
{
    private static KeyValuePair<string, string> Kv(string k, string v) => new(k, v);

    private static EnvEdit Edit(KeyValuePair<string, string>[]? set = null, KeyValuePair<string, string>[]? secrets = null,
        string[]? remove = null) => EnvEdit.Create(set, secrets, remove);

    private static TemplatePlan Plan(EnvEdit edit, params string[] containers) =>
        EnvPlanner.Plan(PlannerTestData.Backend(), new ContainerSelection(containers.Length == 0 ? new[] { "backend" } : containers), edit);

    [Fact]
    public void RunbookCircuitBreakerIsAppendedByName()
    {
        var plan = Plan(Edit(new[] { Kv("CIRCUIT_BREAKER_ENABLED", "true") }));
        Assert.Equal(
            """{"template":{"spec":{"containers":[{"name":"backend","env":[{"name":"CIRCUIT_BREAKER_ENABLED","value":"true"}]}]}}}""",
            plan.SpecPatch!.ToJsonString());
        Assert.Equal(new[] { "backend CIRCUIT_BREAKER_ENABLED <none> -> true" }, plan.Changes);
        Assert.Equal("backend CIRCUIT_BREAKER_ENABLED=true", plan.After);
    }

    [Fact]
    public void KubectlOrderingReplaceInPlaceAppendNewRemovalWins()
    {
        var existing = PlannerTestData.Backend().Template.Spec.Containers[0].Env;
        var edit = Edit(new[] { Kv("NEW_ONE", "1"), Kv("LOG_LEVEL", "debug") }, remove: new[] { "FEATURE_X" });
        var result = EnvPlanner.Apply(existing, edit);
        Assert.Equal(new[] { "LOG_LEVEL", "DATABASE_URL", "API_TOKEN", "NEW_ONE" }, result.Select(e => e.Name));
        Assert.Equal("debug", result[0].Value);
    }

    [Fact]
    public void RemovalIsADeleteDirectiveAndMissingRemovalsAreIgnored()
    {
        var plan = Plan(Edit(remove: new[] { "FEATURE_X", "NOT_THERE" }));
        var env = plan.SpecPatch!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal("""[{"name":"FEATURE_X","$patch":"delete"}]""", env.ToJsonString());
        Assert.Equal(new[] { "backend FEATURE_X on -> <removed>" }, plan.Changes);
    }

    [Fact]
    public void SettingAndRemovingTheSameKeyIsInvalidEnv()
    {
        var ex = Assert.Throws<SeekapaException>(() => Edit(new[] { Kv("A", "1") }, remove: new[] { "A" }));
        Assert.Equal("InvalidEnv", ex.ErrorId);
        Assert.Contains("can not both modify and remove", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A B")]
    [InlineData("A=B")]
    [InlineData("")]
    [InlineData("ÄPFEL")]
    public void InvalidNamesAreRejected(string name)
    {
        Assert.Equal("InvalidEnvName", Assert.Throws<SeekapaException>(() => Edit(new[] { Kv(name, "x") })).ErrorId);
        Assert.Equal("InvalidEnvName", Assert.Throws<SeekapaException>(() => Edit(remove: new[] { name })).ErrorId);
    }

    [Theory]
    [InlineData("my.env-name")]
    [InlineData("MY_ENV.NAME")]
    [InlineData("_x")]
    [InlineData("-x")]
    public void KubectlValidNamesAreAccepted(string name) => Edit(new[] { Kv(name, "x") });

    [Fact]
    public void SameValueIsUnchangedAndSendsNothing()
    {
        var plan = Plan(Edit(new[] { Kv("LOG_LEVEL", "info") }, remove: new[] { "NOT_THERE" }));
        Assert.True(plan.IsUnchanged);
    }

    [Fact]
    public void SecretReferenceReplacesALiteralAndClearsTheValue()
    {
        var plan = Plan(Edit(secrets: new[] { Kv("DATABASE_URL", "backend-db/database-url") }));
        var entry = plan.SpecPatch!["template"]!["spec"]!["containers"]![0]!["env"]![0]!.AsObject();
        Assert.Equal(
            """{"name":"DATABASE_URL","valueFrom":{"secretKeyRef":{"key":"database-url","name":"backend-db"}},"value":null}""",
            entry.ToJsonString());
        Assert.Equal(new[] { "backend DATABASE_URL <set> -> <secret backend-db/database-url>" }, plan.Changes);
    }

    [Fact]
    public void LiteralReplacingASecretReferenceClearsValueFrom()
    {
        var plan = Plan(Edit(new[] { Kv("API_TOKEN", "abc") }));
        var entry = plan.SpecPatch!["template"]!["spec"]!["containers"]![0]!["env"]![0]!.AsObject();
        Assert.True(entry.ContainsKey("valueFrom"));
        Assert.Null(entry["valueFrom"]);
    }

    [Theory]
    [InlineData("backend-db")]
    [InlineData("/key")]
    [InlineData("Bad_Name/key")]
    [InlineData("db/bad key")]
    public void MalformedSecretReferencesAreInvalidEnv(string reference) =>
        Assert.Equal("InvalidEnv", Assert.Throws<SeekapaException>(() => Edit(secrets: new[] { Kv("X", reference) })).ErrorId);

    [Fact]
    public void SecretLookingValuesNeverAppearInTheSummary()
    {
        var plan = Plan(Edit(new[] { Kv("DATABASE_URL", "postgres://app:newpass@db2:5432/app"), Kv("DB_PASSWORD", "s3cret"),
            Kv("UPSTREAM", "https://user:pw@example.com") }));
        var text = string.Join("\n", plan.Changes.Append(plan.Before!).Append(plan.After!));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("newpass", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", text, StringComparison.Ordinal);
        Assert.Contains("backend DB_PASSWORD <none> -> <set>", plan.Changes);
    }

    [Fact]
    public void AppliesToEveryMatchingContainer()
    {
        var plan = Plan(Edit(new[] { Kv("TZ", "UTC") }), "*");
        var spec = plan.SpecPatch!["template"]!["spec"]!;
        Assert.Equal(2, spec["containers"]!.AsArray().Count);
        Assert.Single(spec["initContainers"]!.AsArray());
    }

    [Fact]
    public void EnvDisplayShowsReferencesNotValues()
    {
        Assert.Equal("<configmap cfg/k>", EnvDisplay.Describe(new V1EnvVar
        {
            Name = "X",
            ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cfg", Key = "k" } },
        }));
        Assert.Equal("<set>", EnvDisplay.Describe(new V1EnvVar { Name = "STRIPE_KEY", Value = "sk_live_x" }));
        Assert.Equal("true", EnvDisplay.Describe(new V1EnvVar { Name = "CIRCUIT_BREAKER_ENABLED", Value = "true" }));
    }
}
