using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Database;

/// <summary>One statement of a script, where it starts in the file, and the data of a COPY ... FROM STDIN.</summary>
public sealed record SqlStatement(int Number, string Text, int Offset, int Line, int Column, string? CopyData = null);

/// <summary>
/// A SQL script split into statements the way psql splits a file: at semicolons outside literals, quoted identifiers,
/// comments and parentheses, and outside the BEGIN ... END body of CREATE FUNCTION/PROCEDURE; COPY ... FROM STDIN takes
/// the lines up to "\." as its data. Other psql meta-commands (\connect, \i, \set) are refused: they are not SQL.
/// </summary>
public sealed class SqlScript
{
    private readonly int[] _lineStarts;

    private SqlScript(string source, string text, IReadOnlyList<SqlStatement> statements, int[] lineStarts)
    {
        Source = source;
        Text = text;
        Statements = statements;
        _lineStarts = lineStarts;
    }

    /// <summary>The file path, or "(inline)".</summary>
    public string Source { get; }

    public string Text { get; }

    public IReadOnlyList<SqlStatement> Statements { get; }

    public static SqlScript Parse(string source, string text)
    {
        var lineStarts = LineStarts(text);
        var statements = new List<SqlStatement>();
        var state = new StatementState();
        var position = 0;
        while (position < text.Length)
        {
            var resumeAt = -1;
            foreach (var token in SqlLexer.Tokenize(text, position))
            {
                if (!token.Terminated)
                {
                    throw Invalid(source, text, lineStarts, token.Start, token.Kind switch
                    {
                        SqlTokenKind.String => "a quoted string is not closed",
                        SqlTokenKind.DollarString => "a dollar-quoted string is not closed",
                        SqlTokenKind.QuotedIdentifier => "a quoted identifier is not closed",
                        _ => "a /* comment is not closed",
                    });
                }

                switch (token.Kind)
                {
                    case SqlTokenKind.LineComment or SqlTokenKind.BlockComment:
                        break;
                    case SqlTokenKind.Semicolon when state.Depth == 0:
                        resumeAt = End(source, text, lineStarts, state, token.Start, statements);
                        break;
                    case SqlTokenKind.Semicolon:
                        break;
                    case SqlTokenKind.Code:
                        state.Code(source, text, lineStarts, token);
                        break;
                    default:
                        state.Significant(token.Start, token.End);
                        break;
                }

                if (resumeAt >= 0)
                {
                    break;
                }
            }

            if (resumeAt < 0)
            {
                End(source, text, lineStarts, state, text.Length, statements);
                break;
            }

            position = resumeAt;
        }

        return new SqlScript(source, text, statements, lineStarts);
    }

    /// <summary>Line and column (1-based) in the script of a 1-based character position inside a statement (PostgreSQL's error position).</summary>
    public (int Line, int Column) Locate(SqlStatement statement, int position)
    {
        // The server counts characters; surrogate pairs are two UTF-16 units here.
        var offset = statement.Offset;
        for (var n = 1; n < position && offset < Text.Length; n++)
        {
            offset += char.IsHighSurrogate(Text[offset]) && offset + 1 < Text.Length ? 2 : 1;
        }

        return LineColumn(_lineStarts, offset);
    }

    /// <summary>Closes the statement that ends at <paramref name="end"/>; returns where scanning resumes (after COPY data).</summary>
    private static int End(string source, string text, int[] lineStarts, StatementState state, int end, List<SqlStatement> statements)
    {
        var resume = Math.Min(end + 1, text.Length);
        if (state.Start >= 0)
        {
            var body = text[state.Start..state.End];
            var (line, column) = LineColumn(lineStarts, state.Start);
            string? data = null;
            if (state.IsCopyFromStdin)
            {
                (data, resume) = CopyData(text, end);
            }

            statements.Add(new SqlStatement(statements.Count + 1, body, state.Start, line, column, data));
        }

        state.Reset();
        return resume;
    }

    /// <summary>psql's COPY FROM STDIN data: from the line after the command to a line "\." (or the end of the file).</summary>
    private static (string Data, int Resume) CopyData(string text, int semicolon)
    {
        var lineEnd = text.IndexOf('\n', semicolon);
        if (lineEnd < 0)
        {
            return (string.Empty, text.Length);
        }

        var start = lineEnd + 1;
        var i = start;
        while (i < text.Length)
        {
            var end = text.IndexOf('\n', i);
            var line = (end < 0 ? text[i..] : text[i..end]).TrimEnd('\r');
            if (line == "\\.")
            {
                return (text[start..i], end < 0 ? text.Length : end + 1);
            }

            i = end < 0 ? text.Length : end + 1;
        }

        return (text[start..], text.Length);
    }

    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }

    private static (int Line, int Column) LineColumn(int[] lineStarts, int offset)
    {
        var index = Array.BinarySearch(lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - lineStarts[line] + 1);
    }

    private static SeekapaException Invalid(string source, string text, int[] lineStarts, int offset, string why)
    {
        var (line, column) = LineColumn(lineStarts, offset);
        return new SeekapaException("InvalidSqlScript", FailureCategory.InvalidData,
            $"{source}, line {line}, column {column}: {why}. Nothing was run.", source);
    }

    /// <summary>What the splitter tracks inside the current statement.</summary>
    private sealed class StatementState
    {
        private readonly List<string> _words = new();
        private int _parens;
        private int _begins;

        public int Start { get; private set; } = -1;
        public int End { get; private set; } = -1;

        /// <summary>Semicolons inside parentheses or a function's BEGIN ... END body do not end the statement.</summary>
        public int Depth => _parens + _begins;

        public bool IsCopyFromStdin => _words.Count > 0 && _words[0] == "copy" &&
            _words.Zip(_words.Skip(1)).Any(p => p.First == "from" && p.Second == "stdin");

        public void Significant(int start, int end)
        {
            if (Start < 0)
            {
                Start = start;
            }

            End = end;
        }

        public void Code(string source, string text, int[] lineStarts, SqlToken token)
        {
            var i = token.Start;
            while (i < token.End)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                if (c == '\\')
                {
                    var command = new string(text[i..Math.Min(token.End, i + 20)].TakeWhile(ch => !char.IsWhiteSpace(ch)).ToArray());
                    throw Invalid(source, text, lineStarts, i,
                        $"the psql meta-command {command} is not SQL (only COPY ... FROM STDIN data is understood)");
                }

                Significant(i, i + 1);
                if (c == '(')
                {
                    _parens++;
                }
                else if (c == ')' && _parens > 0)
                {
                    _parens--;
                }
                else if (char.IsLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < token.End && SqlLexer.IsIdentifierChar(text[i]))
                    {
                        i++;
                    }

                    Word(text[start..i].ToLowerInvariant());
                    End = i;
                    continue;
                }

                i++;
            }
        }

        public void Reset()
        {
            Start = End = -1;
            _words.Clear();
            _parens = _begins = 0;
        }

        private void Word(string word)
        {
            _words.Add(word);
            // psql's heuristic: in CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN (and CASE inside it) opens a block END closes.
            if (_parens != 0 || !IsRoutineDefinition())
            {
                return;
            }

            switch (word)
            {
                case "begin":
                    _begins++;
                    break;
                case "case" when _begins > 0:
                    _begins++;
                    break;
                case "end" when _begins > 0:
                    _begins--;
                    break;
            }
        }

        private bool IsRoutineDefinition() => _words.Count >= 2 && _words[0] == "create" &&
            (_words[1] is "function" or "procedure" ||
             (_words.Count >= 4 && _words[1] == "or" && _words[2] == "replace" && _words[3] is "function" or "procedure"));
    }
}
