using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// The severity levels: the runbook's four, each field overridable from a JSON policy file:
/// <code>{ "severities": [ { "severity": "SEV-1", "name": "...", "definition": "...", "responseTime": "00:05:00"
/// | "NextBusinessDay", "responseTimeText": "...", "escalation": "...", "examples": [ "..." ] } ] }</code>
/// Levels or fields the file leaves out keep the runbook's values.
/// </summary>
public static class SeverityPolicyCatalog
{
    public const string EnvironmentVariable = "SEEKAPA_SEVERITY_POLICY";

    /// <summary>Exactly the runbook's "Incident Severity Levels".</summary>
    public static IReadOnlyList<SeverityPolicy> Runbook { get; } = new[]
    {
        new SeverityPolicy
        {
            Severity = IncidentSeverity.SEV1, Name = "Critical", Definition = "Complete service outage or data loss",
            ResponseTimeText = "Immediate (< 5 minutes)", ResponseTime = TimeSpan.FromMinutes(5),
            Escalation = "Page on-call engineer immediately via PagerDuty",
            Examples = new[] { "Complete API unavailability", "Database corruption", "Security breach" },
        },
        new SeverityPolicy
        {
            Severity = IncidentSeverity.SEV2, Name = "High", Definition = "Major feature unavailable or significant degradation",
            ResponseTimeText = "< 15 minutes", ResponseTime = TimeSpan.FromMinutes(15), Escalation = "Alert on-call engineer",
            Examples = new[] { "Authentication service down", "Query execution failures > 50%", "Payment processing errors" },
        },
        new SeverityPolicy
        {
            Severity = IncidentSeverity.SEV3, Name = "Medium", Definition = "Minor feature degradation",
            ResponseTimeText = "< 1 hour", ResponseTime = TimeSpan.FromHours(1), Escalation = "Notify team via Slack",
            Examples = new[] { "Slow query performance", "Non-critical service degradation", "UI rendering issues" },
        },
        new SeverityPolicy
        {
            Severity = IncidentSeverity.SEV4, Name = "Low", Definition = "Minor issues with workarounds",
            ResponseTimeText = "Next business day", NextBusinessDay = true, Escalation = "Create ticket in tracking system",
        },
    };

    /// <summary>The explicit path, else $env:SEEKAPA_SEVERITY_POLICY, else the runbook's levels.</summary>
    public static IReadOnlyList<SeverityPolicy> Load(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(path) ? Runbook : LoadFile(Path.GetFullPath(path));
    }

    public static SeverityPolicy For(IncidentSeverity severity, IReadOnlyList<SeverityPolicy>? policy = null) =>
        (policy ?? Runbook).First(p => p.Severity == severity);

    private static IReadOnlyList<SeverityPolicy> LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw IncidentErrors.PolicyNotFound(path);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
            });
        }
        catch (JsonException ex)
        {
            throw IncidentErrors.InvalidPolicy(path, ex.Message, ex);
        }

        if (root?["severities"] is not JsonArray levels)
        {
            throw IncidentErrors.InvalidPolicy(path, "it needs a \"severities\" array.");
        }

        var result = Runbook.ToDictionary(p => p.Severity);
        foreach (var node in levels)
        {
            if (node is not JsonObject level)
            {
                throw IncidentErrors.InvalidPolicy(path, "each entry of \"severities\" must be an object.");
            }

            var label = Text(level, "severity", path);
            if (!IncidentSeverityText.TryParse(label, out var severity))
            {
                throw IncidentErrors.InvalidPolicy(path, $"\"severity\": '{label}' is not SEV-1..SEV-4.");
            }

            result[severity] = Merge(result[severity], level, path);
        }

        return result.Values.OrderBy(p => p.Severity).ToArray();
    }

    private static SeverityPolicy Merge(SeverityPolicy baseline, JsonObject level, string path)
    {
        var responseTime = baseline.ResponseTime;
        var nextBusinessDay = baseline.NextBusinessDay;
        if (Text(level, "responseTime", path) is { } response)
        {
            if (response.Equals("NextBusinessDay", StringComparison.OrdinalIgnoreCase))
            {
                (responseTime, nextBusinessDay) = (null, true);
            }
            else if (TimeSpan.TryParse(response, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
            {
                (responseTime, nextBusinessDay) = (span, false);
            }
            else
            {
                throw IncidentErrors.InvalidPolicy(path, $"\"responseTime\": '{response}' is neither a positive time span (\"00:15:00\") nor \"NextBusinessDay\".");
            }
        }

        string[]? examples = null;
        if (level["examples"] is { } examplesNode)
        {
            examples = examplesNode is JsonArray array && array.All(e => e is JsonValue v && v.TryGetValue<string>(out _))
                ? array.Select(e => e!.GetValue<string>()).ToArray()
                : throw IncidentErrors.InvalidPolicy(path, "\"examples\" must be an array of strings.");
        }

        return new SeverityPolicy
        {
            Severity = baseline.Severity,
            Name = Text(level, "name", path) ?? baseline.Name,
            Definition = Text(level, "definition", path) ?? baseline.Definition,
            ResponseTime = responseTime,
            NextBusinessDay = nextBusinessDay,
            ResponseTimeText = Text(level, "responseTimeText", path) ??
                               (Text(level, "responseTime", path) is { } r ? r : baseline.ResponseTimeText),
            Escalation = Text(level, "escalation", path) ?? baseline.Escalation,
            Examples = examples ?? baseline.Examples,
            Source = path,
        };
    }

    private static string? Text(JsonObject level, string name, string path) => level[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw IncidentErrors.InvalidPolicy(path, $"\"{name}\" must be a string."),
    };
}
