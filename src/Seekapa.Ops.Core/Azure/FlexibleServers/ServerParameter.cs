using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>One server parameter (ARM flexibleServers/configurations/{name}) as read.</summary>
public sealed record ServerParameter(string ResourceGroup, string Server, string Name, string? Value, string? DefaultValue, string? DataType,
    string? AllowedValues, string? Unit, string? Source, bool IsDynamicConfig, bool IsConfigPendingRestart, bool IsReadOnly)
{
    public static ServerParameter From(string resourceGroup, string server, string name, JsonNode? json)
    {
        var p = json?["properties"];
        return new ServerParameter(resourceGroup, server, FlexibleServerReader.Text(json?["name"]) ?? name,
            FlexibleServerReader.Text(p?["value"]), FlexibleServerReader.Text(p?["defaultValue"]), FlexibleServerReader.Text(p?["dataType"]),
            FlexibleServerReader.Text(p?["allowedValues"]), FlexibleServerReader.Text(p?["unit"]), FlexibleServerReader.Text(p?["source"]),
            Flag(p?["isDynamicConfig"]), Flag(p?["isConfigPendingRestart"]), Flag(p?["isReadOnly"]));
    }

    private static bool Flag(JsonNode? node) => node is JsonValue v && (v.TryGetValue<bool>(out var b)
        ? b
        : bool.TryParse(FlexibleServerReader.Text(v), out var parsed) && parsed);
}

/// <summary>
/// Checks a value against the parameter's dataType and allowedValues as Azure publishes them: Integer/Numeric ranges
/// ("25-5000", "-1-2147483647", several separated by commas), Boolean/Enumeration lists ("on,off"), Set (a comma-separated
/// subset of the list). Anything else (String, an unrecognised format) is left to Azure, whose refusal is reported as is.
/// </summary>
public static partial class ParameterValueRule
{
    [GeneratedRegex(@"^\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*$")]
    private static partial Regex RangePattern();

    /// <summary>Why the value is not allowed, or null when it is (or cannot be judged here).</summary>
    public static string? Violation(ServerParameter parameter, string value)
    {
        var allowed = parameter.AllowedValues;
        if (string.IsNullOrWhiteSpace(allowed))
        {
            return null;
        }

        switch (parameter.DataType?.ToLowerInvariant())
        {
            case "integer":
            case "numeric":
                var integer = parameter.DataType.Equals("Integer", StringComparison.OrdinalIgnoreCase);
                var ranges = Ranges(allowed);
                if (ranges is null)
                {
                    return null;
                }

                if (!double.TryParse(value, integer ? NumberStyles.AllowLeadingSign : NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return $"'{value}' is not {(integer ? "an integer" : "a number")}";
                }

                return ranges.Any(r => number >= r.Min && number <= r.Max) ? null : $"{value} is outside the allowed range {allowed}";
            case "boolean":
            case "enumeration":
                return List(allowed).Contains(value.Trim(), StringComparer.OrdinalIgnoreCase) ? null : $"'{value}' is not one of {allowed}";
            case "set":
                var options = List(allowed);
                var wrong = List(value).Where(v => !options.Contains(v, StringComparer.OrdinalIgnoreCase)).ToArray();
                return wrong.Length == 0 ? null : $"{string.Join(", ", wrong.Select(w => $"'{w}'"))} not in {allowed}";
            default:
                return null;
        }
    }

    /// <summary>True when the value is what the parameter already has (numbers compared as numbers, words case-insensitively).</summary>
    public static bool SameValue(ServerParameter parameter, string value)
    {
        var current = parameter.Value;
        if (current is null)
        {
            return false;
        }

        return parameter.DataType?.ToLowerInvariant() switch
        {
            "integer" or "numeric" => double.TryParse(current, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) &&
                                      double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && a == b,
            "boolean" or "enumeration" or "set" => string.Equals(current.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase),
            _ => string.Equals(current, value, StringComparison.Ordinal),
        };
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (double Min, double Max)[]? Ranges(string allowed)
    {
        var ranges = new List<(double, double)>();
        foreach (var part in List(allowed))
        {
            var match = RangePattern().Match(part);
            if (!match.Success)
            {
                return null;
            }

            ranges.Add((double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
        }

        return ranges.ToArray();
    }
}
