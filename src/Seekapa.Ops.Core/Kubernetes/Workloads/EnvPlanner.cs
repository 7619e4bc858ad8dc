using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Kubernetes.Workloads;

/// <summary>
/// The variables to set (literal values or Secret references) and to remove, validated as kubectl set env validates them
/// before any call: names must be valid, and one name may not be both set and removed.
/// </summary>
public sealed partial class EnvEdit
{
    private EnvEdit(IReadOnlyList<V1EnvVar> set, IReadOnlyList<string> remove)
    {
        Set = set;
        Remove = remove;
    }

    /// <summary>Variables to set, in the order given: new ones are appended in this order.</summary>
    public IReadOnlyList<V1EnvVar> Set { get; }

    public IReadOnlyList<string> Remove { get; }

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvVarName();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKey();

    /// <param name="values">Literal values (KEY=VALUE).</param>
    /// <param name="secretRefs">Secret references, "secret-name/key" (valueFrom.secretKeyRef).</param>
    /// <param name="remove">Names to remove (KEY-).</param>
    public static EnvEdit Create(IEnumerable<KeyValuePair<string, string>>? values,
        IEnumerable<KeyValuePair<string, string>>? secretRefs, IEnumerable<string>? remove)
    {
        var set = new List<V1EnvVar>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(V1EnvVar variable)
        {
            ValidateName(variable.Name);
            if (!names.Add(variable.Name))
            {
                throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                    $"'{variable.Name}' is given twice (in -Env and -FromSecret); give each variable once.", variable.Name);
            }

            set.Add(variable);
        }

        foreach (var (name, value) in values ?? Array.Empty<KeyValuePair<string, string>>())
        {
            Add(new V1EnvVar { Name = name, Value = value });
        }

        foreach (var (name, reference) in secretRefs ?? Array.Empty<KeyValuePair<string, string>>())
        {
            Add(new V1EnvVar { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = ParseSecretRef(name, reference) } });
        }

        var removals = new List<string>();
        foreach (var name in remove ?? Array.Empty<string>())
        {
            ValidateName(name);
            if (names.Contains(name))
            {
                // kubectl: "can not both modify and remove the same environment variable in the same command".
                throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                    $"can not both modify and remove the same environment variable in the same command ('{name}').", name);
            }

            if (!removals.Contains(name))
            {
                removals.Add(name);
            }
        }

        if (set.Count == 0 && removals.Count == 0)
        {
            throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                "Give at least one variable to set (-Env, -FromSecret) or to remove (-Remove).");
        }

        return new EnvEdit(set, removals);
    }

    public static void ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !EnvVarName().IsMatch(name))
        {
            throw new SeekapaException("InvalidEnvName", FailureCategory.InvalidArgument,
                $"\"{name}\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name', or 'MY_ENV.NAME', or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
                name);
        }
    }

    private static V1SecretKeySelector ParseSecretRef(string name, string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        var secret = slash > 0 ? reference[..slash] : string.Empty;
        var key = slash > 0 ? reference[(slash + 1)..] : string.Empty;
        if (!ResourceNames.IsValidName(secret) || key.Length is 0 or > 253 || !SecretKey().IsMatch(key))
        {
            throw new SeekapaException("InvalidEnv", FailureCategory.InvalidArgument,
                $"-FromSecret {name} = '{reference}' is not a Secret reference: write 'secret-name/key', e.g. 'backend-db/database-url' (a Secret name is an RFC 1123 subdomain; a key consists of alphanumerics, '-', '_' or '.').",
                name);
        }

        return new V1SecretKeySelector { Name = secret, Key = key };
    }
}

/// <summary>
/// kubectl set env on each selected container: an existing variable is replaced in place, a new one is appended, a
/// removal wins. The patch names only the variables that change ($patch: delete for removals), merged by name.
/// </summary>
public static partial class EnvPlanner
{
    public static TemplatePlan Plan(WorkloadState state, ContainerSelection selection, EnvEdit edit)
    {
        var selected = selection.Select(state.Template.Spec);
        var patches = new List<(SelectedContainer, JsonObject)>();
        var changes = new List<string>();
        var before = new List<string>();
        var after = new List<string>();
        foreach (var container in selected)
        {
            var existing = container.Container.Env ?? new List<V1EnvVar>();
            var entries = new JsonArray();
            foreach (var variable in edit.Set)
            {
                var current = existing.FirstOrDefault(e => e.Name == variable.Name);
                if (current is not null && SameSource(current, variable))
                {
                    continue;
                }

                var entry = (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(variable))!;
                // A merge keeps fields the patch does not name: clear the other source, or the server sees both.
                if (variable.ValueFrom is null && current?.ValueFrom is not null)
                {
                    entry["valueFrom"] = null;
                }

                if (variable.ValueFrom is not null && current?.Value is not null)
                {
                    entry["value"] = null;
                }

                entries.Add(entry);
                Describe(container.Name, variable.Name, current, variable, changes, before, after);
            }

            foreach (var name in edit.Remove)
            {
                var current = existing.FirstOrDefault(e => e.Name == name);
                if (current is null)
                {
                    continue;
                }

                entries.Add(new JsonObject { ["name"] = name, ["$patch"] = "delete" });
                Describe(container.Name, name, current, null, changes, before, after);
            }

            if (entries.Count > 0)
            {
                patches.Add((container, new JsonObject { ["env"] = entries }));
            }
        }

        if (patches.Count == 0)
        {
            return TemplatePlan.Unchanged(string.Join("; ", selected.Select(c => c.Name)) + ": environment already as requested");
        }

        return new TemplatePlan(TemplatePlan.ContainersPatch(patches), changes, string.Join("; ", before), string.Join("; ", after));
    }

    /// <summary>The env list kubectl's updateEnv computes; what the server holds after our patch (used by tests).</summary>
    public static IReadOnlyList<V1EnvVar> Apply(IEnumerable<V1EnvVar>? existing, EnvEdit edit)
    {
        var result = new List<V1EnvVar>();
        var covered = new HashSet<string>(edit.Remove, StringComparer.Ordinal);
        foreach (var variable in existing ?? Array.Empty<V1EnvVar>())
        {
            if (covered.Contains(variable.Name))
            {
                continue;
            }

            var replacement = edit.Set.FirstOrDefault(s => s.Name == variable.Name);
            if (replacement is not null)
            {
                covered.Add(variable.Name);
                result.Add(replacement);
                continue;
            }

            result.Add(variable);
        }

        foreach (var variable in edit.Set)
        {
            if (covered.Add(variable.Name))
            {
                result.Add(variable);
            }
        }

        return result;
    }

    private static bool SameSource(V1EnvVar a, V1EnvVar b) =>
        (a.Value ?? string.Empty) == (b.Value ?? string.Empty) &&
        (a.ValueFrom is null ? null : KubernetesJson.Serialize(a.ValueFrom)) == (b.ValueFrom is null ? null : KubernetesJson.Serialize(b.ValueFrom));

    private static void Describe(string container, string name, V1EnvVar? was, V1EnvVar? now,
        List<string> changes, List<string> before, List<string> after)
    {
        var from = EnvDisplay.Describe(was);
        var to = now is null ? "<removed>" : EnvDisplay.Describe(now);
        changes.Add($"{container} {name} {from} -> {to}");
        before.Add($"{container} {name}={from}");
        after.Add($"{container} {name}={to}");
    }
}

/// <summary>
/// How an environment variable is shown in results, Verbose and the incident timeline: literal values only for names
/// that do not look sensitive and values that carry no credential; everything else as &lt;set&gt; or its reference.
/// </summary>
public static partial class EnvDisplay
{
    private const int MaxShown = 64;

    [GeneratedRegex("(?i)(PASS|PWD|TOKEN|SECRET|KEY|CRED|CONNECTION|CONN_?STR|DSN|DATABASE_URL|_URL$|_URI$|^URL$|^URI$|AUTH|PRIVATE|CERT|SALT|SIGNATURE|SESSION|COOKIE)")]
    private static partial Regex SensitiveName();

    public static bool IsSensitiveName(string name) => SensitiveName().IsMatch(name);

    public static string Describe(V1EnvVar? variable)
    {
        if (variable is null)
        {
            return "<none>";
        }

        if (variable.ValueFrom is { } source)
        {
            return source switch
            {
                { SecretKeyRef: { } s } => $"<secret {s.Name}/{s.Key}>",
                { ConfigMapKeyRef: { } c } => $"<configmap {c.Name}/{c.Key}>",
                { FieldRef: { } f } => $"<field {f.FieldPath}>",
                { ResourceFieldRef: { } r } => $"<resource {r.Resource}>",
                _ => "<valueFrom>",
            };
        }

        var value = variable.Value ?? string.Empty;
        if (IsSensitiveName(variable.Name) || Redactor.Redact(value) != value)
        {
            return "<set>";
        }

        return value.Length > MaxShown ? value[..MaxShown] + "..." : value;
    }
}
