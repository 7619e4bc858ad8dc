using Npgsql;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Database;

/// <summary>
/// The runbook's table-size query, done right: every table, materialized view and partition of the connected database
/// (not only pg_tables), schema-qualified by OID so that odd names and search_path cannot break it, largest first.
/// </summary>
public static class TableSizeReader
{
    private const string Sql = """
        SELECT n.nspname, c.relname, pg_total_relation_size(c.oid), pg_table_size(c.oid), pg_indexes_size(c.oid),
               c.reltuples::bigint
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
        ORDER BY 3 DESC, 1, 2
        """;

    /// <param name="schemas">Schema names or wildcard patterns; null or empty: every schema but the system ones.</param>
    /// <param name="top">At most this many (the largest); null: all.</param>
    public static async Task<TableSizeReport> ReadAsync(NpgsqlConnection connection, IEnumerable<string>? schemas, int? top,
        CancellationToken ct)
    {
        var filter = new NameFilter(schemas);
        var tables = new List<DatabaseTableSize>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var schema = reader.GetString(0);
            if (!filter.Matches(schema))
            {
                continue;
            }

            seen.Add(schema);
            if (top is { } limit && tables.Count >= limit)
            {
                continue;
            }

            var rows = reader.GetInt64(5);
            tables.Add(new DatabaseTableSize
            {
                Schema = schema,
                Table = reader.GetString(1),
                TotalBytes = reader.GetInt64(2),
                TableBytes = reader.GetInt64(3),
                IndexBytes = reader.GetInt64(4),
                // -1 (PostgreSQL 14+) means never vacuumed or analyzed: unknown, not empty.
                EstimatedRows = rows < 0 ? null : rows,
            });
        }

        return new TableSizeReport(tables, filter.ExplicitNames.Where(name => !seen.Contains(name)).Order(StringComparer.Ordinal).ToList());
    }
}

/// <summary>The tables, largest first, and the schemas asked for by exact name that have no table (or do not exist).</summary>
public sealed record TableSizeReport(IReadOnlyList<DatabaseTableSize> Tables, IReadOnlyList<string> MissingSchemas);
