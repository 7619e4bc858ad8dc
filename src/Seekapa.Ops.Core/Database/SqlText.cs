using System.Text;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// SQL as it may be shown in messages, -WhatIf and the incident timeline: on one line, every literal masked (a query can
/// carry a password: ALTER ROLE ... PASSWORD '...', INSERT INTO credentials VALUES (...)), redacted, and cut short.
/// </summary>
public static class SqlText
{
    public const int DefaultLength = 80;

    public static string Summarize(string? sql, int maxLength = DefaultLength)
    {
        if (string.IsNullOrEmpty(sql))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(sql.Length, maxLength * 2));
        foreach (var token in SqlLexer.Tokenize(sql))
        {
            switch (token.Kind)
            {
                case SqlTokenKind.String or SqlTokenKind.DollarString:
                    builder.Append("'***'");
                    break;
                case SqlTokenKind.LineComment or SqlTokenKind.BlockComment:
                    builder.Append(' ');
                    break;
                default:
                    builder.Append(sql, token.Start, token.Length);
                    break;
            }

            if (builder.Length > maxLength * 4)
            {
                break;
            }
        }

        var oneLine = string.Join(' ', builder.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var redacted = Redactor.Redact(oneLine);
        return redacted.Length <= maxLength ? redacted : redacted[..(maxLength - 1)].TrimEnd() + "…";
    }
}
