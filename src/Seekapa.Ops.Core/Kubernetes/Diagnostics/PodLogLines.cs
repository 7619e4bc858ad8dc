using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>A raw line read from a log stream; a line longer than the limit comes as several pieces, the later ones Continuation.</summary>
public readonly record struct RawLogLine(string Text, bool Continuation);

/// <summary>
/// Splits a log stream into lines as kubectl does (at '\n' only; a '\r' before it is dropped so CRLF logs read clean),
/// without reading the whole log: memory is one buffer plus the current line, and a line is cut into pieces of at most
/// <c>maxLineLength</c> characters so one endless line cannot exhaust memory.
/// </summary>
public static class PodLogLines
{
    public const int DefaultMaxLineLength = 1 << 20;

    public static async IAsyncEnumerable<RawLogLine> ReadAsync(Stream stream, int maxLineLength = DefaultMaxLineLength,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (maxLineLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineLength));
        }

        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 16384, leaveOpen: true);
        var buffer = new char[16384];
        var pending = new StringBuilder();
        var continuation = false;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                var end = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                string text;
                if (pending.Length == 0)
                {
                    text = new string(buffer, start, end - start);
                }
                else
                {
                    pending.Append(buffer, start, end - start);
                    // A CR that ended the previous chunk belongs to this line's CRLF.
                    if (i == start && pending[^1] == '\r')
                    {
                        pending.Length--;
                    }

                    text = pending.ToString();
                    pending.Clear();
                }

                foreach (var piece in Cut(text, maxLineLength, continuation))
                {
                    yield return piece;
                }

                continuation = false;
                start = i + 1;
            }

            if (start < read)
            {
                pending.Append(buffer, start, read - start);
                // A line longer than the limit leaves in pieces instead of growing without bound.
                while (pending.Length > maxLineLength)
                {
                    yield return new RawLogLine(pending.ToString(0, maxLineLength), continuation);
                    pending.Remove(0, maxLineLength);
                    continuation = true;
                }
            }
        }

        if (pending.Length > 0)
        {
            if (pending[^1] == '\r')
            {
                pending.Length--;
            }

            foreach (var piece in Cut(pending.ToString(), maxLineLength, continuation))
            {
                yield return piece;
            }
        }
    }

    private static IEnumerable<RawLogLine> Cut(string text, int max, bool continuation)
    {
        if (text.Length <= max)
        {
            yield return new RawLogLine(text, continuation);
            yield break;
        }

        for (var at = 0; at < text.Length; at += max)
        {
            yield return new RawLogLine(text.Substring(at, Math.Min(max, text.Length - at)), continuation || at > 0);
        }
    }

    /// <summary>
    /// Splits the kubelet's timestamp prefix ("2024-05-01T10:00:00.123456789Z " with timestamps=true) off a line.
    /// Returns false, and leaves the line whole, when the line does not start with one.
    /// </summary>
    public static bool TryParseTimestamp(string line, out DateTimeOffset timestamp, out int contentStart)
    {
        timestamp = default;
        contentStart = 0;
        // Shortest: 2024-05-01T10:00:00Z (20); longest with nanoseconds and an offset: 35.
        var space = line.Length >= 20 ? line.IndexOf(' ', 19, Math.Min(line.Length, 41) - 19) : -1;
        if (space < 0 || line[4] != '-' || line[10] != 'T' || !char.IsAsciiDigit(line[0]))
        {
            // The kubelet also ends the prefix-only line (an empty log line) without the space.
            if (line.Length is >= 20 and <= 40 && line.IndexOf(' ') < 0 && line[4] == '-' && line[10] == 'T' && TryParseRfc3339(line, out timestamp))
            {
                contentStart = line.Length;
                return true;
            }

            return false;
        }

        if (!TryParseRfc3339(line.AsSpan(0, space).ToString(), out timestamp))
        {
            return false;
        }

        contentStart = space + 1;
        return true;
    }

    private static readonly string[] Formats = { "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK" };

    private static bool TryParseRfc3339(string token, out DateTimeOffset value)
    {
        // .NET parses at most 7 fractional digits; RFC3339Nano has up to 9: drop the extra (sub-100ns) digits.
        var dot = token.IndexOf('.');
        if (dot > 0)
        {
            var zone = dot + 1;
            while (zone < token.Length && char.IsAsciiDigit(token[zone]))
            {
                zone++;
            }

            if (zone - dot - 1 > 7)
            {
                token = token[..(dot + 8)] + token[zone..];
            }
        }

        return DateTimeOffset.TryParseExact(token, Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
