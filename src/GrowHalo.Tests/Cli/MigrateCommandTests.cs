using GrowHalo.Platform.Database;
using Npgsql;

namespace GrowHalo.Tests.Cli;

public sealed class MigrateCommandTests
{
    private static async Task<long> AppliedAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from schema_migrations", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task migrate_applies_every_migration_once_and_a_second_run_finds_nothing_to_do()
    {
        var cs = await ScratchDatabase.EmptyAsync();

        var first = await GrowHaloProcess.RunAsync(cs, "migrate");
        var second = await GrowHaloProcess.RunAsync(cs, "migrate");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Applied {Migrator.All.Count} migration(s)", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Database is up to date.", second.Stdout);
        Assert.Equal(Migrator.All.Count, await AppliedAsync(cs));
    }

    [Fact]
    public async Task two_migrate_commands_at_once_both_succeed_and_apply_each_migration_once()
    {
        var cs = await ScratchDatabase.EmptyAsync();

        var results = await Task.WhenAll(GrowHaloProcess.RunAsync(cs, "migrate"), GrowHaloProcess.RunAsync(cs, "migrate"));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Single(results, r => r.Stdout.Contains($"Applied {Migrator.All.Count} migration(s)"));
        Assert.Single(results, r => r.Stdout.Contains("Database is up to date."));
        Assert.Equal(Migrator.All.Count, await AppliedAsync(cs));
    }
}
