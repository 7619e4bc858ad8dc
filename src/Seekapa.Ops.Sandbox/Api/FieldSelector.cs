using System.Text;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// Kubernetes field selector (apimachinery fields.ParseSelector): comma-separated <c>field=value</c>,
/// <c>field==value</c>, <c>field!=value</c>, with <c>\,</c> <c>\=</c> <c>\\</c> escapes in values.
/// </summary>
internal sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms) => _terms = terms;

    public bool IsEmpty => _terms.Count == 0;

    public IEnumerable<string> Fields => _terms.Select(t => t.Field);

    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = fields.GetValueOrDefault(field, "");
            if ((actual == value) != equal)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The value an equality term requires for <paramref name="field"/>, if any (used to narrow by name).</summary>
    public string? ExactMatch(string field) =>
        _terms.Where(t => t.Field == field && t.Equal).Select(t => t.Value).FirstOrDefault();

    public static FieldSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }
        var terms = new List<(string, bool, string)>();
        foreach (var term in SplitTerms(selector))
        {
            if (term.Length == 0)
            {
                continue;
            }
            if (!TrySplitTerm(term, out var field, out var equal, out var rawValue))
            {
                throw new FormatException($"invalid selector: '{selector}'; can't understand '{term}'");
            }
            terms.Add((field.Trim(), equal, Unescape(rawValue)));
        }
        return new FieldSelector(terms);
    }

    public static bool TryParse(string selector, out FieldSelector result)
    {
        try
        {
            result = Parse(selector);
            return true;
        }
        catch (FormatException)
        {
            result = Everything;
            return false;
        }
    }

    private static IEnumerable<string> SplitTerms(string s)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == ',')
            {
                yield return s[start..i];
                start = i + 1;
            }
        }
        yield return s[start..];
    }

    private static bool TrySplitTerm(string term, out string field, out bool equal, out string value)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }
            foreach (var op in (string[])["!=", "==", "="])
            {
                if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0)
                {
                    field = term[..i];
                    equal = op != "!=";
                    value = term[(i + op.Length)..];
                    return true;
                }
            }
        }
        (field, equal, value) = ("", false, "");
        return false;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] is '\\' or ',' or '=')
            {
                i++;
            }
            else if (s[i] == '\\')
            {
                throw new FormatException($"invalid field selector: invalid escape sequence in '{s}'");
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
