using k8s.KubeConfigModels;
using Seekapa.Ops.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>Finds and reads kubeconfig files the way kubectl does: an explicit path, else $KUBECONFIG (merged, first wins), else ~/.kube/config.</summary>
public static class KubeconfigLoader
{
    /// <param name="PrimaryPath">The file it came from, or a description of an in-memory kubeconfig (for messages).</param>
    /// <param name="FromFile">False for a kubeconfig held only in memory (AKS credentials fetched through ARM).</param>
    public sealed record Loaded(K8SConfiguration Config, string Context, string PrimaryPath, bool FromFile = true);

    /// <summary>The files kubectl would read, in precedence order.</summary>
    public static IReadOnlyList<string> ResolvePaths(string? explicitPath, string? kubeconfigEnv, string? homeDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return new[] { Path.GetFullPath(ExpandHome(explicitPath, homeDirectory)) };
        }

        if (!string.IsNullOrWhiteSpace(kubeconfigEnv))
        {
            var paths = kubeconfigEnv.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => Path.GetFullPath(ExpandHome(p, homeDirectory)))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (paths.Count > 0)
            {
                return paths;
            }
        }

        var home = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new[] { Path.Combine(home, ".kube", "config") };
    }

    /// <summary>Loads and merges the files, and picks the context (the given one, else current-context). Makes no network call.</summary>
    public static Loaded Load(string? explicitPath, string? context)
    {
        var paths = ResolvePaths(explicitPath, Environment.GetEnvironmentVariable("KUBECONFIG"), null);
        // kubectl ignores missing files in $KUBECONFIG but not an explicit --kubeconfig.
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count == 0 || (explicitPath is not null && !File.Exists(paths[0])))
        {
            var shown = string.Join(Path.PathSeparator, paths);
            throw new SeekapaException("KubeconfigNotFound", FailureCategory.ObjectNotFound,
                $"Kubeconfig file '{shown}' was not found.", shown,
                "Pass -Kubeconfig with the path of an existing kubeconfig, set $env:KUBECONFIG, or run Connect-SeekapaCluster -ResourceGroupName -ClusterName to fetch AKS credentials.");
        }

        K8SConfiguration? merged = null;
        foreach (var path in existing)
        {
            K8SConfiguration one;
            try
            {
                one = ReadFile(path);
            }
            catch (Exception ex) when (ex is not SeekapaException)
            {
                throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                    $"Kubeconfig file '{path}' could not be read: {ex.Message}", path,
                    "Check the file is a valid kubeconfig (kubectl config view --kubeconfig PATH).", ex);
            }

            merged = merged is null ? one : Merge(merged, one);
        }

        return new Loaded(merged!, ChooseContext(merged!, context, existing[0]), existing[0]);
    }

    /// <summary>Reads a kubeconfig held in memory; <paramref name="source"/> names it in messages. Makes no network call.</summary>
    public static Loaded Parse(byte[] yaml, string? context, string source)
    {
        K8SConfiguration config;
        try
        {
            using var reader = new StreamReader(new MemoryStream(yaml, writable: false));
            config = Deserialize(reader);
        }
        catch (Exception ex) when (ex is not SeekapaException)
        {
            throw new SeekapaException("KubeconfigInvalid", FailureCategory.InvalidData,
                $"The kubeconfig from {source} could not be read: {ex.Message}", source, inner: ex);
        }

        return new Loaded(config, ChooseContext(config, context, source), source, FromFile: false);
    }

    /// <summary>
    /// Reads one kubeconfig file as KubernetesClientConfiguration.LoadKubeConfig(file, useRelativePaths: true) does:
    /// relative certificate and key paths are then taken from the file's folder.
    /// </summary>
    public static K8SConfiguration ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        var config = Deserialize(reader);
        config.FileName = Path.GetFullPath(path);
        return config;
    }

    // Not k8s.KubernetesYaml: its static constructor builds two deserializers and a serializer over all ~5,900 model
    // types of KubernetesClient by reflection (250-400 ms and 21 MB at a cold start) to read a kubeconfig that uses
    // none of them. The kubeconfig types carry their own YamlMember names; the settings are KubernetesYaml's lenient ones.
    private static readonly Lazy<IDeserializer> KubeconfigDeserializer = new(() => new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithAttemptingUnquotedStringTypeDeserialization()
        .IgnoreUnmatchedProperties()
        .Build());

    private static K8SConfiguration Deserialize(TextReader reader) =>
        KubeconfigDeserializer.Value.Deserialize<K8SConfiguration?>(new MergingParser(new Parser(reader)))
        ?? throw new InvalidDataException("The kubeconfig is empty.");

    private static string ChooseContext(K8SConfiguration merged, string? context, string where)
    {
        var chosen = string.IsNullOrEmpty(context) ? merged.CurrentContext : context;
        if (string.IsNullOrEmpty(chosen))
        {
            throw new SeekapaException("ContextNotFound", FailureCategory.ObjectNotFound,
                $"Kubeconfig '{where}' has no current-context and no -Context was given.", where,
                "Pass -Context NAME, or set one with kubectl config use-context NAME.");
        }

        if (merged.Contexts?.Any(c => c.Name == chosen) != true)
        {
            var known = string.Join(", ", merged.Contexts?.Select(c => c.Name) ?? Array.Empty<string>());
            throw new SeekapaException("ContextNotFound", FailureCategory.ObjectNotFound,
                $"Context '{chosen}' was not found in kubeconfig '{where}'. Known contexts: {(known.Length == 0 ? "none" : known)}.", chosen,
                "Pass -Context with one of the known contexts (kubectl config get-contexts).");
        }

        return chosen;
    }

    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration next)
    {
        // The first file to define a name wins, as in kubectl's merge.
        first.Clusters = Union(first.Clusters, next.Clusters, c => c.Name);
        first.Users = Union(first.Users, next.Users, u => u.Name);
        first.Contexts = Union(first.Contexts, next.Contexts, c => c.Name);
        if (string.IsNullOrEmpty(first.CurrentContext))
        {
            first.CurrentContext = next.CurrentContext;
        }

        return first;
    }

    private static List<T> Union<T>(IEnumerable<T>? a, IEnumerable<T>? b, Func<T, string> key)
    {
        var list = new List<T>(a ?? Enumerable.Empty<T>());
        var seen = new HashSet<string>(list.Select(key), StringComparer.Ordinal);
        list.AddRange((b ?? Enumerable.Empty<T>()).Where(x => seen.Add(key(x))));
        return list;
    }

    private static string ExpandHome(string path, string? home) =>
        path.StartsWith("~/", StringComparison.Ordinal) || path == "~"
            ? Path.Combine(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}
