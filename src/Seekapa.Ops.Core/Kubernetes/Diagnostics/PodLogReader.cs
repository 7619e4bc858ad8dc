using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes.Diagnostics;

/// <summary>
/// Reads many container logs at once with at most ThrottleLimit requests in flight, and hands the lines over through
/// bounded channels, so a fast producer waits for the consumer and memory stays bounded however large the logs are.
/// Without -Follow the output is in plan order (all lines of one container, then the next; kubectl's order) while the next
/// streams are already being fetched; with -Follow every stream is open at once and lines come out as they arrive.
/// Lines of one container always keep their order. Errors of one container are entries, the others continue.
/// </summary>
public sealed class PodLogReader(IPodLogSource source)
{
    /// <summary>True when the last read stopped because -Timeout expired.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>kubectl's rule: following needs one request per stream for as long as it runs.</summary>
    public static void CheckFollowLimit(int streams, int throttleLimit)
    {
        if (streams > throttleLimit)
        {
            throw new SeekapaException("FollowLimitExceeded", FailureCategory.InvalidArgument,
                $"you are attempting to follow {streams} log streams, but maximum allowed concurrency is {throttleLimit}, use -ThrottleLimit to increase the limit",
                streams, $"Add -ThrottleLimit {streams}, or narrow the pods (-Selector, -Name) or containers (-Container).");
        }
    }

    public IAsyncEnumerable<PodLogEntry> ReadAsync(IReadOnlyList<PodLogStream> streams, PodLogOptions options,
        CancellationToken cancellationToken)
    {
        options.Validate();
        if (options.Follow)
        {
            CheckFollowLimit(streams.Count, options.ThrottleLimit);
            return ReadMergedAsync(streams, options, cancellationToken);
        }

        return ReadOrderedAsync(streams, options, cancellationToken);
    }

    private async IAsyncEnumerable<PodLogEntry> ReadOrderedAsync(IReadOnlyList<PodLogStream> streams, PodLogOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TimedOut = false;
        using var stop = Linked(options, cancellationToken);
        // A slot is held from the start of a stream's request until the consumer has drained it, so at most ThrottleLimit
        // streams hold lines (BufferedLines each). Slots are taken in plan order, so the stream the consumer waits for
        // always has one: no deadlock.
        using var slots = new SemaphoreSlim(options.ThrottleLimit);
        var channels = streams.Select(_ => Channel.CreateBounded<PodLogEntry>(new BoundedChannelOptions(options.BufferedLines)
        {
            SingleReader = true,
            SingleWriter = true,
        })).ToArray();
        var producers = new List<Task>();
        var starter = Task.Run(async () =>
        {
            for (var i = 0; i < streams.Count; i++)
            {
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                var writer = channels[i].Writer;
                var target = streams[i];
                var producer = Task.Run(() => ProduceAsync(target, options, entry => writer.WriteAsync(entry, stop.Token), stop.Token)
                    .ContinueWith(_ => writer.TryComplete(), TaskScheduler.Default));
                lock (producers)
                {
                    producers.Add(producer);
                }
            }
        });

        try
        {
            for (var i = 0; i < streams.Count; i++)
            {
                var reader = channels[i].Reader;
                while (await Next(reader, stop, cancellationToken).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var entry))
                    {
                        yield return entry;
                    }
                }

                if (stop.IsCancellationRequested)
                {
                    break;
                }

                slots.Release();
            }
        }
        finally
        {
            stop.Cancel();
            await Quietly(starter).ConfigureAwait(false);
            Task[] started;
            lock (producers)
            {
                started = producers.ToArray();
            }

            await Quietly(Task.WhenAll(started)).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<PodLogEntry> ReadMergedAsync(IReadOnlyList<PodLogStream> streams, PodLogOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TimedOut = false;
        using var stop = Linked(options, cancellationToken);
        var channel = Channel.CreateBounded<PodLogEntry>(new BoundedChannelOptions(options.BufferedLines) { SingleReader = true });
        var producers = streams.Select(s => Task.Run(() => ProduceAsync(s, options, entry => channel.Writer.WriteAsync(entry, stop.Token), stop.Token)))
            .ToArray();
        var all = Task.WhenAll(producers).ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            while (await Next(channel.Reader, stop, cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var entry))
                {
                    yield return entry;
                }
            }
        }
        finally
        {
            stop.Cancel();
            await Quietly(all).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for more entries; false at the end of the channel or when -Timeout expired. Ctrl+C throws.</summary>
    private async Task<bool> Next(ChannelReader<PodLogEntry> reader, CancellationTokenSource stop, CancellationToken caller)
    {
        try
        {
            return await reader.WaitToReadAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            TimedOut = true;
            return false;
        }
    }

    /// <summary>Reads one container's log into <paramref name="write"/>: numbering, timestamps and -Pattern happen here.</summary>
    private async Task ProduceAsync(PodLogStream target, PodLogOptions options, Func<PodLogEntry, ValueTask> write, CancellationToken ct)
    {
        try
        {
            await using var stream = await source.OpenAsync(target, options, ct).ConfigureAwait(false);
            long number = 0;
            DateTimeOffset? timestamp = null;
            await foreach (var raw in PodLogLines.ReadAsync(stream, options.MaxLineLength, ct).ConfigureAwait(false))
            {
                var text = raw.Text;
                var content = text;
                if (!raw.Continuation)
                {
                    number++;
                    timestamp = null;
                    if (PodLogLines.TryParseTimestamp(text, out var ts, out var start))
                    {
                        timestamp = ts;
                        content = text[start..];
                    }
                }

                if (options.Pattern is { } pattern && !Matches(pattern, content, target, number))
                {
                    continue;
                }

                await write(new PodLogEntry(new LogLine
                {
                    Namespace = target.Namespace,
                    Pod = target.Pod,
                    Container = target.Container,
                    Timestamp = timestamp,
                    LineNumber = number,
                    Line = options.Timestamps ? text : content,
                }, null)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SeekapaException ex)
        {
            await TryWrite(write, ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // E.g. the connection dropped mid-log: what was read is out; say that the rest is missing.
            await TryWrite(write, new SeekapaException("LogsUnavailable", FailureCategory.ResourceUnavailable,
                $"Reading the log of container '{target.Container}' of pod {target.Namespace}/{target.Pod} failed: {ex.Message}",
                $"{target.Namespace}/{target.Pod}/{target.Container}", inner: ex)).ConfigureAwait(false);
        }
    }

    /// <summary>The -Pattern test of one line; PatternTimeout (this container's read ends) when it runs past its match timeout.</summary>
    private static bool Matches(Regex pattern, string content, PodLogStream target, long line)
    {
        try
        {
            return pattern.IsMatch(content);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new SeekapaException("PatternTimeout", FailureCategory.OperationTimeout,
                string.Create(CultureInfo.InvariantCulture,
                    $"-Pattern '{pattern}' took longer than {ex.MatchTimeout.TotalSeconds:0.#} s on line {line} of container '{target.Container}' of pod {target.Namespace}/{target.Pod}; the rest of this container's log was not read."),
                $"{target.Namespace}/{target.Pod}/{target.Container}",
                "Simplify the pattern: avoid nested quantifiers such as (a+)+ or (.*)*; anchor it or use literal text.", ex);
        }
    }

    private static async Task TryWrite(Func<PodLogEntry, ValueTask> write, SeekapaException error)
    {
        try
        {
            await write(new PodLogEntry(null, error)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static CancellationTokenSource Linked(PodLogOptions options, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } timeout && timeout > TimeSpan.Zero)
        {
            stop.CancelAfter(timeout);
        }

        return stop;
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled or failed producers already reported through their entries.
        }
    }
}
