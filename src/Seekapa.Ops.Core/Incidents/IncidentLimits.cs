using System.Globalization;
using System.Text;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Size and character limits of what enters an incident record or a message: a title is at most 200 characters (it is
/// the Slack topic, the post-mortem heading and the id's slug) without control or bidirectional-override characters (an
/// RTL override makes a title read differently in Slack than it is); every other free text (impact, note, root cause,
/// resolution, follow-up, next step, message text) at most 4,000 characters. Checked before anything is stored or sent.
/// </summary>
public static class IncidentLimits
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;

    /// <summary>
    /// The title without control characters (a line break or tab becomes one space) and without bidi controls
    /// (U+200E/F, U+202A-U+202E, U+2066-U+2069), trimmed; TitleTooLong over 200 characters, InvalidTitle when nothing is left.
    /// </summary>
    public static string Title(string title)
    {
        var builder = new StringBuilder(Math.Min(title.Length, MaxTitleLength + 1));
        foreach (var c in title)
        {
            if (IsBidiControl(c))
            {
                continue;
            }

            if (char.IsControl(c))
            {
                if (char.IsWhiteSpace(c) && (builder.Length == 0 || builder[^1] != ' '))
                {
                    builder.Append(' ');
                }

                continue;
            }

            builder.Append(c);
        }

        var clean = builder.ToString().Trim();
        if (clean.Length > MaxTitleLength)
        {
            throw new SeekapaException("TitleTooLong", FailureCategory.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"-Title is {clean.Length} characters long; an incident title is at most {MaxTitleLength}. Nothing was stored."),
                clean.Length, "Keep the title to a short summary and put the details in -Impact or Add-SeekapaIncidentNote.");
        }

        return clean.Length > 0
            ? clean
            : throw new SeekapaException("InvalidTitle", FailureCategory.InvalidArgument,
                "-Title has no printable character. Nothing was stored.", null, "Give a short summary such as 'API 5xx spike'.");
    }

    /// <summary>The text as is, or TextTooLong naming the parameter when it is over 4,000 characters; null stays null.</summary>
    public static string? Text(string? text, string parameter)
    {
        if (text is null || text.Length <= MaxTextLength)
        {
            return text;
        }

        throw new SeekapaException("TextTooLong", FailureCategory.InvalidArgument,
            string.Create(CultureInfo.InvariantCulture,
                $"{parameter} is {text.Length} characters long; at most {MaxTextLength} are accepted. Nothing was stored or sent."),
            parameter, "Shorten it, or split it into several notes.");
    }

    /// <summary><see cref="Text(string?, string)"/> for every item of a list parameter (-FollowUp, -NextStep).</summary>
    public static IReadOnlyList<string>? Texts(IReadOnlyList<string>? texts, string parameter)
    {
        foreach (var text in texts ?? Array.Empty<string>())
        {
            Text(text, parameter);
        }

        return texts;
    }

    /// <summary>The invisible characters that reorder text: LRM/RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI.</summary>
    public static bool IsBidiControl(char c) => c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
