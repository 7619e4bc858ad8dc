using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>
/// A parsed Kubernetes label selector (apimachinery labels.Parse syntax): <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>,
/// <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, joined by commas. Parsed before any call so that a typo
/// is an InvalidSelector error, not a 400 from the server halfway through a pipeline.
/// </summary>
public sealed partial class LabelSelector
{
    public enum Operator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

    public sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values);

    private LabelSelector(string text, IReadOnlyList<Requirement> requirements)
    {
        Text = text;
        Requirements = requirements;
    }

    public string Text { get; }
    public IReadOnlyList<Requirement> Requirements { get; }

    [GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$")]
    private static partial Regex NamePart();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    public static LabelSelector Parse(string text)
    {
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(text, requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var r in Requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(r.Key, out value);
            var ok = r.Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.Equals or Operator.In => has && r.Values.Contains(value!),
                Operator.NotEquals or Operator.NotIn => !has || !r.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid(text, "the selector is empty");
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth < 0)
                    {
                        throw Invalid(text, "unbalanced ')'");
                    }

                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        if (depth != 0)
        {
            throw Invalid(text, "unbalanced '('");
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw Invalid(whole, "an empty requirement (two commas, or a trailing comma)");
        }

        if (part.StartsWith('!'))
        {
            return new Requirement(Key(part[1..].Trim(), whole), Operator.DoesNotExist, Array.Empty<string>());
        }

        var setMatch = Regex.Match(part, @"^(\S+)\s+(in|notin)\s*\((.*)\)$");
        if (setMatch.Success)
        {
            var values = setMatch.Groups[3].Value.Split(',').Select(v => Value(v.Trim(), whole)).ToList();
            if (values.Count == 0 || (values.Count == 1 && values[0].Length == 0 && setMatch.Groups[3].Value.Trim().Length == 0))
            {
                throw Invalid(whole, $"'{part}' needs at least one value in the parentheses");
            }

            var op = setMatch.Groups[2].Value == "in" ? Operator.In : Operator.NotIn;
            return new Requirement(Key(setMatch.Groups[1].Value, whole), op, values);
        }

        foreach (var (token, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0)
            {
                var key = Key(part[..at].Trim(), whole);
                var value = Value(part[(at + token.Length)..].Trim(), whole);
                return new Requirement(key, op, new[] { value });
            }
        }

        if (part.IndexOfAny(new[] { ' ', '(', ')', '<', '>' }) >= 0)
        {
            throw Invalid(whole, $"'{part}' is not a requirement (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))");
        }

        return new Requirement(Key(part, whole), Operator.Exists, Array.Empty<string>());
    }

    private static string Key(string key, string whole)
    {
        var slash = key.IndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !DnsSubdomain().IsMatch(prefix))
            {
                throw Invalid(whole, $"'{key}' has an invalid prefix: it must be a DNS subdomain such as example.com");
            }
        }

        if (!NamePart().IsMatch(name))
        {
            throw Invalid(whole, $"'{key}' is not a valid label key: at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        }

        return key;
    }

    private static string Value(string value, string whole)
    {
        if (value.Length != 0 && !NamePart().IsMatch(value))
        {
            throw Invalid(whole, $"'{value}' is not a valid label value: at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        }

        return value;
    }

    private static SeekapaException Invalid(string selector, string why) =>
        new("InvalidSelector", FailureCategory.InvalidArgument, $"Invalid label selector '{selector}': {why}.", selector,
            "Use the Kubernetes selector syntax, e.g. app=backend,tier!=cache or 'env in (prod,staging)'.");
}
