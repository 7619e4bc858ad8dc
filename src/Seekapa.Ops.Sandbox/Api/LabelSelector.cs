using System.Text;
using System.Text.RegularExpressions;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// Kubernetes label selector (apimachinery labels.Parse): <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
/// <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>, <c>a&lt;1</c>; comma means AND. Parse errors throw
/// <see cref="FormatException"/> with messages shaped like the API server's.
/// </summary>
internal sealed partial class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() => string.Join(",", _requirements);

    public static LabelSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }
        return new LabelSelector(new Parser(selector).ParseAll());
    }

    private enum Op
    {
        Exists,
        DoesNotExist,
        Equals,
        DoubleEquals,
        NotEquals,
        In,
        NotIn,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Op Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.Equals or Op.DoubleEquals or Op.In => has && Values.Contains(value),
                Op.NotEquals or Op.NotIn => !has || !Values.Contains(value),
                Op.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(Values[0]),
                Op.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(Values[0]),
                _ => false,
            };
        }

        public override string ToString() => Operator switch
        {
            Op.Exists => Key,
            Op.DoesNotExist => "!" + Key,
            Op.Equals => $"{Key}={Values[0]}",
            Op.DoubleEquals => $"{Key}=={Values[0]}",
            Op.NotEquals => $"{Key}!={Values[0]}",
            Op.In => $"{Key} in ({string.Join(",", Values)})",
            Op.NotIn => $"{Key} notin ({string.Join(",", Values)})",
            Op.GreaterThan => $"{Key}>{Values[0]}",
            _ => $"{Key}<{Values[0]}",
        };
    }

    private enum Tok
    {
        Identifier,
        DoesNotExist,
        Equals,
        DoubleEquals,
        NotEquals,
        In,
        NotIn,
        OpenPar,
        ClosedPar,
        Comma,
        GreaterThan,
        LessThan,
        End,
    }

    /// <summary>A port of apimachinery's selector lexer + recursive-descent parser, kept close so errors match.</summary>
    private sealed class Parser(string input)
    {
        private readonly List<(Tok Tok, string Lit)> _tokens = Lex(input);
        private int _pos;

        public List<Requirement> ParseAll()
        {
            var result = new List<Requirement>();
            while (true)
            {
                var (tok, lit) = Peek();
                switch (tok)
                {
                    case Tok.Identifier or Tok.DoesNotExist:
                        result.Add(ParseRequirement());
                        var (t, l) = Next();
                        if (t == Tok.End)
                        {
                            return result;
                        }
                        if (t != Tok.Comma)
                        {
                            throw Error($"found '{l}', expected: ',' or 'end of string'");
                        }
                        var (t2, l2) = Peek();
                        if (t2 is not (Tok.Identifier or Tok.DoesNotExist))
                        {
                            throw Error($"found '{l2}', expected: identifier after ','");
                        }
                        break;
                    case Tok.End:
                        return result;
                    default:
                        throw Error($"found '{lit}', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private Requirement ParseRequirement()
        {
            var dne = false;
            if (Peek().Tok == Tok.DoesNotExist)
            {
                Next();
                dne = true;
            }
            var (tok, key) = Next();
            if (tok != Tok.Identifier)
            {
                throw Error($"found '{key}', expected: identifier");
            }
            ValidateKey(key);
            if (dne)
            {
                return new Requirement(key, Op.DoesNotExist, []);
            }
            if (Peek().Tok is Tok.End or Tok.Comma)
            {
                return new Requirement(key, Op.Exists, []);
            }
            var (opTok, opLit) = Next();
            var op = opTok switch
            {
                Tok.Equals => Op.Equals,
                Tok.DoubleEquals => Op.DoubleEquals,
                Tok.NotEquals => Op.NotEquals,
                Tok.In => Op.In,
                Tok.NotIn => Op.NotIn,
                Tok.GreaterThan => Op.GreaterThan,
                Tok.LessThan => Op.LessThan,
                _ => throw Error($"found '{opLit}', expected: [!= < = == > in notin]"),
            };
            var values = op is Op.In or Op.NotIn ? ParseValues() : [ParseExactValue()];
            if (op is Op.In or Op.NotIn && values.Count == 0)
            {
                throw Error("for 'in', 'notin' operators, values set can't be empty");
            }
            if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(values[0], out _))
            {
                throw Error($"for 'Gt', 'Lt' operators, the value must be an integer");
            }
            for (var i = 0; i < values.Count; i++)
            {
                ValidateValue(key, values[i], i);
            }
            return new Requirement(key, op, values);
        }

        private List<string> ParseValues()
        {
            var (tok, lit) = Next();
            if (tok != Tok.OpenPar)
            {
                throw Error($"found '{lit}', expected: '('");
            }
            var (peek, peekLit) = Peek();
            if (peek == Tok.ClosedPar)
            {
                Next();
                return [];
            }
            if (peek is not (Tok.Identifier or Tok.In or Tok.NotIn or Tok.Comma))
            {
                throw Error($"found '{peekLit}', expected: ',', ')' or identifier");
            }
            var values = new List<string>();
            var lastWasComma = true;
            while (true)
            {
                var (t, l) = Next();
                switch (t)
                {
                    // Inside a value list "in" and "notin" are plain values.
                    case Tok.Identifier or Tok.In or Tok.NotIn:
                        values.Add(l);
                        lastWasComma = false;
                        var (after, afterLit) = Peek();
                        if (after == Tok.ClosedPar)
                        {
                            Next();
                            return values.Distinct().ToList();
                        }
                        if (after != Tok.Comma)
                        {
                            throw Error($"found '{afterLit}', expected: ',' or ')'");
                        }
                        break;
                    case Tok.Comma:
                        if (lastWasComma)
                        {
                            values.Add("");
                        }
                        lastWasComma = true;
                        if (Peek().Tok == Tok.ClosedPar)
                        {
                            Next();
                            values.Add("");
                            return values.Distinct().ToList();
                        }
                        break;
                    default:
                        throw Error($"found '{l}', expected: ',', or identifier");
                }
            }
        }

        private string ParseExactValue()
        {
            var (tok, lit) = Peek();
            if (tok is Tok.End or Tok.Comma)
            {
                return "";
            }
            Next();
            if (tok is Tok.Identifier or Tok.In or Tok.NotIn)
            {
                return lit;
            }
            throw Error($"found '{lit}', expected: identifier");
        }

        private (Tok Tok, string Lit) Peek() => _tokens[Math.Min(_pos, _tokens.Count - 1)];

        private (Tok Tok, string Lit) Next()
        {
            var t = Peek();
            if (_pos < _tokens.Count)
            {
                _pos++;
            }
            return t;
        }

        private static List<(Tok, string)> Lex(string s)
        {
            var tokens = new List<(Tok, string)>();
            var i = 0;
            while (i < s.Length)
            {
                var c = s[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }
                if (IsSpecial(c))
                {
                    // Longest match among the special symbols, as the apimachinery lexer does.
                    var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                    (Tok, string) token = two switch
                    {
                        "!=" => (Tok.NotEquals, two),
                        "==" => (Tok.DoubleEquals, two),
                        _ => c switch
                        {
                            '!' => (Tok.DoesNotExist, "!"),
                            '=' => (Tok.Equals, "="),
                            '(' => (Tok.OpenPar, "("),
                            ')' => (Tok.ClosedPar, ")"),
                            ',' => (Tok.Comma, ","),
                            '>' => (Tok.GreaterThan, ">"),
                            _ => (Tok.LessThan, "<"),
                        },
                    };
                    tokens.Add(token);
                    i += token.Item2.Length;
                    continue;
                }
                var sb = new StringBuilder();
                while (i < s.Length && !IsSpecial(s[i]) && !char.IsWhiteSpace(s[i]))
                {
                    sb.Append(s[i++]);
                }
                var word = sb.ToString();
                tokens.Add(word switch
                {
                    "in" => (Tok.In, word),
                    "notin" => (Tok.NotIn, word),
                    _ => (Tok.Identifier, word),
                });
            }
            tokens.Add((Tok.End, ""));
            return tokens;
        }

        private static bool IsSpecial(char c) => c is '!' or '=' or '(' or ')' or ',' or '>' or '<';

        private static FormatException Error(string message) => new($"unable to parse requirement: {message}");
    }

    private static void ValidateKey(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !Dns1123Subdomain().IsMatch(prefix))
            {
                throw new FormatException($"key: Invalid value: \"{key}\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
            }
        }
        if (name.Length == 0 || name.Length > 63 || !QualifiedName().IsMatch(name))
        {
            throw new FormatException($"key: Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        }
    }

    private static void ValidateValue(string key, string value, int index)
    {
        if (value.Length > 63 || (value.Length > 0 && !QualifiedName().IsMatch(value)))
        {
            throw new FormatException($"values[{index}][{key}]: Invalid value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        }
    }

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();
}
