using System.Text;
using System.Text.RegularExpressions;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>
/// The -Name filter of the Get cmdlets: explicit names (reported when missing) and PowerShell-style wildcards
/// (*, ?, [abc]) that are silent when they match nothing.
/// </summary>
public sealed class NameFilter
{
    private readonly List<Regex> _patterns = new();

    public NameFilter(IEnumerable<string>? names)
    {
        foreach (var name in names ?? Array.Empty<string>())
        {
            if (IsWildcard(name))
            {
                // Wildcards become .* runs: a match timeout bounds the backtracking of many stars (names are short anyway).
                _patterns.Add(new Regex(ToRegex(name), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, Diagnostics.PodLogOptions.MatchTimeout));
            }
            else
            {
                ExplicitNames.Add(name);
            }
        }
    }

    /// <summary>Names without wildcards: each must exist, or the cmdlet reports it.</summary>
    public HashSet<string> ExplicitNames { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => ExplicitNames.Count == 0 && _patterns.Count == 0;

    /// <summary>The single exact name, when that is the whole filter, so the server can filter by metadata.name.</summary>
    public string? SingleExplicitName => _patterns.Count == 0 && ExplicitNames.Count == 1 ? ExplicitNames.First() : null;

    public bool Matches(string name) =>
        IsEmpty || ExplicitNames.Contains(name) || _patterns.Any(p => IsMatch(p, name));

    private static bool IsMatch(Regex pattern, string name)
    {
        try
        {
            return pattern.IsMatch(name);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new Errors.SeekapaException("PatternTimeout", Errors.FailureCategory.OperationTimeout,
                $"The wildcard -Name pattern took longer than {ex.MatchTimeout.TotalSeconds:0.#} s to match '{name}'.", name,
                "Use fewer '*' in the pattern, or give exact names.", ex);
        }
    }

    public static bool IsWildcard(string name) => name.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close > i + 1)
                    {
                        sb.Append('[').Append(Regex.Escape(pattern[(i + 1)..close]).Replace("\\-", "-")).Append(']');
                        i = close;
                    }
                    else
                    {
                        sb.Append(Regex.Escape("["));
                    }

                    break;
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return sb.Append('$').ToString();
    }
}
