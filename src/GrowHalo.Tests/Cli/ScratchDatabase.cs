using GrowHalo.Tests.Infrastructure;
using Npgsql;

namespace GrowHalo.Tests.Cli;

/// <summary>Databases for command-line tests: a migrated one (as TestPostgres makes them) or an empty one, never migrated.</summary>
public static class ScratchDatabase
{
    public static Task<string> MigratedAsync() => TestPostgres.CreateDatabaseAsync();

    public static async Task<string> EmptyAsync()
    {
        var migrated = await TestPostgres.CreateDatabaseAsync();
        var name = "raw_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(migrated))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(migrated) { Database = name }.ConnectionString;
    }
}
