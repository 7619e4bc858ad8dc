using Seekapa.Ops.Tests.Fixtures;
using Xunit;

namespace Seekapa.Ops.Tests.Database;

[Collection(PostgresCollection.Name)]
public sealed class TableSizeCommandTests : DatabaseCmdletTest, IAsyncLifetime
{
    public TableSizeCommandTests(PostgresServer server) : base(server)
    {
    }

    public async Task InitializeAsync() => await Server.ExecuteAsync("""
        DROP SCHEMA IF EXISTS sizes_a CASCADE; DROP SCHEMA IF EXISTS sizes_b CASCADE;
        CREATE SCHEMA sizes_a; CREATE SCHEMA sizes_b;
        CREATE TABLE sizes_a.big (id int PRIMARY KEY, payload text);
        INSERT INTO sizes_a.big SELECT i, repeat('x', 200) FROM generate_series(1, 20000) i;
        CREATE TABLE sizes_a.small (id int);
        INSERT INTO sizes_a.small SELECT generate_series(1, 10);
        CREATE TABLE sizes_b."We;ird ""name" (id int);
        CREATE MATERIALIZED VIEW sizes_b.summary AS SELECT count(*) AS n FROM sizes_a.big;
        ANALYZE sizes_a.big; ANALYZE sizes_a.small;
        """);

    public Task DisposeAsync() => Server.ExecuteAsync("DROP SCHEMA IF EXISTS sizes_a CASCADE; DROP SCHEMA IF EXISTS sizes_b CASCADE;");

    [Fact]
    public async Task SizesAreTheServersLargestFirst()
    {
        ConnectAsSuperuser();

        var tables = Run("Get-SeekapaTableSize -Schema sizes_*").NoErrors().Objects<DatabaseTableSize>().ToList();

        Assert.Equal(4, tables.Count);
        Assert.Equal(("sizes_a", "big"), (tables[0].Schema, tables[0].Table));
        Assert.Equal(tables.OrderByDescending(t => t.TotalBytes).Select(t => t.TotalBytes), tables.Select(t => t.TotalBytes));
        foreach (var table in tables)
        {
            var oid = $"{Quote(table.Schema)}.{Quote(table.Table)}";
            Assert.Equal(await Server.ScalarAsync<long>("SELECT pg_total_relation_size($1::regclass)", oid), table.TotalBytes);
            Assert.Equal(await Server.ScalarAsync<long>("SELECT pg_table_size($1::regclass)", oid), table.TableBytes);
            Assert.Equal(await Server.ScalarAsync<long>("SELECT pg_indexes_size($1::regclass)", oid), table.IndexBytes);
        }

        Assert.True(tables[0].IndexBytes > 0);
        Assert.Equal(20000, tables[0].EstimatedRows);
        Assert.Contains(tables, t => t.Table == "We;ird \"name");
        Assert.Contains(tables, t => t.Table == "summary");
        Assert.Null(tables.Single(t => t.Table == "We;ird \"name").EstimatedRows);
    }

    [Fact]
    public void TopAndSchemaNarrowTheList()
    {
        ConnectAsSuperuser();
        var top = Run("Get-SeekapaTableSize -Top 1 -Schema sizes_a, sizes_b").NoErrors().Objects<DatabaseTableSize>().ToList();
        Assert.Equal("big", Assert.Single(top).Table);
        Assert.All(Run("Get-SeekapaTableSize -Schema sizes_b").NoErrors().Objects<DatabaseTableSize>(), t => Assert.Equal("sizes_b", t.Schema));
        Assert.DoesNotContain(Run("Get-SeekapaTableSize").NoErrors().Objects<DatabaseTableSize>(), t => t.Schema is "pg_catalog" or "information_schema");
    }

    [Fact]
    public void AnExplicitSchemaWithoutTablesIsAnErrorAndAWildcardIsSilent()
    {
        ConnectAsSuperuser();
        var result = Run("Get-SeekapaTableSize -Schema no_such_schema, sizes_a");
        result.SingleError("SchemaNotFound");
        Assert.Equal(2, result.Objects<DatabaseTableSize>().Count());
        Run("Get-SeekapaTableSize -Schema nothing_like_this*").NoErrors();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
