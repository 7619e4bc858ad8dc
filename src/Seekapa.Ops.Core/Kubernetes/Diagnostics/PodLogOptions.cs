using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>One container whose log is read: one request.</summary>
public sealed record PodLogStream(string Namespace, string Pod, string Container);

/// <summary>What a reader emits, in order: a line, or a non-terminating error for one container or pod.</summary>
public readonly record struct PodLogEntry(LogLine? Line, SeekapaException? Error);

/// <summary>How the logs are read; validate with <see cref="Validate"/> before any call.</summary>
public sealed record PodLogOptions
{
    public const int DefaultThrottleLimit = 8;

    public int? Tail { get; init; }
    public TimeSpan? Since { get; init; }
    public bool Previous { get; init; }

    /// <summary>Show the timestamp at the start of Line (kubectl --timestamps). The Timestamp property is always set.</summary>
    public bool Timestamps { get; init; }

    /// <summary>Only lines whose text (without the timestamp) matches are emitted.</summary>
    public Regex? Pattern { get; init; }

    public bool Follow { get; init; }

    /// <summary>Stop reading after this long (null or zero: no limit).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Requests in flight at most (kubectl --max-log-requests).</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>Lines buffered per stream (ordered reads) or in total (-Follow) before a producer waits for the consumer.</summary>
    public int BufferedLines { get; init; } = 512;

    public int MaxLineLength { get; init; } = PodLogLines.DefaultMaxLineLength;

    /// <summary>kubectl's sinceSeconds: whole seconds, rounded up so a sub-second -Since still means "recent".</summary>
    public long? SinceSeconds => Since is { } s ? (long)Math.Ceiling(s.TotalSeconds) : null;

    public void Validate()
    {
        if (Tail is < 0)
        {
            throw new SeekapaException("InvalidTail", FailureCategory.InvalidArgument, $"-Tail must be 0 or more, got {Tail}.", Tail);
        }

        if (ThrottleLimit < 1)
        {
            throw new SeekapaException("InvalidThrottleLimit", FailureCategory.InvalidArgument,
                $"-ThrottleLimit must be 1 or more, got {ThrottleLimit}.", ThrottleLimit);
        }

        if (Since is { } since && since <= TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidSince", FailureCategory.InvalidArgument,
                $"-Since must be a positive duration, got {since}.", since, "For the last 10 minutes: -Since 00:10:00 or -Since 600.");
        }

        if (Timeout is { } timeout && timeout < TimeSpan.Zero)
        {
            throw new SeekapaException("InvalidTimeout", FailureCategory.InvalidArgument,
                $"-Timeout must not be negative, got {timeout}.", timeout);
        }

        if (BufferedLines < 1 || MaxLineLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BufferedLines));
        }
    }

    /// <summary>
    /// How long -Pattern may take on one line (as Test-SeekapaEndpoint's -BodyPattern): log lines are written by whoever
    /// sends requests to the service, so a backtracking pattern must end in PatternTimeout, not hang the cmdlet.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Compiles -Pattern once, with <see cref="MatchTimeout"/>; a malformed one is InvalidPattern before any call.</summary>
    public static Regex? CompilePattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new SeekapaException("InvalidPattern", FailureCategory.InvalidArgument,
                $"-Pattern '{pattern}' is not a valid regular expression: {ex.Message}", pattern,
                "Use .NET regular expression syntax, e.g. 'ERROR|5\\d\\d'; escape literal characters such as [ or ( with a backslash.", ex);
        }
    }
}
