using System.Globalization;
using System.Text;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>Incident ids: sev-N-YYYYMMDD-slug, the runbook's channel name pattern (sev-X-YYYYMMDD-description).</summary>
public static class IncidentIds
{
    public const int MaxSlugLength = 40;

    /// <summary>Lowercase, accents dropped, every run of other characters one dash, trimmed, at most 40 characters.</summary>
    public static string Slug(string title)
    {
        var builder = new StringBuilder(title.Length);
        var dash = false;
        foreach (var c in title.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (dash && builder.Length > 0)
                {
                    builder.Append('-');
                }

                builder.Append(c);
                dash = false;
            }
            else
            {
                dash = true;
            }
        }

        var slug = builder.Length > MaxSlugLength ? builder.ToString(0, MaxSlugLength).TrimEnd('-') : builder.ToString();
        return slug.Length == 0 ? "incident" : slug;
    }

    public static string Base(IncidentSeverity severity, DateTimeOffset started, string title) =>
        $"sev-{(int)severity}-{started.UtcDateTime:yyyyMMdd}-{Slug(title)}";

    /// <summary>The base id, then base-2, base-3, ...</summary>
    public static IEnumerable<string> Candidates(string baseId)
    {
        yield return baseId;
        for (var n = 2; ; n++)
        {
            yield return $"{baseId}-{n}";
        }
    }

    /// <summary>Ids name files: only [a-z0-9-], so no path can be smuggled in.</summary>
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= 100 && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && id[0] != '-';
}
