using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Kubernetes;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes;

/// <summary>
/// kubectl's pod columns (printPod) against the data corpus in Corpus/pods/*.json: each case is
/// { name, now, pod, expect: { ready, status, restarts, age, wide? } } and every column is compared exactly.
/// </summary>
public sealed class PodStatusPrinterTests
{
    private const int MinimumCorpusSize = 45;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in PodCorpus.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Corpus_case_prints_exactly_like_kubectl(string name)
    {
        var c = PodCorpus.Get(name);

        var actual = PodStatusPrinter.Print(c.Pod, c.Now);

        Assert.Equal(c.Expect, new Columns(actual.Ready, actual.Status, actual.RestartsDisplay, actual.Age));

        // The structured fields agree with the strings.
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{actual.ReadyCount}/{actual.TotalCount}"), actual.Ready);
        var restartsText = actual.Restarts.ToString(CultureInfo.InvariantCulture);
        Assert.True(
            actual.RestartsDisplay == restartsText || actual.RestartsDisplay.StartsWith(restartsText + " (", StringComparison.Ordinal),
            $"RestartsDisplay '{actual.RestartsDisplay}' does not start with Restarts {actual.Restarts}");
        Assert.Equal(actual.RestartsDisplay != restartsText, actual.LastRestart is not null && actual.Restarts != 0);

        if (c.ExpectWide is { } wide)
        {
            var w = PodStatusPrinter.PrintWide(c.Pod);
            Assert.Equal(wide, new WideColumns(w.IP, w.Node, w.NominatedNode, w.ReadinessGates));
        }
    }

    [Fact]
    public void Corpus_has_at_least_45_cases()
    {
        Assert.True(
            PodCorpus.Cases.Count >= MinimumCorpusSize,
            $"expected at least {MinimumCorpusSize} pod cases in {PodCorpus.Directory}, found {PodCorpus.Cases.Count}");
    }

    [Fact]
    public void Corpus_case_names_are_unique()
    {
        var duplicates = PodCorpus.Cases.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Theory]
    [InlineData("CrashLoopBackOff")]
    [InlineData("ImagePullBackOff")]
    [InlineData("ErrImagePull")]
    [InlineData("Pending")]
    [InlineData("ContainerCreating")]
    [InlineData("Init:CrashLoopBackOff")]
    [InlineData("Init:0/2")]
    [InlineData("Init:1/3")]
    [InlineData("Init:Error")]
    [InlineData("Init:Signal:15")]
    [InlineData("Init:ExitCode:2")]
    [InlineData("Completed")]
    [InlineData("Error")]
    [InlineData("OOMKilled")]
    [InlineData("Evicted")]
    [InlineData("Terminating")]
    [InlineData("Unknown")]
    [InlineData("NotReady")]
    [InlineData("Running")]
    [InlineData("SchedulingGated")]
    [InlineData("Signal:9")]
    [InlineData("ExitCode:1")]
    public void Corpus_covers_status(string status)
    {
        Assert.Contains(PodCorpus.Cases, c => c.Expect.Status == status);
    }

    [Fact]
    public void Corpus_covers_unknown_age_and_restart_suffixes()
    {
        Assert.Contains(PodCorpus.Cases, c => c.Expect.Age == "<unknown>" && c.Pod.Metadata?.CreationTimestamp is null);
        Assert.Contains(PodCorpus.Cases, c => c.Expect.Restarts.EndsWith(" ago)", StringComparison.Ordinal));
        Assert.Contains(PodCorpus.Cases, c => c.ExpectWide is not null);
    }

    [Fact]
    public void LastRestart_is_the_latest_finishedAt_in_utc()
    {
        var c = PodCorpus.Get("incident-crashloopbackoff-after-oomkilled");

        var actual = PodStatusPrinter.Print(c.Pod, c.Now);

        Assert.Equal(5, actual.Restarts);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 11, 57, 0, TimeSpan.Zero), actual.LastRestart);
        Assert.Equal(TimeSpan.Zero, actual.LastRestart!.Value.Offset);
    }

    [Fact]
    public void Print_uses_the_now_passed_in()
    {
        var c = PodCorpus.Get("incident-crashloopbackoff-after-oomkilled");

        var later = PodStatusPrinter.Print(c.Pod, c.Now.AddDays(30));

        Assert.Equal("5 (30d ago)", later.RestartsDisplay);
        Assert.Equal("32d", later.Age);
    }

    [Fact]
    public void Print_is_repeatable_and_does_not_mutate_the_pod()
    {
        var c = PodCorpus.Get("incident-init-2-of-3-sidecar-started-and-ready");
        var before = KubernetesJson.Serialize(c.Pod);

        var first = PodStatusPrinter.Print(c.Pod, c.Now);
        var second = PodStatusPrinter.Print(c.Pod, c.Now);

        Assert.Equal(first, second);
        Assert.Equal(before, KubernetesJson.Serialize(c.Pod));
    }

    [Theory]
    [InlineData(DateTimeKind.Utc)]
    [InlineData(DateTimeKind.Unspecified)]
    public void Timestamps_are_treated_as_utc(DateTimeKind kind)
    {
        var created = DateTime.SpecifyKind(new DateTime(2026, 1, 1, 10, 0, 0), kind);
        var finished = DateTime.SpecifyKind(new DateTime(2026, 1, 1, 11, 57, 0), kind);
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", CreationTimestamp = created },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] },
            Status = new V1PodStatus
            {
                Phase = "Running",
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "app",
                        Ready = true,
                        RestartCount = 2,
                        State = new V1ContainerState { Running = new V1ContainerStateRunning() },
                        LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, FinishedAt = finished } },
                    },
                ],
            },
        };

        var actual = PodStatusPrinter.Print(pod, new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new Columns("1/1", "Running", "2 (3m ago)", "120m"), new Columns(actual.Ready, actual.Status, actual.RestartsDisplay, actual.Age));
    }

    [Fact]
    public void Local_timestamps_are_converted_to_utc()
    {
        var createdUtc = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", CreationTimestamp = createdUtc.ToLocalTime() } };

        var actual = PodStatusPrinter.Print(pod, new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal("120m", actual.Age);
    }

    [Fact]
    public void Now_with_an_offset_is_the_same_instant()
    {
        var c = PodCorpus.Get("incident-crashloopbackoff-after-oomkilled");

        var actual = PodStatusPrinter.Print(c.Pod, c.Now.ToOffset(TimeSpan.FromHours(-5)));

        Assert.Equal("5 (3m ago)", actual.RestartsDisplay);
        Assert.Equal("2d1h", actual.Age);
    }

    [Fact]
    public void Null_pod_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => PodStatusPrinter.Print(null!, DateTimeOffset.UnixEpoch));
        Assert.Throws<ArgumentNullException>(() => PodStatusPrinter.PrintWide(null!));
    }

    [Fact]
    public void Wide_podIP_is_authoritative_over_disagreeing_podIPs()
    {
        var status = new V1PodStatus { PodIP = "10.0.0.2", PodIPs = [new V1PodIP { Ip = "10.0.0.1" }] };

        Assert.Equal("10.0.0.2", PodStatusPrinter.PodIP(status));
        Assert.Equal("10.0.0.1", PodStatusPrinter.PodIP(new V1PodStatus { PodIPs = [new V1PodIP { Ip = "10.0.0.1" }, new V1PodIP { Ip = "fd00::1" }] }));
        Assert.Equal("<none>", PodStatusPrinter.PodIP(new V1PodStatus { PodIPs = [] }));
        Assert.Equal("<none>", PodStatusPrinter.PodIP(null));
    }

    private sealed record Columns(string Ready, string Status, string Restarts, string Age);

    private sealed record WideColumns(string IP, string Node, string NominatedNode, string ReadinessGates);

    private sealed record PodCase(string Name, DateTimeOffset Now, V1Pod Pod, Columns Expect, WideColumns? ExpectWide);

    private static class PodCorpus
    {
        private static readonly Lazy<IReadOnlyList<PodCase>> All = new(Load);

        public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Corpus", "pods");

        public static IReadOnlyList<PodCase> Cases => All.Value;

        public static PodCase Get(string name) =>
            Cases.SingleOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"no corpus case named '{name}'");

        private static List<PodCase> Load()
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                throw new DirectoryNotFoundException($"pod corpus not found at {Directory}");
            }

            var cases = new List<PodCase>();
            foreach (var file in System.IO.Directory.GetFiles(Directory, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    foreach (var element in root.EnumerateArray())
                    {
                        cases.Add(ParseCase(element, file));
                    }
                }
                else
                {
                    cases.Add(ParseCase(root, file));
                }
            }

            return cases;
        }

        private static PodCase ParseCase(JsonElement e, string file)
        {
            var name = Required(e, "name", file);
            try
            {
                var now = DateTimeOffset.Parse(Required(e, "now", file), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                var pod = KubernetesJson.Deserialize<V1Pod>(e.GetProperty("pod").GetRawText())
                    ?? throw new InvalidDataException("pod deserialized to null");
                var expect = e.GetProperty("expect");
                var columns = new Columns(
                    Required(expect, "ready", file),
                    Required(expect, "status", file),
                    Required(expect, "restarts", file),
                    Required(expect, "age", file));
                WideColumns? wide = null;
                if (expect.TryGetProperty("wide", out var w))
                {
                    wide = new WideColumns(
                        Required(w, "ip", file),
                        Required(w, "node", file),
                        Required(w, "nominatedNode", file),
                        Required(w, "readinessGates", file));
                }

                return new PodCase(name, now, pod, columns, wide);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidDataException)
            {
                throw new InvalidDataException($"{Path.GetFileName(file)}: case '{name}' is malformed: {ex.Message}", ex);
            }
        }

        private static string Required(JsonElement e, string property, string file) =>
            e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new InvalidDataException($"{Path.GetFileName(file)}: missing string property '{property}'");
    }
}
