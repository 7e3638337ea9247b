using System.CommandLine;
using GrowHalo.Platform.Database;
using GrowHalo.Platform.Tenancy;
using Npgsql;

namespace GrowHalo.Cli;

internal static class ResetCommand
{
    public static Command Create()
    {
        var yes = new Option<bool>("--yes") { Description = "Do not ask: drop everything." };
        var command = new Command("reset", "Drop every table of the GrowHalo database (all tenants, events, read models) and migrate afresh.") { yes };
        command.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(yes))
            {
                if (Console.IsInputRedirected)
                {
                    await Console.Error.WriteLineAsync("error: reset drops all data; without a terminal to ask on, pass --yes.");
                    return 1;
                }
                Console.Write("This drops ALL GrowHalo data (every tenant, event and read model). Type 'reset' to go on: ");
                if (Console.ReadLine()?.Trim() != "reset") { Console.WriteLine("Nothing was changed."); return 1; }
            }
            await using var services = await CliServices.StartAsync(ct, migrate: false);
            var db = services.GetRequiredService<NpgsqlDataSource>();
            // Every data database the operator added is emptied too (and stays in the pool); tenants' places are forgotten.
            var data = await services.GetRequiredService<TenantDatabases>().AllAsync(ct);
            foreach (var other in data.Where(d => !ReferenceEquals(d, db)).Append(db))
            {
                await using var cmd = other.CreateCommand("drop schema public cascade; create schema public;");
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await using (var cmd = db.CreateCommand($"delete from {GrowHalo.Platform.Events.MartenSetup.TenancySchema}.mt_tenant_assignments; update {GrowHalo.Platform.Events.MartenSetup.TenancySchema}.mt_database_pool set tenant_count = 0"))
                await cmd.ExecuteNonQueryAsync(ct);
            NpgsqlConnection.ClearAllPools();
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            Console.WriteLine($"Dropped all data and applied {applied} migration(s). Run `growhalo demo` to start over.");
            return 0;
        });
        return command;
    }
}
