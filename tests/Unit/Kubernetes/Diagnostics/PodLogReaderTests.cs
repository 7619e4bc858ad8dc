using System.Text;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

public sealed class PodLogReaderTests
{
    private static PodLogStream S(string pod, string container = "app") => new("prod", pod, container);

    private static async Task<List<PodLogEntry>> ReadAll(PodLogReader reader, IReadOnlyList<PodLogStream> streams, PodLogOptions options,
        CancellationToken ct = default)
    {
        var entries = new List<PodLogEntry>();
        await foreach (var entry in reader.ReadAsync(streams, options, ct))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static string Log(params string[] lines) => string.Concat(lines.Select((l, i) =>
        $"{new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc).AddSeconds(i):yyyy-MM-ddTHH:mm:ss}.123456789Z {l}\n"));

    [Fact]
    public async Task PatternKeepsMatchingLinesWithTheirLineNumbers()
    {
        var source = new FakeSource(_ => Log("GET /health 200", "ERROR db timeout", "GET /api 503", "GET /api 200", "ERROR again"));
        var options = new PodLogOptions { Pattern = PodLogOptions.CompilePattern(@"ERROR|\s5\d\d$") };
        var lines = (await ReadAll(new PodLogReader(source), new[] { S("p1") }, options)).Select(e => e.Line!).ToList();
        Assert.Equal(new long[] { 2, 3, 5 }, lines.Select(l => l.LineNumber));
        Assert.Equal(new[] { "ERROR db timeout", "GET /api 503", "ERROR again" }, lines.Select(l => l.Line));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 1, TimeSpan.Zero).AddTicks(1234567), lines[0].Timestamp);
        Assert.Equal("[pod/p1/app] ERROR db timeout", lines[0].ToString());
    }

    [Fact]
    public async Task ABacktrackingPatternEndsInPatternTimeoutForThatContainerInsteadOfHanging()
    {
        // Review finding 16: a log line is attacker-influenced; ^(a+)+$ against "aaaa...!" backtracks exponentially.
        var source = new FakeSource(s => s.Pod == "p1" ? Log("ok", new string('a', 40) + "!", "never read") : Log("a"));
        var options = new PodLogOptions { Pattern = PodLogOptions.CompilePattern("^(a+)+$") };

        var entries = await ReadAll(new PodLogReader(source), new[] { S("p1"), S("p2") }, options);

        Assert.Equal(PodLogOptions.MatchTimeout, options.Pattern!.MatchTimeout);
        var error = Assert.Single(entries, e => e.Error is not null).Error!;
        Assert.Equal(("PatternTimeout", FailureCategory.OperationTimeout), (error.ErrorId, error.Category));
        Assert.Contains("line 2 of container 'app' of pod prod/p1", error.Message, StringComparison.Ordinal);
        Assert.Equal("a", Assert.Single(entries, e => e.Line is not null).Line!.Line); // the other container is still read
    }

    [Fact]
    public void AMalformedPatternIsInvalidPattern()
    {
        var ex = Assert.Throws<SeekapaException>(() => PodLogOptions.CompilePattern("ERROR("));
        Assert.Equal("InvalidPattern", ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public async Task PatternDoesNotMatchTheTimestamp()
    {
        var source = new FakeSource(_ => Log("nothing here"));
        var options = new PodLogOptions { Pattern = PodLogOptions.CompilePattern("2024"), Timestamps = true };
        Assert.Empty(await ReadAll(new PodLogReader(source), new[] { S("p1") }, options));
    }

    [Fact]
    public async Task TimestampsAreAlwaysAPropertyAndShownInTheLineOnlyWhenAsked()
    {
        var source = new FakeSource(_ => Log("hello"));
        var plain = (await ReadAll(new PodLogReader(source), new[] { S("p1") }, new PodLogOptions())).Single().Line!;
        var shown = (await ReadAll(new PodLogReader(source), new[] { S("p1") }, new PodLogOptions { Timestamps = true })).Single().Line!;
        Assert.Equal("hello", plain.Line);
        Assert.Equal("2024-05-01T10:00:00.123456789Z hello", shown.Line);
        Assert.NotNull(plain.Timestamp);
        Assert.Equal(plain.Timestamp, shown.Timestamp);
        Assert.True(source.Requests.All(r => r.Options.Tail is null));
    }

    [Fact]
    public async Task OutputIsInPlanOrderWithEveryContainerKeepingItsOrder()
    {
        var source = new FakeSource(s => Log(Enumerable.Range(1, 300).Select(i => $"{s.Pod}/{s.Container} {i}").ToArray()),
            delay: s => TimeSpan.FromMilliseconds(s.Pod == "p1" ? 100 : 0));
        var streams = new[] { S("p1"), S("p1", "sidecar"), S("p2"), S("p3") };
        var entries = await ReadAll(new PodLogReader(source), streams, new PodLogOptions { ThrottleLimit = 4, BufferedLines = 16 });
        var expected = streams.SelectMany(s => Enumerable.Range(1, 300).Select(i => $"{s.Pod}/{s.Container} {i}"));
        Assert.Equal(expected, entries.Select(e => e.Line!.Line));
        Assert.All(entries, e => Assert.Equal($"{e.Line!.Pod}/{e.Line.Container} {e.Line.LineNumber}", e.Line.Line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public async Task AtMostThrottleLimitRequestsAreInFlight(int limit)
    {
        var source = new FakeSource(s => Log(Enumerable.Range(1, 50).Select(i => $"line {i}").ToArray()), delay: _ => TimeSpan.FromMilliseconds(20));
        var streams = Enumerable.Range(1, 20).Select(i => S($"pod-{i}")).ToList();
        var entries = await ReadAll(new PodLogReader(source), streams, new PodLogOptions { ThrottleLimit = limit });
        Assert.Equal(20 * 50, entries.Count);
        Assert.Equal(limit, source.MaxInFlight);
        Assert.Equal(20, source.Requests.Count);
    }

    [Fact]
    public async Task AFastProducerWaitsForTheConsumerSoMemoryStaysBounded()
    {
        var generated = new List<EndlessLog>();
        var source = new FakeSource(_ => throw new InvalidOperationException(), open: _ =>
        {
            var log = new EndlessLog();
            lock (generated)
            {
                generated.Add(log);
            }

            return log;
        });
        var options = new PodLogOptions { ThrottleLimit = 2, BufferedLines = 100 };
        var streams = Enumerable.Range(1, 5).Select(i => S($"pod-{i}")).ToList();
        await using var enumerator = new PodLogReader(source).ReadAsync(streams, options, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        await Task.Delay(500);
        var first = generated.Sum(g => g.BytesServed);
        await Task.Delay(300);
        var second = generated.Sum(g => g.BytesServed);

        // Two streams (the limit), each at most its 100 buffered lines plus the reader's buffers (16 KiB + 16 K chars).
        Assert.Equal(2, generated.Count);
        Assert.Equal(first, second);
        Assert.InRange(second, 1, 2 * (100 * 64 + 3 * 16384 + 4096));
    }

    [Fact]
    public async Task AFailingContainerIsAnEntryAndTheOthersContinue()
    {
        var source = new FakeSource(s => s.Pod == "bad"
            ? throw new SeekapaException("LogsUnavailable", FailureCategory.ResourceUnavailable, "waiting to start: ContainerCreating")
            : Log("ok"));
        var entries = await ReadAll(new PodLogReader(source), new[] { S("a"), S("bad"), S("c") }, new PodLogOptions());
        Assert.Equal(3, entries.Count);
        Assert.Equal("a", entries[0].Line!.Pod);
        Assert.Equal("LogsUnavailable", entries[1].Error!.ErrorId);
        Assert.Equal("c", entries[2].Line!.Pod);
    }

    [Fact]
    public async Task ADroppedConnectionMidLogKeepsTheLinesReadAndReportsTheRest()
    {
        var source = new FakeSource(_ => string.Empty, open: _ => new FailingStream(Encoding.UTF8.GetBytes(Log("one", "two"))));
        var entries = await ReadAll(new PodLogReader(source), new[] { S("a") }, new PodLogOptions());
        Assert.Equal(new[] { "one", "two" }, entries.Where(e => e.Line is not null).Select(e => e.Line!.Line));
        Assert.Equal("LogsUnavailable", entries.Last().Error!.ErrorId);
    }

    [Fact]
    public void ValidationRejectsBadValuesBeforeAnyCall()
    {
        var source = new FakeSource(_ => Log("x"));
        var reader = new PodLogReader(source);
        Assert.Equal("InvalidTail", Assert.Throws<SeekapaException>(() => reader.ReadAsync(new[] { S("a") }, new PodLogOptions { Tail = -1 }, default)).ErrorId);
        Assert.Equal("InvalidThrottleLimit", Assert.Throws<SeekapaException>(() => reader.ReadAsync(new[] { S("a") }, new PodLogOptions { ThrottleLimit = 0 }, default)).ErrorId);
        Assert.Equal("InvalidSince", Assert.Throws<SeekapaException>(() => reader.ReadAsync(new[] { S("a") }, new PodLogOptions { Since = TimeSpan.Zero }, default)).ErrorId);
        Assert.Empty(source.Requests);
    }

    [Fact]
    public void FollowingMoreStreamsThanTheLimitIsRefusedLikeKubectl()
    {
        var source = new FakeSource(_ => Log("x"));
        var streams = Enumerable.Range(1, 6).Select(i => S($"p{i}")).ToList();
        var ex = Assert.Throws<SeekapaException>(() => new PodLogReader(source).ReadAsync(streams, new PodLogOptions { Follow = true, ThrottleLimit = 5 }, default));
        Assert.Equal("FollowLimitExceeded", ex.ErrorId);
        Assert.StartsWith("you are attempting to follow 6 log streams, but maximum allowed concurrency is 5", ex.Message, StringComparison.Ordinal);
        Assert.Empty(source.Requests);
    }

    [Fact]
    public async Task FollowEmitsLinesAsTheyArriveAcrossStreamsAndStopsAtTheTimeout()
    {
        var feeds = new Dictionary<string, LiveLog> { ["a"] = new(), ["b"] = new() };
        var source = new FakeSource(_ => string.Empty, open: s => feeds[s.Pod]);
        var reader = new PodLogReader(source);
        var options = new PodLogOptions { Follow = true, Timeout = TimeSpan.FromSeconds(2) };
        var seen = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        feeds["b"].Write(Log("b1"));
        _ = Task.Run(async () =>
        {
            await Task.Delay(300);
            feeds["a"].Write(Log("a1"));
            await Task.Delay(300);
            feeds["b"].Write(Log("b2"));
        });
        await foreach (var entry in reader.ReadAsync(new[] { S("a"), S("b") }, options, default))
        {
            if (seen.Count == 0)
            {
                first = clock.Elapsed;
            }

            seen.Add(entry.Line!.Line);
        }

        Assert.Equal(new[] { "b1", "a1", "b2" }, seen);
        Assert.True(first < TimeSpan.FromSeconds(1), $"the first line came after {first}");
        Assert.True(reader.TimedOut);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(4));
        Assert.All(source.Requests, r => Assert.True(r.Options.Follow));
    }

    [Fact]
    public async Task CancellationStopsAFollowPromptly()
    {
        var source = new FakeSource(_ => string.Empty, open: _ => new LiveLog());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ReadAll(new PodLogReader(source), new[] { S("a"), S("b") }, new PodLogOptions { Follow = true }, cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.2), $"took {clock.Elapsed}");
    }

    internal sealed record Request(PodLogStream Target, PodLogOptions Options);

    /// <summary>Serves logs from a function and counts how many are open (from the request until the stream is disposed).</summary>
    internal sealed class FakeSource(Func<PodLogStream, string> logs, Func<PodLogStream, TimeSpan>? delay = null,
        Func<PodLogStream, Stream>? open = null) : IPodLogSource
    {
        private int _inFlight;
        private int _max;

        public List<Request> Requests { get; } = new();
        public int MaxInFlight => _max;

        public async Task<Stream> OpenAsync(PodLogStream target, PodLogOptions options, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(new Request(target, options));
            }

            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = _max) < now && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(delay?.Invoke(target) ?? TimeSpan.Zero, cancellationToken);
                var inner = open?.Invoke(target) ?? new MemoryStream(Encoding.UTF8.GetBytes(logs(target)));
                return new Tracked(inner, () => Interlocked.Decrement(ref _inFlight));
            }
            catch
            {
                Interlocked.Decrement(ref _inFlight);
                throw;
            }
        }

        private sealed class Tracked(Stream inner, Action closed) : Stream
        {
            private int _closed;

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                inner.ReadAsync(buffer, offset, count, cancellationToken);
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                inner.ReadAsync(buffer, cancellationToken);
            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (Interlocked.Exchange(ref _closed, 1) == 0)
                {
                    closed();
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }

    /// <summary>An endless log that counts the bytes it has served: a producer that never stops.</summary>
    internal sealed class EndlessLog : Stream
    {
        private long _served;
        private long _line;
        private byte[] _pending = Array.Empty<byte>();
        private int _offset;

        public long BytesServed => Interlocked.Read(ref _served);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _pending.Length)
            {
                _pending = Encoding.UTF8.GetBytes($"2024-05-01T10:00:00.000000001Z endless line {++_line:D12} padding\n");
                _offset = 0;
            }

            var n = Math.Min(count, _pending.Length - _offset);
            Array.Copy(_pending, _offset, buffer, offset, n);
            _offset += n;
            Interlocked.Add(ref _served, n);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A log fed by the test while it is being read (a -Follow stream).</summary>
    internal sealed class LiveLog : Stream
    {
        private readonly System.Threading.Channels.Channel<byte[]> _chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        private byte[] _current = Array.Empty<byte>();
        private int _offset;

        public void Write(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset == _current.Length)
            {
                _current = await _chunks.Reader.ReadAsync(cancellationToken);
                _offset = 0;
            }

            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Serves some bytes, then fails like a dropped connection.</summary>
    internal sealed class FailingStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == data.Length)
            {
                throw new IOException("The response ended prematurely.");
            }

            var n = Math.Min(count, data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
