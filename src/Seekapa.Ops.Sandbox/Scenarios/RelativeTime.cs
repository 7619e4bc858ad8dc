using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Scenarios;

/// <summary>
/// Scenario timestamps may be written relative to the server's start ("-5m", "-2d1h", "+30s", "now") so ages and
/// "(5m ago)" look the same whenever the sandbox runs. Any string under a key ending in Timestamp, Time or At
/// (creationTimestamp, startedAt, finishedAt, lastTransitionTime, ...) is converted at load time.
/// </summary>
internal static partial class RelativeTime
{
    public static bool TryParse(string text, DateTimeOffset origin, out DateTimeOffset value)
    {
        value = origin;
        if (text == "now")
        {
            return true;
        }
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var offset = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var n = long.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            offset += part.Value[^1] switch
            {
                'd' => TimeSpan.FromDays(n),
                'h' => TimeSpan.FromHours(n),
                'm' => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
        }
        value = match.Groups["sign"].Value == "-" ? origin - offset : origin + offset;
        return true;
    }

    /// <summary>Rewrites every relative timestamp in <paramref name="node"/> in place.</summary>
    public static void Resolve(JsonNode? node, DateTimeOffset origin)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue v && v.GetValueKind() == JsonValueKind.String && IsTimeKey(key) &&
                        TryParse(v.GetValue<string>(), origin, out var t))
                    {
                        obj[key] = JsonPaths.FormatTime(t);
                    }
                    else
                    {
                        Resolve(child, origin);
                    }
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Resolve(child, origin);
                }
                break;
        }
    }

    private static bool IsTimeKey(string key) =>
        key.EndsWith("Timestamp", StringComparison.Ordinal) || key.EndsWith("Time", StringComparison.Ordinal) ||
        key.EndsWith("At", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<sign>[-+])(?<part>\d+[dhms])+$")]
    private static partial Regex Pattern();
}
