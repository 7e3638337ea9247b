using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Platform.Database;

/// <summary>Positional parameters for the set-based statements, which take one array per column.</summary>
internal static class SqlParameters
{
    public static NpgsqlCommand With(this NpgsqlCommand cmd, object? value, NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter { Value = value ?? DBNull.Value };
        if (type is not null) p.NpgsqlDbType = type.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }

    /// <summary>JSON already encoded as UTF-8: no string for Npgsql to encode again.</summary>
    public static NpgsqlCommand WithJsonArray(this NpgsqlCommand cmd, IEnumerable<byte[]> utf8) =>
        cmd.With(utf8.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Jsonb);

    public static NpgsqlCommand WithTimestamps(this NpgsqlCommand cmd, IEnumerable<DateTimeOffset?> values) =>
        cmd.With(values.Select(v => v?.ToUniversalTime()).ToArray(),
            NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);

    public static NpgsqlCommand WithTimestamps(this NpgsqlCommand cmd, IEnumerable<DateTimeOffset> values) =>
        cmd.With(values.Select(v => v.ToUniversalTime()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);

    public static NpgsqlCommand WithTexts(this NpgsqlCommand cmd, IEnumerable<string?> values) =>
        cmd.With(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
}
