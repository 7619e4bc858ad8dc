using k8s.Models;

namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>A V1LabelSelector as the labelSelector query string (and kubectl's SELECTOR column).</summary>
public static class SelectorText
{
    /// <summary>Requirements sorted by key, as apimachinery's selector String() does; null for an empty selector.</summary>
    public static string? Format(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }

        var parts = new List<(string Key, string Text)>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            parts.Add((key, $"{key}={value}"));
        }

        foreach (var e in selector.MatchExpressions ?? new List<V1LabelSelectorRequirement>())
        {
            var values = string.Join(",", (e.Values ?? new List<string>()).OrderBy(v => v, StringComparer.Ordinal));
            var text = e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({values})",
                "NotIn" => $"{e.Key} notin ({values})",
                "Exists" => e.Key,
                "DoesNotExist" => $"!{e.Key}",
                _ => $"{e.Key} {e.OperatorProperty} ({values})",
            };
            parts.Add((e.Key, text));
        }

        return parts.Count == 0 ? null : string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }
}
