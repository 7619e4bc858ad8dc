using System.Text.RegularExpressions;
using k8s.Models;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>What a person needs to see of a pod template: images, and what a rollback would change (images, env).</summary>
public static partial class TemplateSummary
{
    [GeneratedRegex("PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    public static IReadOnlyList<string> Images(V1PodTemplateSpec? template) =>
        template?.Spec?.Containers?.Select(c => c.Image ?? string.Empty).ToArray() ?? Array.Empty<string>();

    public static IReadOnlyList<string> Containers(V1PodTemplateSpec? template) =>
        template?.Spec?.Containers?.Select(c => c.Name).ToArray() ?? Array.Empty<string>();

    /// <summary>"container:NAME" for each env var of each container; values are never included.</summary>
    public static IReadOnlyList<string> EnvNames(V1PodTemplateSpec? template) =>
        template?.Spec?.Containers?.SelectMany(c => (c.Env ?? new List<V1EnvVar>()).Select(e => $"{c.Name}:{e.Name}")).ToArray()
        ?? Array.Empty<string>();

    public static bool LooksSecret(string name) => SecretName().IsMatch(name);

    /// <summary>
    /// The differences between the current and the target template, one line each: images per container, env vars
    /// added, removed or changed. Values of plain env vars are shown unless the name looks secret; valueFrom references
    /// are shown by name only. Everything passes through the Redactor.
    /// </summary>
    public static IReadOnlyList<string> Diff(V1PodTemplateSpec? current, V1PodTemplateSpec? target)
    {
        var lines = new List<string>();
        var before = AllContainers(current);
        var after = AllContainers(target);
        foreach (var (name, container) in after)
        {
            if (!before.TryGetValue(name, out var old))
            {
                lines.Add($"container {name}: added (image {container.Image})");
                continue;
            }

            if (!string.Equals(old.Image, container.Image, StringComparison.Ordinal))
            {
                lines.Add($"container {name}: image {old.Image} -> {container.Image}");
            }

            var oldEnv = (old.Env ?? new List<V1EnvVar>()).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last());
            var newEnv = (container.Env ?? new List<V1EnvVar>()).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last());
            foreach (var (envName, value) in newEnv)
            {
                if (!oldEnv.TryGetValue(envName, out var previous))
                {
                    lines.Add($"container {name}: env {envName} added ({Describe(value)})");
                }
                else if (Describe(previous) != Describe(value) || !string.Equals(previous.Value, value.Value, StringComparison.Ordinal))
                {
                    lines.Add($"container {name}: env {envName} changed ({Describe(previous)} -> {Describe(value)})");
                }
            }

            foreach (var envName in oldEnv.Keys.Where(k => !newEnv.ContainsKey(k)))
            {
                lines.Add($"container {name}: env {envName} removed");
            }
        }

        foreach (var name in before.Keys.Where(k => !after.ContainsKey(k)))
        {
            lines.Add($"container {name}: removed");
        }

        return lines.Select(l => Redactor.Redact(l)).ToArray();
    }

    private static string Describe(V1EnvVar env)
    {
        var from = env.ValueFrom;
        if (from?.SecretKeyRef is { } secret)
        {
            return $"from secret {secret.Name}/{secret.Key}";
        }

        if (from?.ConfigMapKeyRef is { } map)
        {
            return $"from configmap {map.Name}/{map.Key}";
        }

        if (from?.FieldRef is { } field)
        {
            return $"from field {field.FieldPath}";
        }

        if (from?.ResourceFieldRef is { } resource)
        {
            return $"from resource {resource.Resource}";
        }

        if (from is not null)
        {
            return "from a reference";
        }

        return LooksSecret(env.Name) ? $"value {Redactor.Mask}" : $"value '{env.Value}'";
    }

    private static Dictionary<string, V1Container> AllContainers(V1PodTemplateSpec? template)
    {
        var map = new Dictionary<string, V1Container>(StringComparer.Ordinal);
        foreach (var c in template?.Spec?.InitContainers ?? new List<V1Container>())
        {
            map[c.Name] = c;
        }

        foreach (var c in template?.Spec?.Containers ?? new List<V1Container>())
        {
            map[c.Name] = c;
        }

        return map;
    }
}
