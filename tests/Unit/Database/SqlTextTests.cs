using Seekapa.Ops.Core.Database;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

public class SqlTextTests
{
    [Theory]
    [InlineData("ALTER ROLE app PASSWORD 'hunter2-secret'", "hunter2-secret")]
    [InlineData("INSERT INTO creds VALUES (E'tok\\'en-value')", "en-value")]
    [InlineData("SELECT $q$dollar-secret$q$", "dollar-secret")]
    [InlineData("SELECT 1 -- password=comment-secret", "comment-secret")]
    [InlineData("SELECT dblink('host=db password=conn-secret', 'x')", "conn-secret")]
    public void LiteralsAndCommentsNeverSurvive(string sql, string secret)
    {
        var text = SqlText.Summarize(sql, 200);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public void KeepsTheShapeOnOneLine()
    {
        Assert.Equal("UPDATE orders SET status = '***' WHERE id = 42", SqlText.Summarize("UPDATE orders\n   SET status = 'paid'\n WHERE id = 42"));
    }

    [Fact]
    public void CutsLongTextWithAnEllipsis()
    {
        var text = SqlText.Summarize("SELECT " + string.Join(", ", Enumerable.Range(1, 100).Select(i => $"column_{i}")), 40);
        Assert.Equal(40, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }
}
