using System.Text;

namespace Seekapa.Ops.Core.Integrations;

/// <summary>
/// The incident's Slack channel: Slack's channel-name rules (lowercase letters, digits, hyphens and underscores, at most 80
/// characters; no spaces or periods), the default name, the suffixed names tried on name_taken, and the topic.
/// </summary>
public static class SlackIncidentChannel
{
    public const int MaxNameLength = 80;

    /// <summary>conversations.create is tried with name, name-2, ..., name-10 before giving up.</summary>
    public const int MaxNameAttempts = 10;

    /// <summary>Slack cuts a topic at 250 characters; the title is shortened instead so the status and lead stay visible.</summary>
    public const int MaxTopicLength = 250;

    /// <summary>The incident id itself: the runbook's "/incident create sev-X-YYYYMMDD-description".</summary>
    public static string DefaultName(string incidentId) => Fit(Suggest(incidentId), MaxNameLength);

    /// <summary>A user-given name without its leading '#', or SlackChannelNameInvalid saying which rule it breaks.</summary>
    public static string Validate(string name)
    {
        var bare = name.Trim().TrimStart('#');
        if (Problem(bare) is { } problem)
        {
            var suggestion = Fit(Suggest(bare), MaxNameLength);
            throw IntegrationErrors.SlackChannelNameInvalid(name, problem + (suggestion.Length > 0 ? $" Try '{suggestion}'." : string.Empty));
        }

        return bare;
    }

    /// <summary>Null when Slack accepts the name, else the rule it breaks.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "A Slack channel name cannot be empty.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"A Slack channel name has at most {MaxNameLength} characters; this one has {name.Length}.";
        }

        foreach (var c in name)
        {
            if (IsAllowed(c))
            {
                continue;
            }

            var what = c switch
            {
                ' ' => "a space",
                '.' => "a period",
                >= 'A' and <= 'Z' => $"the uppercase letter '{c}'",
                _ => $"the character '{c}'",
            };
            return $"A Slack channel name has only lowercase letters, digits, hyphens and underscores; this one has {what}.";
        }

        return null;
    }

    /// <summary>The name, then name-2 ... name-10, each shortened so that the suffix still fits in 80 characters.</summary>
    public static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        for (var n = 2; n <= MaxNameAttempts; n++)
        {
            var suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return Fit(name, MaxNameLength - suffix.Length) + suffix;
        }
    }

    /// <summary>Exactly "Incident: &lt;title&gt; | Status: &lt;status&gt; | Lead: @&lt;lead&gt;", the runbook's /topic.</summary>
    public static string Topic(Incident incident)
    {
        var rest = $" | Status: {incident.Status} | Lead: {Lead(incident.Lead)}";
        var title = incident.Title;
        var room = MaxTopicLength - "Incident: ".Length - rest.Length;
        if (title.Length > room)
        {
            title = title[..Math.Max(0, room - 1)].TrimEnd() + "…";
        }

        return $"Incident: {title}{rest}";
    }

    private static string Lead(string? lead) => string.IsNullOrWhiteSpace(lead) ? "To be assigned" : "@" + lead.Trim().TrimStart('@');

    private static bool IsAllowed(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_';

    /// <summary>Lowercase, every run of characters Slack refuses turned into one hyphen.</summary>
    private static string Suggest(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (IsAllowed(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-');
    }

    private static string Fit(string name, int length) => name.Length <= length ? name : name[..length].TrimEnd('-', '_');
}
