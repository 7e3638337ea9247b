using Npgsql;

namespace GrowHalo.Platform.Accounts;

internal static class Sql
{
    /// <summary>A command on the pool (the tables' owner); <paramref name="args"/> bind to $1, $2, … (null becomes SQL null).</summary>
    public static NpgsqlCommand Command(this NpgsqlDataSource dataSource, string sql, params object?[] args)
    {
        var cmd = dataSource.CreateCommand(sql);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return cmd;
    }

    public static DateTimeOffset? NullableTime(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
