using System.Globalization;

namespace Seekapa.Ops;

/// <summary>The disk size of one table (Get-SeekapaTableSize).</summary>
public sealed class DatabaseTableSize
{
    public string Schema { get; init; } = string.Empty;
    public string Table { get; init; } = string.Empty;

    /// <summary>pg_total_relation_size: the table, its TOAST data and its indexes.</summary>
    public long TotalBytes { get; init; }

    /// <summary>pg_table_size: the table and its TOAST data, without indexes.</summary>
    public long TableBytes { get; init; }

    /// <summary>pg_indexes_size.</summary>
    public long IndexBytes { get; init; }

    /// <summary>pg_class.reltuples; empty when the table has never been vacuumed or analyzed.</summary>
    public long? EstimatedRows { get; init; }

    public override string ToString() => $"{Schema}.{Table} {FormatBytes(TotalBytes)}";

    /// <summary>Bytes in PostgreSQL's pg_size_pretty format ("8192 bytes", "16 kB", "1234 MB"), so tables read as psql's do.</summary>
    public static string FormatBytes(long bytes)
    {
        // pg_size_pretty (PostgreSQL 15): bytes below 10 kB; otherwise the largest unit that stays below 20 * 1024 - 1
        // halves, divided (not shifted, so negatives round alike) keeping one extra bit to round half away from zero.
        if (Math.Abs(bytes) < 10 * 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
        }

        string[] units = ["kB", "MB", "GB", "TB", "PB"];
        var size = bytes / 512;
        for (var i = 0; ; i++)
        {
            if (Math.Abs(size) < 20 * 1024 - 1 || i == units.Length - 1)
            {
                var rounded = (size + (size < 0 ? -1 : 1)) / 2;
                return rounded.ToString(CultureInfo.InvariantCulture) + " " + units[i];
            }

            size /= 1024;
        }
    }
}
