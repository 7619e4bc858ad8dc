namespace Seekapa.Ops.Core.Database;

/// <summary>The kinds of text the lexer tells apart: what can hide a semicolon, and what is code.</summary>
public enum SqlTokenKind
{
    /// <summary>Anything outside literals and comments (keywords, identifiers, operators, whitespace).</summary>
    Code,

    /// <summary>'...', E'...' (backslash escapes), U&amp;'...'.</summary>
    String,

    /// <summary>$$...$$ or $tag$...$tag$.</summary>
    DollarString,

    /// <summary>"..."</summary>
    QuotedIdentifier,

    /// <summary>-- to the end of the line.</summary>
    LineComment,

    /// <summary>/* ... */, nested as PostgreSQL nests them.</summary>
    BlockComment,

    /// <summary>A ';' outside any literal or comment.</summary>
    Semicolon,
}

/// <summary>One token: where it is in the text. <see cref="Terminated"/> is false for a literal or comment cut off by the end of the text.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, bool Terminated = true)
{
    public int End => Start + Length;
}

/// <summary>
/// PostgreSQL's lexical rules for what hides a semicolon (standard_conforming_strings on, the default since 9.1):
/// quotes doubled inside literals, backslash escapes only in E'' strings, dollar quoting with tags, nested block comments,
/// and '$' inside identifiers (foo$bar) and positional parameters ($1) that are not dollar quotes.
/// </summary>
public static class SqlLexer
{
    /// <summary>The tokens of <paramref name="text"/> from <paramref name="start"/> on, lazily (a caller may stop and resume elsewhere).</summary>
    public static IEnumerable<SqlToken> Tokenize(string text, int start = 0)
    {
        var i = start;
        var codeStart = start;
        while (i < text.Length)
        {
            var token = Special(text, i);
            if (token is null)
            {
                i++;
                continue;
            }

            if (i > codeStart)
            {
                yield return new SqlToken(SqlTokenKind.Code, codeStart, i - codeStart);
            }

            yield return token.Value;
            i = token.Value.End;
            codeStart = i;
        }

        if (text.Length > codeStart)
        {
            yield return new SqlToken(SqlTokenKind.Code, codeStart, text.Length - codeStart);
        }
    }

    private static SqlToken? Special(string text, int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        switch (c)
        {
            case ';':
                return new SqlToken(SqlTokenKind.Semicolon, i, 1);
            case '-' when next == '-':
            {
                var end = text.IndexOf('\n', i);
                return new SqlToken(SqlTokenKind.LineComment, i, (end < 0 ? text.Length : end) - i);
            }

            case '/' when next == '*':
                return BlockComment(text, i);
            case '\'':
            {
                // E'...' (also e'...') takes backslash escapes, but only when the E starts a token (not "name'").
                var escapes = i > 0 && text[i - 1] is 'E' or 'e' && (i < 2 || !IsIdentifierChar(text[i - 2]));
                return Quoted(text, i, '\'', escapes, SqlTokenKind.String);
            }

            case '"':
                return Quoted(text, i, '"', false, SqlTokenKind.QuotedIdentifier);
            case '$' when i == 0 || !IsIdentifierChar(text[i - 1]):
                return DollarQuoted(text, i);
            default:
                return null;
        }
    }

    private static SqlToken Quoted(string text, int start, char quote, bool backslashEscapes, SqlTokenKind kind)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return new SqlToken(kind, start, i + 1 - start);
            }

            i++;
        }

        return new SqlToken(kind, start, text.Length - start, Terminated: false);
    }

    private static SqlToken BlockComment(string text, int start)
    {
        var depth = 0;
        var i = start;
        while (i < text.Length - 1)
        {
            if (text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (text[i] == '*' && text[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return new SqlToken(SqlTokenKind.BlockComment, start, i - start);
                }
            }
            else
            {
                i++;
            }
        }

        return new SqlToken(SqlTokenKind.BlockComment, start, text.Length - start, Terminated: false);
    }

    private static SqlToken? DollarQuoted(string text, int start)
    {
        // $tag$ where the tag is empty or an identifier that does not start with a digit ($1 is a parameter).
        var i = start + 1;
        if (i < text.Length && char.IsDigit(text[i]))
        {
            return null;
        }

        while (i < text.Length && text[i] != '$')
        {
            if (!IsIdentifierChar(text[i]))
            {
                return null;
            }

            i++;
        }

        if (i >= text.Length)
        {
            return null;
        }

        var tag = text.Substring(start, i + 1 - start);
        var close = text.IndexOf(tag, i + 1, StringComparison.Ordinal);
        return close < 0
            ? new SqlToken(SqlTokenKind.DollarString, start, text.Length - start, Terminated: false)
            : new SqlToken(SqlTokenKind.DollarString, start, close + tag.Length - start);
    }

    internal static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c > 127;
}
