using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox.Api;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>
/// The subset of the API server's ValidateUpdate that the sandbox enforces on PUT and PATCH: replicas, container names,
/// env var names, resource quantities, the immutable deployment selector and immutable Secrets. Messages and field paths follow
/// k8s.io/apimachinery field.Error formatting so clients print what they would print against a cluster.
/// </summary>
internal static partial class WriteValidation
{
    private static readonly HashSet<string> ReplicatedWorkloads = ["deployments", "replicasets", "statefulsets", "replicationcontrollers"];
    private static readonly HashSet<string> TemplateWorkloads = ["deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "replicationcontrollers"];

    public static List<StatusCause> Validate(ResourceDefinition resource, JsonObject obj, JsonObject? old)
    {
        var causes = new List<StatusCause>();
        if (ReplicatedWorkloads.Contains(resource.Plural) && Number(JsonPaths.Find(obj, "spec.replicas")) is < 0)
        {
            causes.Add(Invalid("spec.replicas", JsonPaths.Find(obj, "spec.replicas")!.ToJsonString(), "must be greater than or equal to 0"));
        }
        if (resource.Plural == "pods" && obj["spec"] is JsonObject podSpec)
        {
            ValidatePodSpec(podSpec, "spec", causes);
        }
        else if (TemplateWorkloads.Contains(resource.Plural) && JsonPaths.Find(obj, "spec.template.spec") is JsonObject templateSpec)
        {
            ValidatePodSpec(templateSpec, "spec.template.spec", causes);
        }
        if (resource.Plural is "deployments" or "replicasets" or "statefulsets" or "daemonsets" && old is not null &&
            resource.Group == "apps" && !JsonNode.DeepEquals(JsonPaths.Find(obj, "spec.selector"), JsonPaths.Find(old, "spec.selector")))
        {
            causes.Add(new StatusCause("FieldValueInvalid",
                $"Invalid value: {JsonPaths.Find(obj, "spec.selector")?.ToJsonString() ?? "null"}: field is immutable", "spec.selector"));
        }
        if (resource.Group.Length == 0 && resource.Plural == "secrets" && old is not null)
        {
            SecretHooks.ValidateUpdate(obj, old, causes);
        }
        if (resource.Group.Length == 0 && resource.Plural == "configmaps" && old is not null)
        {
            ConfigMapHooks.ValidateUpdate(obj, old, causes);
        }
        return causes;
    }

    /// <summary>The validation of an autoscaling/v1 Scale written to a /scale subresource.</summary>
    public static List<StatusCause> ValidateScale(JsonObject scale)
    {
        var causes = new List<StatusCause>();
        if (Number(JsonPaths.Find(scale, "spec.replicas")) is < 0)
        {
            causes.Add(Invalid("spec.replicas", JsonPaths.Find(scale, "spec.replicas")!.ToJsonString(), "must be greater than or equal to 0"));
        }
        return causes;
    }

    private static void ValidatePodSpec(JsonObject spec, string path, List<StatusCause> causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in (string[])["initContainers", "containers", "ephemeralContainers"])
        {
            if (spec[list] is not JsonArray containers)
            {
                continue;
            }
            for (var i = 0; i < containers.Count; i++)
            {
                var cPath = $"{path}.{list}[{i}]";
                if (containers[i] is not JsonObject c)
                {
                    continue;
                }
                var name = JsonPaths.String(c, "name") ?? "";
                if (name.Length == 0)
                {
                    causes.Add(new StatusCause("FieldValueRequired", "Required value", $"{cPath}.name"));
                }
                else if (!names.Add(name))
                {
                    causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: \"{name}\"", $"{cPath}.name"));
                }
                if (c["env"] is JsonArray env)
                {
                    for (var j = 0; j < env.Count; j++)
                    {
                        var envName = env[j] is JsonObject e ? JsonPaths.String(e, "name") ?? "" : "";
                        if (envName.Length == 0)
                        {
                            causes.Add(new StatusCause("FieldValueRequired", "Required value", $"{cPath}.env[{j}].name"));
                        }
                        else if (!EnvVarName().IsMatch(envName))
                        {
                            causes.Add(Invalid($"{cPath}.env[{j}].name", Quote(envName),
                                "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
                        }
                    }
                }
                foreach (var kind in (string[])["limits", "requests"])
                {
                    if (JsonPaths.Find(c, $"resources.{kind}") is not JsonObject quantities)
                    {
                        continue;
                    }
                    foreach (var (resourceName, value) in quantities)
                    {
                        if (!Quantity.IsValid(value))
                        {
                            causes.Add(Invalid($"{cPath}.resources.{kind}[{resourceName}]", value?.ToJsonString() ?? "null",
                                Quantity.Problem(value)));
                        }
                    }
                }
            }
        }
    }

    /// <summary>A JSON number however the node was built (parsed, or created from an int or a long).</summary>
    internal static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private static StatusCause Invalid(string field, string value, string detail) =>
        new("FieldValueInvalid", $"Invalid value: {value}: {detail}", field);

    private static string Quote(string s) => JsonValue.Create(s).ToJsonString();

    // The v1.32 rule (1.34 relaxed it to any printable ASCII but '=').
    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvVarName();
}

/// <summary>resource.Quantity syntax: a signed decimal number and one suffix (binary SI, decimal SI or an exponent).</summary>
internal static partial class Quantity
{
    public static bool IsValid(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => WriteValidation.Number(v) >= 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Parse(v.GetValue<string>()) is { } d && d >= 0,
        _ => false,
    };

    public static string Problem(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && Parse(v.GetValue<string>()) is < 0)
        {
            return "must be greater than or equal to 0";
        }
        return value is JsonValue s && s.GetValueKind() == JsonValueKind.String && Syntax().IsMatch(s.GetValue<string>())
            ? "unable to parse quantity's suffix"
            : "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    }

    /// <summary>The value in base units, or null when the text is not a quantity.</summary>
    public static double? Parse(string text)
    {
        var m = Full().Match(text);
        if (!m.Success)
        {
            return null;
        }
        var number = double.Parse(m.Groups["num"].Value.Length == 0 ? "0" : m.Groups["num"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var suffix = m.Groups["suffix"].Value;
        double scale = suffix switch
        {
            "" => 1,
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "Ti" => 1L << 40, "Pi" => 1L << 50, "Ei" => 1L << 60,
            "n" => 1e-9, "u" => 1e-6, "m" => 1e-3, "k" => 1e3, "M" => 1e6, "G" => 1e9, "T" => 1e12, "P" => 1e15, "E" => 1e18,
            _ => Math.Pow(10, int.Parse(suffix[1..], System.Globalization.CultureInfo.InvariantCulture)),
        };
        return number * scale;
    }

    [GeneratedRegex(@"^(?<num>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Full();

    [GeneratedRegex(@"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex Syntax();
}
