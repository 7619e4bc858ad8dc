using System.Text;
using Seekapa.Ops.Core.Kubernetes.Diagnostics;
using Xunit;

namespace Seekapa.Ops.Tests.Kubernetes.Diagnostics;

public sealed class PodLogLinesTests
{
    private static async Task<List<RawLogLine>> Split(string text, int maxLineLength = PodLogLines.DefaultMaxLineLength, int chunk = int.MaxValue)
    {
        var lines = new List<RawLogLine>();
        await using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk);
        await foreach (var line in PodLogLines.ReadAsync(stream, maxLineLength))
        {
            lines.Add(line);
        }

        return lines;
    }

    [Fact]
    public async Task SplitsAtNewlinesAndDropsTheCrOfCrlf()
    {
        var lines = await Split("one\r\ntwo\nthree\r\n");
        Assert.Equal(new[] { "one", "two", "three" }, lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.False(l.Continuation));
    }

    [Fact]
    public async Task KeepsALastLineWithoutNewlineAndEmptyLines()
    {
        Assert.Equal(new[] { "a", string.Empty, "b", "tail" }, (await Split("a\n\nb\ntail")).Select(l => l.Text));
        Assert.Equal(new[] { "tail" }, (await Split("tail\r")).Select(l => l.Text));
        Assert.Empty(await Split(string.Empty));
    }

    [Fact]
    public async Task KeepsABareCarriageReturnInsideALine()
    {
        Assert.Equal(new[] { "progress 10%\rprogress 20%" }, (await Split("progress 10%\rprogress 20%\n")).Select(l => l.Text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task TheSameLinesWhateverTheChunksTheNetworkDelivers(int chunk)
    {
        var text = "first line\r\nsecond\n\r\nthird – ünïcödé ✓\r\nlast";
        var lines = await Split(text, chunk: chunk);
        Assert.Equal(new[] { "first line", "second", string.Empty, "third – ünïcödé ✓", "last" }, lines.Select(l => l.Text));
    }

    [Fact]
    public async Task CutsVeryLongLinesIntoPiecesSoMemoryStaysBounded()
    {
        var longLine = new string('x', 100_000);
        var lines = await Split(longLine + "\nshort\n", maxLineLength: 30_000, chunk: 4096);
        Assert.Equal(new[] { 30_000, 30_000, 30_000, 10_000, 5 }, lines.Select(l => l.Text.Length));
        Assert.Equal(new[] { false, true, true, true, false }, lines.Select(l => l.Continuation));
        Assert.Equal(longLine, string.Concat(lines.Take(4).Select(l => l.Text)));
    }

    [Fact]
    public async Task AVeryLongLineUnderTheLimitComesWhole()
    {
        var longLine = new string('y', 200_000);
        var lines = await Split(longLine + "\r\n", chunk: 1000);
        Assert.Equal(longLine, Assert.Single(lines).Text);
    }

    [Theory]
    [InlineData("2024-05-01T10:00:00.123456789Z hello world", "2024-05-01T10:00:00.1234567Z", "hello world")]
    [InlineData("2024-05-01T10:00:00Z x", "2024-05-01T10:00:00Z", "x")]
    [InlineData("2024-05-01T10:00:00.5+02:00 shifted", "2024-05-01T08:00:00.5Z", "shifted")]
    [InlineData("2024-05-01T10:00:00.000000001Z  two spaces", "2024-05-01T10:00:00Z", " two spaces")]
    [InlineData("2024-05-01T10:00:00.123Z ", "2024-05-01T10:00:00.123Z", "")]
    [InlineData("2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123Z", "")]
    public void ParsesTheKubeletTimestampPrefix(string line, string expected, string content)
    {
        Assert.True(PodLogLines.TryParseTimestamp(line, out var ts, out var start));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ts);
        Assert.Equal(TimeSpan.Zero, ts.Offset);
        Assert.Equal(content, line[start..]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text line without a timestamp at all")]
    [InlineData("2024-05-01 10:00:00 not RFC3339")]
    [InlineData("2024-13-45T99:00:00Z bad date")]
    [InlineData("ERROR 2024-05-01T10:00:00Z later")]
    public void LeavesLinesWithoutAPrefixWhole(string line)
    {
        Assert.False(PodLogLines.TryParseTimestamp(line, out _, out var start));
        Assert.Equal(0, start);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a slow network does.</summary>
    internal sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
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
